"""What /readyz checks: can this web process reach everything it needs right now?"""

import secrets

from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.db import connection

CHECK_TIMEOUT_SECONDS = 2


def database_ready() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def cache_ready() -> str:
    key = f"readyz:{secrets.token_hex(4)}"
    cache.set(key, "1", 5)
    if cache.get(key) != "1":
        raise RuntimeError("cache did not return what was stored")
    cache.delete(key)
    return "ok"


def broker_ready() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "not used (tasks run in-process)"
    # The installation's Celery app (groundswell.config.celery), without importing the layer
    # above core: it is the current app once the settings are loaded.
    with current_app.connection_for_write() as broker:
        broker.ensure_connection(max_retries=1, timeout=CHECK_TIMEOUT_SECONDS)
    return "ok"


CHECKS = {"database": database_ready, "cache": cache_ready, "broker": broker_ready}


def readiness_report() -> tuple[bool, dict[str, str]]:
    """(all ready, {check: "ok" or the failure's class name}) — never the failure's text, which
    may contain connection strings with passwords."""
    report: dict[str, str] = {}
    ready = True
    for name, check in CHECKS.items():
        try:
            report[name] = check()
        except Exception as error:
            ready = False
            report[name] = f"failed: {type(error).__name__}"
    return ready, report
