"""The access log of a real `groundswell serve` (granian): one token-free line per request,
written by the application, whatever server runs it."""

import json
import time

import pytest
from django.urls import reverse

from tests.served import groundswell_serve

pytestmark = [pytest.mark.server, pytest.mark.django_db(transaction=True)]

TOKEN = "S3cret-t0ken:1xAbc:zz"


@pytest.mark.parametrize("log_format", ["plain", "json"])
def test_a_served_request_is_logged_without_its_token_or_query(campaign, tmp_path, log_format):
    path = reverse("signatures:confirm", kwargs={"slug": campaign.slug, "token": TOKEN})
    with groundswell_serve(tmp_path, ACCESS_LOG="1", LOG_FORMAT=log_format) as served:
        status = served.request("GET", f"{path}?email=ana%40example.org").status
        # The line is written once the server has sent the whole body, just after the client
        # has it.
        log_file = next(tmp_path.glob("serve-*.log"))
        deadline = time.monotonic() + 20
        while "/confirm/" not in log_file.read_text() and time.monotonic() < deadline:
            time.sleep(0.1)

    log = log_file.read_text()
    assert TOKEN not in log
    assert "ana" not in log
    lines = [line for line in log.splitlines() if "/confirm/" in line]
    assert len(lines) == 1
    if log_format == "json":
        entry = json.loads(lines[0])
        assert (entry["method"], entry["path"], entry["status"]) == (
            "GET", f"/p/{campaign.slug}/confirm/<token>/", status,
        )  # fmt: skip
    else:
        assert lines[0].startswith(f"GET /p/{campaign.slug}/confirm/<token>/ {status} ")
