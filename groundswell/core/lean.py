"""The busiest requests of a spike through a shorter middleware chain: the two POSTs, signing
and confirming, and the two GETs everyone shares, the petition page and its JSON.

All four are anonymous and CSRF-exempt (the page an anonymous visitor gets has no form that
needs a token: it is one copy from the shared cache for everyone), and need no session, user,
one-off messages or static files; the full chain cost them about a quarter of their CPU in the
web process. So the WSGI application (`groundswell.config.wsgi`) sends such a request from a
visitor without a session or message cookie to a second Django handler that runs every
middleware in settings.MIDDLEWARE but those in `SKIPPED`, and the same URLconf and views.
Anything else, and any visitor with a session (an organizer looking at their own petition),
takes the full chain.
"""

import re
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.core.handlers.exception import convert_exception_to_response
from django.core.handlers.wsgi import WSGIHandler
from django.utils.module_loading import import_string

# What the lean chain leaves out, and why it may: static files are served under STATIC_URL only;
# sessions, users and messages are not read by these views for a visitor without their cookies,
# and templates rendered without them fall back to an anonymous visitor without messages (the
# page everyone gets); the POSTs are CSRF-exempt and the GETs change nothing; axes only answers
# for a login that authenticate() locked out, and these views never authenticate anyone.
# (CommonMiddleware stays: it is what refuses a Host header not in ALLOWED_HOSTS before anything
# is written.)
SKIPPED = frozenset(
    {
        "whitenoise.middleware.WhiteNoiseMiddleware",
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
        "axes.middleware.AxesMiddleware",
    }
)

# POST paths of `signatures:sign` and `signatures:confirm`, and GET paths of
# `campaigns:petition` and `campaigns:petition_json` (tests check that they agree with the
# URLconf).
_SHARED_PAGES = re.compile(r"/p/[-a-zA-Z0-9_]+(?:/|\.json)\Z")
LEAN_PATHS = {
    "POST": re.compile(r"/p/[-a-zA-Z0-9_]+/(?:sign|confirm/[^/]+)/\Z"),
    "GET": _SHARED_PAGES,
    "HEAD": _SHARED_PAGES,
}

WSGIApplication = Callable[[dict, Callable], Iterable[bytes]]


def lean_middleware() -> list[str]:
    return [path for path in settings.MIDDLEWARE if path not in SKIPPED]


class LeanWSGIHandler(WSGIHandler):
    """Django's WSGI handler with `lean_middleware()` instead of settings.MIDDLEWARE.

    The chain is built as BaseHandler.load_middleware builds it, for synchronous middleware
    only (all of ours are).
    """

    def load_middleware(self, is_async: bool = False) -> None:
        self._view_middleware: list = []
        self._template_response_middleware: list = []
        self._exception_middleware: list = []
        handler = convert_exception_to_response(self._get_response)  # type: ignore[attr-defined]
        for path in reversed(lean_middleware()):
            try:
                instance = import_string(path)(handler)
            except MiddlewareNotUsed:
                continue
            if hasattr(instance, "process_view"):
                self._view_middleware.insert(0, instance.process_view)
            if hasattr(instance, "process_template_response"):
                self._template_response_middleware.append(instance.process_template_response)
            if hasattr(instance, "process_exception"):
                self._exception_middleware.append(instance.process_exception)
            handler = convert_exception_to_response(instance)
        self._middleware_chain = handler


def takes_lean_chain(environ: dict) -> bool:
    paths = LEAN_PATHS.get(environ.get("REQUEST_METHOD", ""))
    if paths is None or not paths.match(environ.get("PATH_INFO", "")):
        return False
    cookies = environ.get("HTTP_COOKIE", "")
    # A substring test: a cookie that merely contains the name only sends it the long way.
    return f"{settings.SESSION_COOKIE_NAME}=" not in cookies and "messages=" not in cookies


def lean_dispatch(full: WSGIApplication, lean: WSGIApplication | None = None) -> WSGIApplication:
    """The WSGI application: `full` (Django's), with the requests above sent to `lean`."""
    lean = lean or LeanWSGIHandler()

    def application(environ: dict, start_response: Callable) -> Iterable[bytes]:
        chosen = lean if takes_lean_chain(environ) else full
        return chosen(environ, start_response)

    return application
