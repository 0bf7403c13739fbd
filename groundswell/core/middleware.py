import logging
from collections.abc import Callable
from urllib.parse import unquote_to_bytes

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


class DatabaseUnavailableMiddleware:
    """Answer 503 with Retry-After while the database is unreachable (restart, failover).

    Nothing was acknowledged, so the visitor can simply try again; load balancers and clients
    understand 503, and it is not mistaken for a bug.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.warning("database unavailable: %s", type(exception).__name__)
        response = HttpResponse(
            render_to_string("503.html", request=None), status=503, content_type="text/html"
        )
        response["Retry-After"] = "5"
        return response


def undecodable(raw: bytes) -> bool:
    """True if a query string or form body is not UTF-8 text once percent-decoded, or holds a
    NUL (which PostgreSQL refuses in any value, failing the query)."""
    if raw.isascii() and b"%" not in raw:
        return b"\x00" in raw
    decoded = unquote_to_bytes(raw)
    if b"\x00" in decoded:
        return True
    try:
        decoded.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


class UndecodableInputMiddleware:
    """Answer 400, with a page that says why, to a query string or form that is not UTF-8 text.

    Django reads such input leniently rather than refusing it: an invalid percent-encoded byte
    becomes U+FFFD, a body of raw bytes that are not UTF-8 is read as Latin-1 (mojibake that
    looks like letters, and would be stored as a name), and a NUL reaches the database, where
    PostgreSQL fails the query (a 500). No person types any of it. Multipart bodies (uploads)
    are left to the forms, whose text validators refuse U+FFFD and NUL.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if input_undecodable(request):
            return render(request, "400.html", {"undecodable": True}, status=400)
        return self.get_response(request)


def input_undecodable(request: HttpRequest) -> bool:
    """True if the request's query string or urlencoded form is `undecodable`."""
    query = request.META.get("QUERY_STRING", "").encode("iso-8859-1", errors="replace")
    return undecodable(query) or (
        request.method == "POST"
        and request.content_type == "application/x-www-form-urlencoded"
        and undecodable(request.body)
    )
