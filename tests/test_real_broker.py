"""Signing, confirming, the log's append and the receipt, through a real Celery worker on Redis.

Everywhere else tasks run in-process (CELERY_TASK_ALWAYS_EAGER). Here the web side runs as in
production with a broker: it queues nothing itself, the scheduler's periodic tasks (sent by
hand below, as `groundswell beat` would) go through Redis to a `groundswell worker` subprocess,
which reads and writes the test database and sends e-mail to an SMTP server on loopback.

Runs when GROUNDSWELL_TEST_BROKER_URL names a Redis database of its own and the tests run on
PostgreSQL (the worker must see the rows this test commits); the CI's PostgreSQL run sets both.
"""

import email
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from celery import Celery
from django.db import connection
from django.urls import reverse

from groundswell.signatures.models import Signature
from groundswell.transparency.models import LeafKind, LogEntry
from tests.conftest import sign_data
from tests.signatures.test_real_smtp import Collector, free_port

BROKER_URL = os.environ.get("GROUNDSWELL_TEST_BROKER_URL", "")
# What `groundswell beat` starts (config/settings.py, CELERY_BEAT_SCHEDULE).
OUTBOX_DRAIN = "groundswell.core.tasks.outbox_drain_task"
COUNTS_PUBLISH = "groundswell.signatures.tasks.counts_publish_task"
LOGS_EXTEND = "groundswell.transparency.tasks.transparency_logs_extend_task"

pytestmark = [
    pytest.mark.broker,
    pytest.mark.smtp,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not BROKER_URL,
        reason="set GROUNDSWELL_TEST_BROKER_URL (a Redis database of its own) to run tasks "
        "through a real worker",
    ),
]


def database_url() -> str:
    settings = connection.settings_dict
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    host = settings.get("HOST") or "127.0.0.1"
    port = settings.get("PORT") or 5432
    return f"postgres://{settings['USER']}{password}@{host}:{port}/{settings['NAME']}"


@pytest.fixture
def smtp_collector() -> Iterator[tuple[Collector, int]]:
    from aiosmtpd.controller import Controller

    collector = Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield collector, controller.port
    controller.stop()


@pytest.fixture
def worker(
    transactional_db: None, settings: Any, smtp_collector: tuple[Collector, int], tmp_path: Path
) -> Iterator[Callable[[str], None]]:
    """A `groundswell worker` on the test database, and a way to send it the scheduler's tasks."""
    if connection.vendor != "postgresql":
        pytest.skip("the worker process needs the test database on PostgreSQL")
    _collector, smtp_port = smtp_collector
    redis.Redis.from_url(BROKER_URL).flushdb()  # the broker tests' own database
    sender = Celery("beat-by-hand")
    settings.CELERY_TASK_ALWAYS_EAGER = False  # the web side takes the broker's path
    environment = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": BROKER_URL,
        "REDIS_URL": "",
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "GROUNDSWELL_BASE_URL": settings.GROUNDSWELL_BASE_URL,
        "GROUNDSWELL_DATA_DIR": str(tmp_path),
        "SECRET_KEY": settings.SECRET_KEY,
        "DEBUG": "1",
    }
    log = (tmp_path / "worker.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "groundswell", "worker", "--concurrency", "1"],
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )

    def send(task_name: str) -> None:
        # On a connection of its own: CELERY_BROKER_URL in the environment (memory:// in the
        # test run) would win over a broker set on the app.
        with sender.connection_for_write(BROKER_URL) as broker:
            sender.send_task(task_name, connection=broker)

    try:
        yield send
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        connection.close()  # so the test database can be flushed and dropped
        if process.returncode not in (0, -15):
            print((tmp_path / "worker.log").read_text())


def eventually(check: Callable[[], Any], *, what: str, timeout: float = 60) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.25)
    raise AssertionError(f"the worker did not {what} within {timeout} s")


def test_a_signature_goes_from_signing_to_receipt_through_the_worker(
    client, campaign, worker, smtp_collector
):
    collector, _port = smtp_collector
    response = client.post(reverse("signatures:sign", kwargs={"slug": campaign.slug}), sign_data())
    assert response.status_code == 302
    assert not collector.messages  # with a broker, the web process sends no mail itself

    worker(OUTBOX_DRAIN)
    confirmation = eventually(
        lambda: next(iter(collector.messages), None), what="send the confirmation e-mail"
    )
    body = confirmation.get_payload(decode=True).decode()
    link = re.search(r"https://sign\.example\.org(/p/\S+/confirm/\S+/)", body).group(1)
    assert client.post(link).status_code == 200
    signature = Signature.objects.get()
    assert signature.confirmed_at is not None

    worker(COUNTS_PUBLISH)
    eventually(
        lambda: campaign.__class__.objects.get(pk=campaign.pk).signature_count == 1,
        what="publish the count",
    )
    worker(LOGS_EXTEND)
    entry = eventually(
        lambda: LogEntry.objects.filter(signature=signature, kind=LeafKind.SIGNATURE).first(),
        what="append the signature to the log",
    )
    receipt = eventually(
        lambda: next(
            (
                message
                for message in collector.messages
                if message["Subject"].startswith("Your receipt")
            ),
            None,
        ),
        what="send the receipt",
    )
    assert receipt["To"] == "ada@example.org"
    receipt_body = receipt.get_payload(decode=True).decode()
    assert f'"leaf_index": {entry.index}' in receipt_body
    assert isinstance(receipt, email.message.Message)
