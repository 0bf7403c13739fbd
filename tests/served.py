"""A real `groundswell serve` (granian) in a subprocess, on the test database, for tests that
must see what a deployed server does: the WSGI application, its dispatch and real sockets."""

import http.client
import os
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

from django.db import connection

STARTUP_SECONDS = 60


@dataclass
class Served:
    port: int

    def request(
        self, method: str, path: str, *, form: dict | None = None, headers: dict | None = None
    ) -> http.client.HTTPResponse:
        conversation = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        body = urlencode(form) if form is not None else None
        sent = dict(headers or {})
        if body is not None:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        conversation.request(method, path, body=body, headers=sent)
        response = conversation.getresponse()
        response.read()
        conversation.close()
        return response


def database_url_for_a_subprocess(directory: Path) -> str:
    """The test database, as another process can open it: committed rows only, so the test
    must use django_db(transaction=True). SQLite's test database lives in this process's
    memory, so it is copied to a file first (the server's writes do not come back)."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        path = directory / "served.sqlite3"
        connection.ensure_connection()
        with sqlite3.connect(path) as copy:
            connection.connection.backup(copy)
        copy.close()
        return f"sqlite:///{path}"
    if connection.vendor == "postgresql":
        credentials = quote(settings["USER"] or "", safe="")
        if settings["PASSWORD"]:
            credentials += ":" + quote(settings["PASSWORD"], safe="")
        where = f"{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}"
        return f"postgres://{credentials}@{where}/{quote(settings['NAME'], safe='')}"
    raise NotImplementedError(connection.vendor)


@contextmanager
def groundswell_serve(directory: Path, **environment: str) -> Iterator[Served]:
    """Start `groundswell serve` (one worker) with the test database and `environment` on top
    of a quiet production-like one; stop it on the way out.

    The port is one the system just handed out and freed (granian binds by address, not by an
    inherited socket): another process could take it in between, which start-up then reports.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "groundswell.config.settings",
        "DATABASE_URL": database_url_for_a_subprocess(directory),
        "GROUNDSWELL_DATA_DIR": str(directory),
        "DEBUG": "0",
        "SECRET_KEY": "test-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "REDIS_URL": "",
        "CELERY_BROKER_URL": "",
        "EMAIL_URL": "dummy://",
        "SECURE_SSL_REDIRECT": "0",
        "BEHIND_TLS_PROXY": "0",
        "LOG_LEVEL": "WARNING",
        **environment,
    }
    log_path = directory / f"serve-{port}.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(  # noqa: S603 (our own command, no shell)
            [sys.executable, "-m", "groundswell", "serve", "--workers", "1", "--threads", "2",
             "--bind", f"127.0.0.1:{port}"],
            env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        served = Served(port=port)
        _wait_until_it_answers(served, process, log_path)
        yield served
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_it_answers(served: Served, process: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"groundswell serve exited:\n{log_path.read_text()}")
        try:
            if served.request("GET", "/healthz").status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"groundswell serve did not answer:\n{log_path.read_text()}")
