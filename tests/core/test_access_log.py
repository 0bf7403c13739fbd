"""Logs say what happened, never who it was or their links' tokens: `groundswell serve
--access-log`, and the paths Django logs for failed requests."""

import json
import logging
import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver
from gunicorn.config import Config

from groundswell.core.access_log import AccessLogger
from groundswell.core.log_format import RedactLinkTokens, loggable_path

SECRET = "S3cret-t0ken:1xAbc:zz"


def routes(patterns: list, prefix: str = ""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route


def example_path(route: str) -> str:
    """A path the route matches, with SECRET wherever it takes a token."""
    path = re.sub(r"<[^>]*token>", SECRET, route)
    path = re.sub(r"<int:[^>]+>", "7", path)
    return "/" + re.sub(r"<[^>]+>", "some-slug", path)


def test_every_route_that_takes_a_token_has_it_left_out_of_the_log():
    with_tokens = [route for route in routes(get_resolver().url_patterns) if "token>" in route]

    # confirm, withdraw, receipt, letter verification, invitation, password reset
    assert len(with_tokens) >= 6
    for route in with_tokens:
        path = example_path(route)
        assert SECRET in path
        assert SECRET not in loggable_path(path), route


def test_a_password_reset_link_loses_the_user_and_the_token():
    assert loggable_path("/accounts/reset/MQ/set-password/") == "/accounts/reset/<user>/<token>/"
    assert loggable_path("/accounts/reset/MQ/cq9v-8e1f2/") == "/accounts/reset/<user>/<token>/"


def test_other_paths_are_logged_as_they_are():
    assert loggable_path("/p/stop-the-data-centre/sign/") == "/p/stop-the-data-centre/sign/"
    assert loggable_path("/organizer/campaigns/x/export.csv") == "/organizer/campaigns/x/export.csv"


def a_request_to(path: str) -> dict:
    return {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "RAW_URI": f"{path}?q=Ana+Lopez",
        "QUERY_STRING": "q=Ana+Lopez",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.9",
        "HTTP_X_FORWARDED_FOR": "198.51.100.4",
        "HTTP_USER_AGENT": "Mozilla/5.0 (her phone)",
        "HTTP_REFERER": "https://mail.example.org/inbox/ana",
    }


@pytest.fixture
def access_log_file(tmp_path):
    path = tmp_path / "access.log"
    config = Config()
    config.set("accesslog", str(path))
    logger = AccessLogger(config)
    yield logger, path
    for handler in logger.access_log.handlers:
        handler.close()


def logged_line(logger: AccessLogger, path, environ: dict) -> str:
    response = SimpleNamespace(status="302 Found", sent=0, headers=[])
    logger.access(response, SimpleNamespace(headers=[]), environ, timedelta(microseconds=12_345))
    for handler in logger.access_log.handlers:
        handler.flush()
    return path.read_text().strip()


def test_a_line_holds_method_path_status_bytes_and_time_and_nothing_personal(
    access_log_file, settings
):
    settings.LOG_FORMAT = "plain"
    logger, path = access_log_file

    line = logged_line(logger, path, a_request_to(f"/p/petition/confirm/{SECRET}/"))

    assert line == "POST /p/petition/confirm/<token>/ 302 0 12.3ms"


def test_with_json_logs_a_line_is_one_json_object(access_log_file, settings):
    settings.LOG_FORMAT = "json"
    logger, path = access_log_file

    line = logged_line(logger, path, a_request_to(f"/letters/l/verify/{SECRET}/"))

    entry = json.loads(line)
    assert {key: entry[key] for key in ("method", "path", "status", "bytes", "ms")} == {
        "method": "POST",
        "path": "/letters/l/verify/<token>/",
        "status": 302,
        "bytes": 0,
        "ms": 12.3,
    }
    for personal in ("203.0.113.9", "198.51.100.4", "her phone", "mail.example.org", "Ana"):
        assert personal not in line


def test_serve_runs_gunicorn_with_this_logger(monkeypatch):
    started = {}
    monkeypatch.setattr("os.execv", lambda program, argv: started.update(argv=argv))

    call_command("serve", "--bind", "127.0.0.1:0", "--workers", "1", "--access-log")

    argv = started["argv"]
    logger_class = argv[argv.index("--logger-class") + 1]
    config = Config()
    config.set("logger_class", logger_class)
    assert config.logger_class is AccessLogger
    assert argv[argv.index("--access-logfile") + 1] == "-"


def test_a_failed_request_logged_by_django_keeps_its_path_but_not_its_token():
    console = next(
        handler
        for handler in logging.getLogger().handlers
        if any(isinstance(each, RedactLinkTokens) for each in handler.filters)
    )
    record = logging.LogRecord(
        "django.request", logging.ERROR, __file__, 1, "%s: %s",
        ("Service Unavailable", f"/p/petition/withdraw/{SECRET}/"), None,
    )  # fmt: skip

    assert console.filter(record)
    assert console.format(record).endswith(
        "django.request Service Unavailable: /p/petition/withdraw/<token>/"
    )
