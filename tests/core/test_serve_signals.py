"""What `groundswell serve` promises operators about signals, on a real server (granian):
SIGHUP replaces the workers and it keeps answering; SIGTERM stops it cleanly."""

import signal
import sys
import time
from pathlib import Path

import pytest

from tests.served import groundswell_serve

pytestmark = [
    pytest.mark.server,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc"),
]


def workers_of(pid: int) -> set[int]:
    """The server's child processes (Linux)."""
    children: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        children |= {int(each) for each in (task / "children").read_text().split()}
    return children


def test_sighup_replaces_the_workers_and_sigterm_stops_the_server_cleanly(tmp_path):
    with groundswell_serve(tmp_path) as served:
        server = served.process
        assert server is not None
        before = workers_of(server.pid)
        assert before

        server.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and workers_of(server.pid) & before:
            time.sleep(0.2)
        assert not workers_of(server.pid) & before
        answered = None
        while time.monotonic() < deadline and answered != 200:
            try:
                answered = served.request("GET", "/healthz").status
            except OSError:
                time.sleep(0.2)
        assert answered == 200

        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=30) == 0
