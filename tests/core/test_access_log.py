"""Logs say what happened, never who it was or their links' tokens: `groundswell serve
--access-log` (written by the WSGI application, whichever server runs it), and the paths
Django logs for failed requests."""

import json
import logging
import os
import re

import pytest
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver

from groundswell.core.access_log import access_logged
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


def redirecting_application(environ, start_response):
    start_response("302 Found", [("Location", "/")])
    return iter([b"", b"moved"])  # a stream, written chunk by chunk


@pytest.fixture
def access_log_lines(monkeypatch):
    lines: list[str] = []
    monkeypatch.setattr(
        "groundswell.core.access_log.logger.info", lambda _format, line: lines.append(line)
    )
    return lines


def logged_line(lines: list[str], environ: dict) -> str:
    application = access_logged(redirecting_application)
    body = application(environ, lambda status, headers, *exc_info: None)
    assert b"".join(body) == b"moved"
    assert lines == []  # written when the server closes the body, once it was all sent
    body.close()
    assert len(lines) == 1
    return lines[0]


def test_a_line_holds_method_path_status_bytes_and_time_and_nothing_personal(
    access_log_lines, settings
):
    settings.LOG_FORMAT = "plain"

    line = logged_line(access_log_lines, a_request_to(f"/p/petition/confirm/{SECRET}/"))

    assert re.fullmatch(r"POST /p/petition/confirm/<token>/ 302 5 \d+\.\dms", line), line


def test_with_json_logs_a_line_is_one_json_object(access_log_lines, settings):
    settings.LOG_FORMAT = "json"

    line = logged_line(access_log_lines, a_request_to(f"/letters/l/verify/{SECRET}/"))

    entry = json.loads(line)
    assert {key: entry[key] for key in ("method", "path", "status", "bytes")} == {
        "method": "POST",
        "path": "/letters/l/verify/<token>/",
        "status": 302,
        "bytes": 5,
    }
    assert isinstance(entry["ms"], float)
    assert entry["time"].endswith("+00:00")
    for personal in ("203.0.113.9", "198.51.100.4", "her phone", "mail.example.org", "Ana"):
        assert personal not in line


def test_a_body_handed_over_whole_stays_a_list_and_is_logged_at_once(access_log_lines, settings):
    settings.LOG_FORMAT = "plain"

    def whole(environ, start_response):
        start_response("200 OK", [])
        return [b"hello"]

    body = access_logged(whole)(a_request_to("/p/x/"), lambda *args: None)

    assert body == [b"hello"]
    assert len(access_log_lines) == 1
    assert access_log_lines[0].startswith("POST /p/x/ 200 5 ")


def test_a_path_with_a_percent_sign_is_logged_as_it_is(access_log_lines, settings):
    settings.LOG_FORMAT = "plain"

    line = logged_line(access_log_lines, a_request_to("/p/100%25-renewable/"))

    assert line.startswith("POST /p/100%25-renewable/ 302 ")


def test_serve_turns_the_applications_access_log_on_and_granians_own_off(monkeypatch):
    started = {}
    monkeypatch.setattr("os.execv", lambda program, argv: started.update(argv=argv))
    monkeypatch.setenv("ACCESS_LOG", "0")  # restored afterwards: serve sets it

    call_command("serve", "--bind", "127.0.0.1:0", "--workers", "1", "--access-log")

    argv = started["argv"]
    assert argv[argv.index("--interface") + 1] == "wsgi"
    assert "--no-access-log" in argv
    assert os.environ["ACCESS_LOG"] == "1"


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
