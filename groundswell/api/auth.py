"""Who is calling: the API key in `Authorization: Bearer <key>` (or OSDI's `OSDI-API-Token`),
its scope and its rate limit. Every refusal is a JSON ApiError (401, 403, 429)."""

import time

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from groundswell.api.errors import ApiError
from groundswell.api.keys import api_key_find, api_key_touch
from groundswell.api.models import ApiKey, ApiScope
from groundswell.core.ratelimit import rate_limit_exceeded

RATE_WINDOW_SECONDS = 60


def presented_key(request: HttpRequest) -> str:
    header = request.headers.get("Authorization", "")
    scheme, _space, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return request.headers.get("OSDI-API-Token", "").strip()


class ApiKeyAuth(HttpBearer):
    """Lets a key in if it is known, not revoked, has the scope and is within its rate."""

    def __init__(self, *, scope: str = ApiScope.READ) -> None:
        super().__init__()
        self.scope = scope

    def __call__(self, request: HttpRequest) -> ApiKey:
        secret = presented_key(request)
        if not secret:
            raise ApiError(
                401,
                "unauthenticated",
                _("Send an API key: Authorization: Bearer <key>."),
                headers={"WWW-Authenticate": 'Bearer realm="groundswell"'},
            )
        return self.authenticate(request, secret)

    def authenticate(self, request: HttpRequest, token: str) -> ApiKey:
        api_key = api_key_find(secret=token)
        if api_key is None:
            raise ApiError(401, "invalid_key", _("This API key is not valid."))
        if api_key.revoked_at is not None:
            raise ApiError(401, "revoked_key", _("This API key has been revoked."))
        if not api_key.works:  # type: ignore[attr-defined]
            raise ApiError(
                401,
                "revoked_key",
                _(
                    "The person who made this API key no longer manages the organization: "
                    "ask its owners or admins for a new key."
                ),
            )
        if self.scope == ApiScope.WRITE and api_key.scope != ApiScope.WRITE:
            raise ApiError(403, "insufficient_scope", _("This API key may only read."))
        if rate_limit_exceeded(
            scope="api",
            key=str(api_key.pk),
            limit=settings.API_RATE_LIMIT,
            window_seconds=RATE_WINDOW_SECONDS,
        ):
            retry_after = RATE_WINDOW_SECONDS - int(time.time()) % RATE_WINDOW_SECONDS
            raise ApiError(
                429,
                "rate_limited",
                _("Too many requests with this API key. Please retry after a minute."),
                headers={"Retry-After": str(retry_after)},
            )
        api_key_touch(api_key=api_key)
        request.api_key = api_key  # type: ignore[attr-defined]
        return api_key


read_auth = ApiKeyAuth(scope=ApiScope.READ)
write_auth = ApiKeyAuth(scope=ApiScope.WRITE)


def request_key(request: HttpRequest) -> ApiKey:
    return request.auth  # type: ignore[attr-defined]
