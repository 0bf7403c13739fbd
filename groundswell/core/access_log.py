"""gunicorn's access log (`groundswell serve --access-log`) without personal data or secrets.

gunicorn's own format writes the client's address, user agent, referrer and the whole request
line. The request line holds the links' signed tokens (confirming, agreeing to a change,
withdrawing, receipts, work address verification, invitations, password resets) and query
strings that visitors type (a letter's name search). A line here holds the method, the path
with those tokens replaced, the status, the bytes sent and the time taken; one JSON object when
LOG_FORMAT=json.
"""

import json
import time
from datetime import timedelta

from django.conf import settings
from gunicorn.glogging import Logger

from groundswell.core.log_format import loggable_path, utc_time


class AccessLogger(Logger):
    def access(self, resp: object, req: object, environ: dict, request_time: timedelta) -> None:
        if not self.access_log_enabled:
            return
        status = getattr(resp, "status", "")
        entry = {
            "method": environ.get("REQUEST_METHOD", ""),
            "path": loggable_path(environ.get("PATH_INFO", "")),
            "status": int(str(status).split(None, 1)[0] or 0),
            "bytes": getattr(resp, "sent", None),
            "ms": round(request_time.total_seconds() * 1000, 1),
        }
        if settings.LOG_FORMAT == "json":
            line = json.dumps({"time": utc_time(time.time()), **entry})
        else:
            line = "{method} {path} {status} {bytes} {ms}ms".format(**entry)
        # As a finished string: gunicorn's access handler would %-format a message it is given
        # with arguments, and a path may contain "%".
        self.access_log.info("%s", line)
