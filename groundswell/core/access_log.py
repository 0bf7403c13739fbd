"""The access log (`groundswell serve --access-log`) without personal data or secrets.

Servers' own formats write the client's address, user agent, referrer and the whole request
line. The request line holds the links' signed tokens (confirming, agreeing to a change,
withdrawing, receipts, work address verification, invitations, password resets) and query
strings that visitors type (a letter's name search). A line here holds the method, the path
with those tokens replaced, the status, the bytes sent and the time taken; one JSON object when
LOG_FORMAT=json.

It is written by the WSGI application itself (`access_logged`), not by the HTTP server: the same
lines whichever server runs it (granian by default, gunicorn as the fallback), and no server's
log format can leak a token.
"""

import json
import logging
import sys
import time
from collections.abc import Callable, Iterable, Iterator

from django.conf import settings

from groundswell.core.log_format import loggable_path, utc_time

WSGIApplication = Callable[[dict, Callable], Iterable[bytes]]

logger = logging.getLogger("groundswell.access")


def access_log_line(
    *, method: str, path: str, status: int, sent: int | None, seconds: float, at: float
) -> str:
    entry = {
        "method": method,
        "path": loggable_path(path),
        "status": status,
        "bytes": sent,
        "ms": round(seconds * 1000, 1),
    }
    if settings.LOG_FORMAT == "json":
        return json.dumps({"time": utc_time(at), **entry})
    return "{method} {path} {status} {bytes} {ms}ms".format(**entry)


def access_log_to_stdout() -> None:
    """One bare line per request on standard output (the format is in the line itself)."""
    if not any(getattr(handler, "access_log", False) for handler in logger.handlers):
        handler = logging.StreamHandler(sys.stdout)
        handler.access_log = True  # type: ignore[attr-defined]
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False


class _LoggedBody:
    """The response body, passed through; the line is written when the server closes it, once
    every byte was handed over (as WSGI servers do after the last chunk, or on a broken
    connection)."""

    def __init__(self, body: Iterable[bytes], on_close: Callable[[int], None]) -> None:
        self.body, self.on_close, self.sent = body, on_close, 0

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self.body:
            self.sent += len(chunk)
            yield chunk

    def close(self) -> None:
        try:
            close = getattr(self.body, "close", None)
            if close is not None:
                close()
        finally:
            self.on_close(self.sent)


def access_logged(application: WSGIApplication) -> WSGIApplication:
    def logged(environ: dict, start_response: Callable) -> Iterable[bytes]:
        started, at = time.perf_counter(), time.time()
        status: list[int] = [0]

        def remember_status(status_line: str, headers: list, *exc_info: object) -> object:
            status[0] = int(status_line.split(None, 1)[0] or 0)
            return start_response(status_line, headers, *exc_info)

        def write_line(sent: int) -> None:
            line = access_log_line(
                method=environ.get("REQUEST_METHOD", ""),
                # PATH_INFO only: never the query string, which visitors type.
                path=environ.get("PATH_INFO", ""),
                status=status[0],
                sent=sent,
                seconds=time.perf_counter() - started,
                at=at,
            )
            # As a finished string: a path may contain "%".
            logger.info("%s", line)

        body = application(environ, remember_status)
        if isinstance(body, list):
            # Handed over whole (core.whole_bodies): kept a list, so that the server still
            # writes it without the GIL; the line is written now.
            write_line(sum(len(chunk) for chunk in body))
            return body
        return _LoggedBody(body, write_line)

    return logged
