"""A few seconds of caching for public pages that everyone sees the same way.

A viral petition page is requested thousands of times a second and changes only when the count
does; serving it from the shared cache for PUBLIC_PAGE_CACHE_SECONDS makes page views cost almost
nothing, at the price of a count that is at most that many seconds old. Logged-in organizers,
visitors with a one-off message and anything but GET/HEAD bypass the cache; a cookie alone
does not (see _anonymous_without_messages).

When a copy turns stale, one request renders the page again (it wins a short lock in the cache)
while the others keep getting the stale copy: at a thousand requests a second, dozens would
otherwise arrive during that render, miss together and render the same page at once (slowest
on the biggest campaigns, the ones under load). A stale copy is kept at most STALE_SECONDS past
its time, in case the renderer dies. So what a page shows (the count, a withdrawn signer's name
or comment) normally changes within PUBLIC_PAGE_CACHE_SECONDS, and at worst (renders slow or
failing) within PUBLIC_PAGE_CACHE_SECONDS + STALE_SECONDS: the bound docs/architecture.md's
personal data inventory states. Responses tell browsers and caches in front to keep a copy only
for what is left of its time (max-age 0 when stale), so they add nothing to that bound.

Each web process also keeps the copy it read until the copy's own time runs out, so that a
fresh copy costs no round trip to the shared cache: the count shown is no older than it was, and
a page is still rendered once per PUBLIC_PAGE_CACHE_SECONDS for all processes together.
"""

import hashlib
import math
import secrets
import time
from collections.abc import Callable, Collection, Hashable
from functools import partial, wraps

from django.conf import settings
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.html import conditional_escape
from django.utils.translation import get_language

from groundswell.core.process_cache import process_cached, process_keep, process_kept

View = Callable[..., HttpResponse]
MESSAGES_COOKIE = CookieStorage.cookie_name
# How long a stale copy may still be served while one request renders the page again, and how
# long that request holds the right to (after which another may try).
STALE_SECONDS = 30
RENDER_LOCK_SECONDS = 10


def _cache_key(request: HttpRequest) -> str:
    """The page's address, with only the parameters its view reads (`_only_parameters`), and the
    language it is served in: LocaleMiddleware has chosen it, from the link's ?lang=, the
    language cookie or Accept-Language, before any view runs."""
    digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:40]
    return f"page:{get_language()}:{digest}"


def cached_public_page(*, query: Collection[str]) -> Callable[[View], View]:
    """Cache a public view for PUBLIC_PAGE_CACHE_SECONDS (see the module's docstring).

    `query` names the query parameters the view reads: the view sees only those (in the order
    given), and so does the cache's key. Any other parameter (a social network's `fbclid`, a
    newsletter's `utm_*`, a made-up one) changes nothing on the page, so it must not make a copy
    of its own: at a viral spike each visitor from a network that tags its links would
    otherwise render the page from the database.
    """
    return partial(_cached_public_page, query=tuple(query))


def _only_parameters(request: HttpRequest, names: tuple[str, ...]) -> None:
    if not request.META.get("QUERY_STRING"):
        return
    kept = QueryDict(mutable=True)
    for name in names:
        if name in request.GET:
            kept.setlist(name, request.GET.getlist(name))
    # The view, its templates (the language switcher's way back) and the cache's key all read
    # the request's own query: a mutable copy stands for it.
    request.GET = kept  # type: ignore[assignment]
    request.META["QUERY_STRING"] = kept.urlencode()


def _cached_public_page(view: View, *, query: tuple[str, ...]) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        _only_parameters(request, query)
        seconds = settings.PUBLIC_PAGE_CACHE_SECONDS
        cacheable = (
            seconds > 0
            and request.method in ("GET", "HEAD")
            and _anonymous_without_messages(request)
        )
        if not cacheable:
            response = view(request, *args, **kwargs)
            patch_vary_headers(response, ("Cookie",))  # the language cookie, as below
            return response
        key = _cache_key(request)
        stored = _shared_copy(key)
        now = time.time()
        if stored is not None and (
            stored[0] > now or not cache.add(f"{key}:render", 1, RENDER_LOCK_SECONDS)
        ):
            fresh_until, status, content_type, content, extra_headers = stored
            response = HttpResponse(content, status=status, content_type=content_type)
            for name, value in extra_headers:
                response[name] = value
            # What is left of the copy's time (none for a stale one): a browser or a cache in
            # front must not keep it past the bound we keep ourselves.
            max_age = max(0, math.ceil(fresh_until - now))
        else:
            try:
                response = view(request, *args, **kwargs)
                _keep(key, response, seconds)
            finally:
                if stored is not None:
                    cache.delete(f"{key}:render")
            max_age = seconds
        patch_cache_control(response, public=True, max_age=max_age)
        # The page's language follows the switcher's cookie as well as Accept-Language (which
        # LocaleMiddleware adds): a cache in front, or a browser, must not give a copy it kept
        # in one language to a request that chose the other.
        patch_vary_headers(response, ("Cookie",))
        return response

    return wrapper


