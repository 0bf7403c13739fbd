"""The one NinjaAPI at /api/v1/: OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs (Swagger
UI from django-ninja's own static files: no third-party script, no inline script, so the site's
CSP holds there too).

Resources are the modules of groundswell.api.resources, each mounted at its PREFIX.
"""

import importlib
import pkgutil
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.docs import DocsBase

from groundswell.api import resources
from groundswell.api.errors import ApiError, api_error_response, error_response


class VendoredSwagger(DocsBase):
    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        return render(
            request,
            "api/docs.html",
            {"api": api, "openapi_url": self.get_openapi_url(api, kwargs)},
        )


api = NinjaAPI(
    docs=VendoredSwagger(),
    title="Groundswell API",
    version="1",
    urls_namespace="api-v1",
    description=(
        "Petitions, signatures, people, letters, signatories, events and attendances of the key's "
        "organization, "
        "shaped after OSDI (HAL `_links`, cursor pagination, `modified_date` filters). "
        "Authenticate with `Authorization: Bearer <key>` or `OSDI-API-Token: <key>`."
    ),
)


def resource_modules() -> list[str]:
    return sorted(
        f"{resources.__name__}.{found.name}" for found in pkgutil.iter_modules(resources.__path__)
    )


for module_name in resource_modules():
    module = importlib.import_module(module_name)
    api.add_router(module.PREFIX, module.router)


@api.exception_handler(ApiError)
def _api_error(request: HttpRequest, error: ApiError) -> HttpResponse:
    return api_error_response(request, error)


@api.exception_handler(NinjaValidationError)
def _invalid(request: HttpRequest, error: NinjaValidationError) -> HttpResponse:
    problems = [
        {
            "field": ".".join(str(part) for part in problem.get("loc", ())),
            "problem": problem.get("msg", ""),
        }
        for problem in error.errors
    ]
    fields = ", ".join(problem["field"] for problem in problems) or "the request"
    return error_response(
        status=422, code="invalid", message=f"Invalid input: {fields}.", detail=problems
    )


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
    return error_response(status=401, code="unauthenticated", message="Send an API key.")


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, error: Http404) -> HttpResponse:
    return error_response(status=404, code="not_found", message="Not found.")


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
    return error_response(status=error.status_code, code="error", message=str(error))
