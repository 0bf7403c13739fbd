"""A worker killed with SIGKILL in the middle of sending an update: a second worker, started
by the sweep, sends what was left, and every recipient gets exactly one message.

A real `groundswell worker` on Redis sends to an SMTP server on loopback (aiosmtpd) at a limited
rate. The first worker is killed (the whole process group, SIGKILL) while it holds the update's
lease and a claimed batch; the lease and the claims run out, the sweep (sent by hand every
second, as `groundswell beat` would every UPDATES_SWEEP_SECONDS) queues the send again, and the
second worker finishes.

SMTP has no two-phase commit: a message the server accepted in the instant before its row was
marked sent (one database round trip) would be sent again. That instant is not what this test
is about, so the worker is stopped (SIGSTOP) first and killed only when the server has received
exactly what the database says was sent; otherwise it is let go a few milliseconds and stopped
again. Everything else of a crash is real: the lost lease, the claimed batch, the unacknowledged
task message, the SMTP connection cut mid-session.

Runs on PostgreSQL with GROUNDSWELL_TEST_BROKER_URL set (the CI's PostgreSQL run).
"""

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from celery import Celery
from django.db import connection

from groundswell.updates.models import RecipientStatus, Update, UpdateRecipient, UpdateStatus
from groundswell.updates.services import update_draft_create, update_send_now
from tests.signatures.test_real_smtp import free_port
from tests.test_real_broker import BROKER_URL, database_url
from tests.updates.conftest import consenting_signers_create

RECIPIENTS = 2000
RATE = 250  # messages a second: about 8 s of sending in all
SEND_TASK = "groundswell.updates.tasks.update_send_task"
SWEEP_TASK = "groundswell.updates.tasks.updates_sweep_task"

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


class RecipientCounter:
    """An SMTP sink that counts messages by envelope recipient."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.by_recipient: Counter[str] = Counter()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            for recipient in envelope.rcpt_tos:
                self.by_recipient[recipient.lower()] += 1
        return "250 Message accepted for delivery"

    def total(self) -> int:
        with self.lock:
            return sum(self.by_recipient.values())


@pytest.fixture
def sink() -> Iterator[tuple[RecipientCounter, int]]:
    from aiosmtpd.controller import Controller

    counter = RecipientCounter()
    controller = Controller(counter, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield counter, controller.port
    controller.stop()


@pytest.fixture
def workers(
    transactional_db: None, settings: Any, sink: tuple[RecipientCounter, int], tmp_path: Path
) -> Iterator[tuple[Callable[[], subprocess.Popen[bytes]], Callable[..., None]]]:
    if connection.vendor != "postgresql":
        pytest.skip("the worker processes need the test database on PostgreSQL")
    _counter, smtp_port = sink
    redis.Redis.from_url(BROKER_URL).flushdb()
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
        "UPDATE_SEND_RATE": str(RATE),
        "UPDATE_SEND_LEASE_SECONDS": "5",
    }
    started: list[subprocess.Popen[bytes]] = []
    sender = Celery("beat-by-hand")

    def start() -> subprocess.Popen[bytes]:
        log = (tmp_path / f"worker-{len(started)}.log").open("w")
        process = subprocess.Popen(
            [sys.executable, "-m", "groundswell", "worker", "--concurrency", "1"],
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: killed whole, pool child included
        )
        started.append(process)
        return process

    def send(task_name: str, *args: int) -> None:
        with sender.connection_for_write(BROKER_URL) as broker:
            sender.send_task(task_name, args=args, connection=broker)

    try:
        yield start, send
    finally:
        for process in started:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
        connection.close()


def sent_in_database(update_id: int) -> int:
    return UpdateRecipient.objects.filter(update_id=update_id, status=RecipientStatus.SENT).count()


def wait_for(check: Callable[[], Any], *, what: str, timeout: float = 120) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting until {what}")


def kill_outside_the_acceptance_instant(
    process: subprocess.Popen[bytes], counter: RecipientCounter, update_id: int
) -> None:
    for _attempt in range(200):
        os.killpg(process.pid, signal.SIGSTOP)
        time.sleep(0.3)  # anything in flight reaches the server, or never will
        if counter.total() == sent_in_database(update_id):
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=20)
            return
        os.killpg(process.pid, signal.SIGCONT)
        time.sleep(0.003)
    raise AssertionError("never caught the worker outside a message's acceptance")


def test_a_worker_killed_mid_send_loses_and_doubles_nobody(
    workers, sink, campaign, owner, monkeypatch
):
    start, send = workers
    counter, _port = sink
    consenting_signers_create(
        campaign=campaign, organization=campaign.organization, count=RECIPIENTS
    )
    update = update_draft_create(
        organization=campaign.organization,
        campaign=campaign,
        subject="We delivered",
        body_markdown="Thank you.",
        audience="host_signers",
        created_by=owner,
    )
    # The web side's own queueing goes nowhere here: the task is sent to the real broker below.
    monkeypatch.setattr("groundswell.updates.services.enqueue_on_commit", lambda *args: None)
    update_send_now(update=update, user=owner)

    first = start()
    send(SEND_TASK, update.pk)
    wait_for(lambda: sent_in_database(update.pk) >= RECIPIENTS // 4, what="a quarter is sent")
    kill_outside_the_acceptance_instant(first, counter, update.pk)

    killed_at = sent_in_database(update.pk)
    assert 0 < killed_at < RECIPIENTS, "the kill came too late to interrupt sending"
    assert Update.objects.get().lease_until is not None  # the dead worker's lease, still held

    start()

    def finished() -> bool:
        send(SWEEP_TASK)
        time.sleep(1)
        return Update.objects.get().status == UpdateStatus.SENT

    wait_for(finished, what="the second worker finishes the update")

    expected = {f"signer{number}@example.org" for number in range(RECIPIENTS)}
    assert set(counter.by_recipient) == expected
    doubled = {address: count for address, count in counter.by_recipient.items() if count > 1}
    assert doubled == {}
    update = Update.objects.get()
    assert (update.sent_count, update.failed_count, update.suppressed_count) == (RECIPIENTS, 0, 0)