def _shared_copy(key: str) -> tuple | None:
    """The shared cache's copy under `key`: this process's own while it is fresh, else read."""
    stored = process_kept(key)
    if isinstance(stored, tuple):
        return stored
    stored = cache.get(key)
    if stored is None or len(stored) != 5:  # none, or kept by an earlier release
        return None
    process_keep(key, stored, stored[0] - time.time())
    return stored


def _keep(key: str, response: HttpResponse, seconds: int) -> None:
    if response.status_code not in (200, 404) or response.streaming:
        return
    extra = [
        (name, response[name])
        for name in ("Access-Control-Allow-Origin",)
        if response.has_header(name)
    ]
    fresh_until = time.time() + seconds
    value = (fresh_until, response.status_code, response["Content-Type"], response.content, extra)
    cache.set(key, value, seconds + STALE_SECONDS)
    process_keep(key, value, seconds)


# Stand-ins for the per-visitor values of a page rendered once; random, so no text typed into a
# campaign can contain one.
_HOLE_MARK = secrets.token_hex(12)


def hole_mark(name: str) -> str:
    """The stand-in `text_with_holes` renders for the hole `name`: letters and digits only, so
    that it reads the same after URL quoting or HTML escaping (a hole inside a link)."""
    return f"hole{_HOLE_MARK}{name}"


def _anonymous_without_messages(request: HttpRequest) -> bool:
    """Whether this visitor gets the page everyone gets: yes unless they are logged in or have
    a one-off message waiting (personal: a page showing one must never be shared).

    A cookie's name is not enough: anyone can send `sessionid=x` or `messages=x`, and a cookie
    that skipped the cache would make every such request render the page from the database.
    A session counts only once loaded and found to be a logged-in user's (one lookup by
    primary key; a visitor without the cookie costs nothing), a message only once its
    signature is verified (no database).
    """
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return False
    # len() loads the messages without marking them read: the page rendered next shows them.
    return MESSAGES_COOKIE not in cookies or not len(get_messages(request))


def render_with_holes(
    request: HttpRequest,
    template_name: str,
    context: dict[str, object],
    *,
    holes: dict[str, str],
    key: Hashable,
    seconds: float,
) -> HttpResponse:
    """A page that is the same for every anonymous visitor but for a few strings (`holes`).

    The page is rendered once per `key` and language in this process (see `text_with_holes`),
    and each response is that text with the visitor's own values put in, escaped as the template
    would have escaped them. That render sees no request (no user, messages or CSRF token), so
    nothing of the first visitor can be kept; visitors with a session or a message get a full
    render.
    """
    if not seconds or not _anonymous_without_messages(request):
        return render(request, template_name, {**context, **holes})
    page = text_with_holes(
        template_name, context, holes=holes, key=key, seconds=seconds, escape=conditional_escape
    )
    return HttpResponse(page)


def text_with_holes(
    template_name: str,
    context: dict[str, object] | Callable[[], dict[str, object]],
    *,
    holes: dict[str, str],
    key: Hashable,
    seconds: float,
    escape: Callable[[str], str] | None = None,
) -> str:
    """`render_to_string(template_name, {**context, **holes})`, rendered once per `key` and
    language in this process and kept for `seconds`, with stand-ins for the holes; each call
    puts its own values in, through `escape` if the template escapes them (None: as they are).

    `key` must name everything else in `context`, and the template must print each hole as it
    is (no filter, no test on it). A context that costs something to build can be given as a
    function: it is called only when the text is rendered.
    """
    marks = {name: hole_mark(name) for name in holes}

    def render() -> str:
        values = context() if callable(context) else context
        return render_to_string(template_name, {**values, **marks})

    text: str = process_cached(
        ("text-with-holes", template_name, get_language(), key), seconds, render
    )
    for name, value in holes.items():
        text = text.replace(marks[name], escape(value) if escape else value)
    return text
