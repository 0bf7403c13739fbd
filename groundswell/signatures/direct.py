"""The direct lane: a valid signature answered without Django's request handler.

Nearly every request of a spike is a valid signature, and its whole answer is a redirect to
the thanks page. Through the lean chain (`core.lean`), Django's handler and the seven
middleware around the view were 40% of that request's CPU in the web process (the view's own
work, the signature and its e-mail included, the rest): more than the database's share.

So the WSGI application (`groundswell.config.wsgi`) hands a signing POST that takes the lean
chain here first. This lane does what the chain would do for it, with the chain's own code:
  - the checks the middleware makes before the view: the host against ALLOWED_HOSTS
    (`request.get_host()`, as CommonMiddleware), no redirect to HTTPS or to www. due
    (SecurityMiddleware, CommonMiddleware), a body that is UTF-8 text without NUL
    (UndecodableInputMiddleware); the visitor's language, chosen and activated by the
    LinkLanguageLocaleMiddleware itself. A request that fails any of them, or names a language
    in its query string, goes to the chain as it came, with nothing done;
  - the view's own work, `signing_attempt`, shared with the view;
  - the headers the middleware adds to the redirect: computed by their own response hooks, on
    the first redirect of each language, scheme and path, and added as they were to the next.
Any answer but the redirect (an error shown on the form, a rate limit, a closed petition), and
any exception (a database outage: 503), goes to the chain with the attempt made, and the view
shows it there (`SIGNING_ATTEMPTED`): a signature is never attempted twice.

The lane runs only while the lean chain is exactly the middleware it knows (`KNOWN_MIDDLEWARE`);
a middleware added to the settings sends every request through the chain again, until this
module has been taught what the new one does.
"""

import io
import re
from collections.abc import Callable, Iterable
from typing import Any

from django.core import signals
from django.core.handlers.wsgi import WSGIRequest, get_script_name
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.urls import set_script_prefix
from django.utils.module_loading import import_string

from groundswell.core.lean import lean_middleware, takes_lean_chain
from groundswell.core.link_language import LINK_LANGUAGE
from groundswell.core.middleware import UndecodableInputMiddleware, input_undecodable
from groundswell.signatures.views import SIGNING_ATTEMPTED, signing_attempt

WSGIApplication = Callable[[dict, Callable], Iterable[bytes]]

KNOWN_MIDDLEWARE = (
    "groundswell.core.middleware.DatabaseUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "groundswell.core.csp.ContentSecurityPolicyMiddleware",
    "groundswell.core.link_language.LinkLanguageLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "groundswell.core.middleware.UndecodableInputMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
)
# `signatures:sign` (a test checks that it agrees with the URLconf).
SIGN_PATH = re.compile(r"/p/(?P<slug>[-a-zA-Z0-9_]+)/sign/\Z")
FORM = "application/x-www-form-urlencoded"
# The headers of a redirect, per (language, secure, path): a path per petition.
MAX_KEPT_HEADERS = 1000


class DirectSigningHandler:
    """The lane; one per process (it builds the middleware whose hooks it calls)."""

    def __init__(self, chain: WSGIApplication) -> None:
        self.chain = chain
        self.headers: dict[tuple[str, bool, str], list[tuple[str, str]]] = {}
        self.middleware_loaded()
        _handlers.append(self)

    def middleware_loaded(self) -> None:
        self.enabled = tuple(lean_middleware()) == KNOWN_MIDDLEWARE
        self.middleware = (
            [import_string(path)(_unused) for path in KNOWN_MIDDLEWARE] if self.enabled else []
        )
        self.headers.clear()

    def __call__(self, environ: dict, start_response: Callable) -> Any:
        path = SIGN_PATH.match(environ.get("PATH_INFO", ""))
        if not (
            self.enabled
            and path is not None
            and environ.get("REQUEST_METHOD") == "POST"
            and LINK_LANGUAGE + "=" not in environ.get("QUERY_STRING", "")
            and environ.get("CONTENT_TYPE", "").split(";")[0].strip().lower() == FORM
            and takes_lean_chain(environ)
        ):
            return self.chain(environ, start_response)
        set_script_prefix(get_script_name(environ))
        signals.request_started.send(sender=self.__class__, environ=environ)
        request = WSGIRequest(environ)
        response = self.answer(request, slug=path["slug"])
        if response is None:
            request.close()
            # The chain reads the body again (the lane has read it from the stream).
            environ["wsgi.input"] = io.BytesIO(request.body)
            environ["CONTENT_LENGTH"] = str(len(request.body))
            return self.chain(environ, start_response)
        response._resource_closers.append(request.close)  # type: ignore[attr-defined]
        start_response(f"{response.status_code} {response.reason_phrase}", [*response.items()])
        return response

    def answer(self, request: WSGIRequest, *, slug: str) -> HttpResponseBase | None:
        """The redirect, or None for the chain to answer (with the attempt, once made)."""
        # The middleware's request hooks, in the chain's order: any answer of theirs (a
        # redirect, a refusal) or exception is the chain's to give.
        for middleware in self.middleware:
            try:
                if isinstance(middleware, UndecodableInputMiddleware):
                    refused = input_undecodable(request)
                elif hasattr(middleware, "process_request"):
                    refused = middleware.process_request(request) is not None
                else:
                    refused = False
            except Exception:
                refused = True
            if refused:
                return None
        try:
            attempt = signing_attempt(request, slug)
        except Exception as error:
            request.META[SIGNING_ATTEMPTED] = error
            return None
        if not attempt.redirect_to:
            request.META[SIGNING_ATTEMPTED] = attempt
            return None
        response = HttpResponseRedirect(attempt.redirect_to)
        for name, value in self.added_headers(request):
            response.headers[name] = value
        return response

    def added_headers(self, request: HttpRequest) -> list[tuple[str, str]]:
        """What the middleware's response hooks add to a redirect of this request: run on the
        first one of each language, scheme and path, remembered for the next."""
        key = (request.LANGUAGE_CODE, request.is_secure(), request.path_info)
        # Read once: another thread may empty the dictionary at any moment.
        headers = self.headers.get(key)
        if headers is None:
            sample: HttpResponseBase = HttpResponseRedirect("/")
            before = dict(sample.items())
            for middleware in reversed(self.middleware):
                if hasattr(middleware, "process_response"):
                    sample = middleware.process_response(request, sample)
            headers = [(name, value) for name, value in sample.items() if before.get(name) != value]
            if len(self.headers) >= MAX_KEPT_HEADERS:
                self.headers.clear()
            self.headers[key] = headers
        return headers


def _unused(request: HttpRequest) -> HttpResponseBase:
    raise AssertionError("the direct lane calls the middleware's hooks, never the middleware")


_handlers: list[DirectSigningHandler] = []


@receiver(setting_changed)
def _forget_headers(**kwargs: object) -> None:
    for handler in _handlers:
        handler.middleware_loaded()


def direct_signing(chain: WSGIApplication) -> WSGIApplication:
    """The WSGI application: `chain`, with valid signatures answered by the direct lane."""
    return DirectSigningHandler(chain)
