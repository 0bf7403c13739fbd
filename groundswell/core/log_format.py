"""Log lines: one JSON object per line for log collectors (LOG_FORMAT=json), and never a link's
token.

Messages are written by our code, which never puts e-mail addresses, names or IP addresses in
them; the JSON formatter adds none either (no request data, no arguments beyond the message).
Django logs the path of a request that failed, and paths hold the links' signed tokens: the
console handler's `RedactLinkTokens` filter takes them out.
"""

import json
import logging
import re
from datetime import UTC, datetime


def utc_time(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).isoformat(timespec="milliseconds")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": utc_time(record.created),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "process": record.process,
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


# A path segment after one of these holds a signed token (see the URLconfs; a test checks that
# every route with a token is covered). A password reset link holds the user's id and a token.
SECRET_AFTER = re.compile(
    r"/(confirm|change|receipt|withdraw|cancel|verify|invitations|ticket)/[^/]+"
)
PASSWORD_RESET = re.compile(r"/reset/[^/]+/[^/]+")
# An update's unsubscribe link: the organization, then the token.
UNSUBSCRIBE = re.compile(r"/unsubscribe/([^/]+)/[^/]+")


def loggable_path(path: str) -> str:
    path = SECRET_AFTER.sub(r"/\1/<token>", path)
    path = UNSUBSCRIBE.sub(r"/unsubscribe/\1/<token>", path)
    return PASSWORD_RESET.sub("/reset/<user>/<token>", path)


class RedactLinkTokens(logging.Filter):
    """Take link tokens out of the paths in a record's arguments (django.request logs a failed
    request as "%s: %s" with the reason and the path)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                loggable_path(arg) if isinstance(arg, str) else arg for arg in record.args
            )
        return True
