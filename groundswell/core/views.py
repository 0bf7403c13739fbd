from django.conf import settings
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language
from django.views.static import serve

from groundswell.core.http import InvalidParameter
from groundswell.core.link_language import without_link_language
from groundswell.core.readiness import readiness_report


def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness: the process answers. Touches neither database nor cache."""
    return HttpResponse("ok", content_type="text/plain")


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness for a load balancer: 503 while the database, cache or broker is unreachable."""
    ready, report = readiness_report()
    return JsonResponse({"ready": ready, "checks": report}, status=200 if ready else 503)


# Pages link the icon, but browsers (and feed readers, and pages that are not HTML) still ask for
# /favicon.ico; a day in their caches spares a request on every page view.
FAVICON_CACHE_SECONDS = 24 * 3600


@cache_control(public=True, max_age=FAVICON_CACHE_SECONDS)
def favicon(request: HttpRequest) -> HttpResponseRedirect:
    return HttpResponseRedirect(static("groundswell/favicon.svg"))


def public_upload(request: HttpRequest, path: str) -> HttpResponseBase:
    """Logos and delivery photos; the URL pattern admits nothing else from MEDIA_ROOT."""
    return serve(request, path, document_root=str(settings.MEDIA_ROOT))


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The 400 page (handler400): says what was wrong when we know it, nothing otherwise
    (Django's own reasons, e.g. a refused Host header, are not for visitors)."""
    message = str(exception) if isinstance(exception, InvalidParameter) else ""
    return render(request, "400.html", {"message": message}, status=400)


# CSRF-exempt: the switcher's form is on pages served to everyone from the shared page cache,
# which cannot carry one visitor's token; a forged post can only change the language a browser
# is shown, which its own switcher changes back.
@csrf_exempt
def language_switch(request: HttpRequest) -> HttpResponseBase:
    """Django's set_language (the switcher on every page), leading back to the page without the
    language its address named (core.link_language), which would outrank the choice just made."""
    response = set_language(request)
    if response.has_header("Location"):
        response["Location"] = without_link_language(response["Location"])
    return response
