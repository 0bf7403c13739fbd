"""A few seconds of caching for public pages that everyone sees the same way.

A viral petition page is requested thousands of times a second and changes only when the count
does; serving it from the shared cache for PUBLIC_PAGE_CACHE_SECONDS makes page views cost almost
nothing, at the price of a count that is at most that many seconds old. Requests that carry a
session (logged-in organizers) and anything but GET/HEAD bypass the cache.
"""

import hashlib
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language

View = Callable[..., HttpResponse]


def _cache_key(request: HttpRequest) -> str:
    digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:40]
    return f"page:{get_language()}:{digest}"


def cached_public_page(view: View) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        seconds = settings.PUBLIC_PAGE_CACHE_SECONDS
        cacheable = (
            seconds > 0
            and request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            # One-off messages are personal: a page showing one must never be shared.
            and "messages" not in request.COOKIES
        )
        if not cacheable:
            return view(request, *args, **kwargs)
        key = _cache_key(request)
        stored = cache.get(key)
        if stored is not None:
            status, content_type, content, extra_headers = stored
            response = HttpResponse(content, status=status, content_type=content_type)
            for name, value in extra_headers:
                response[name] = value
        else:
            response = view(request, *args, **kwargs)
            if response.status_code in (200, 404) and not response.streaming:
                extra = [
                    (name, response[name])
                    for name in ("Access-Control-Allow-Origin",)
                    if response.has_header(name)
                ]
                value = (response.status_code, response["Content-Type"], response.content, extra)
                cache.set(key, value, seconds)
        patch_cache_control(response, public=True, max_age=seconds)
        return response

    return wrapper
