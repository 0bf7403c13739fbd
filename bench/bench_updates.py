"""Benchmark: an update sent to N signers (100,000 by default) through a real SMTP server.

    make bench-updates BENCH_ARGS="--recipients 100000"
    .venv/bin/python bench/bench_updates.py --recipients 2000 --restart

Needs PostgreSQL (BENCH_PG_URL, an administrative URL: a throwaway database is created and
dropped) and Redis as the broker (BENCH_REDIS_URL, database 14 by default, flushed). Seeds N
confirmed signers who consented to the host, starts an SMTP sink (aiosmtpd) on loopback that
counts messages by envelope recipient, and a real `groundswell worker` (concurrency 1), then
sends the update through it as the organizer pages do. Prints:
  - listing: the INSERT ... SELECT of the recipient rows (seconds);
  - sending: messages per second, from the first message to the last, at UPDATE_SEND_RATE
    (--rate, 0: no limit);
  - the worker's peak RSS (the largest VmHWM among its processes, sampled while it runs);
  - exactly-once: recipients reached, recipients reached twice, recipients missed.
With --restart, the worker is killed with SIGKILL when half is sent and a second one started;
the sweep (sent by hand every second) hands it the update once the lease runs out
(UPDATE_SEND_LEASE_SECONDS, 5 here), and the doubles say how often the kill fell in a message's
acceptance instant.
"""

import argparse
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
SECRET_KEY = "bench-" + "x" * 50
SEND_TASK = "groundswell.updates.tasks.update_send_task"
SWEEP_TASK = "groundswell.updates.tasks.updates_sweep_task"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Sink:
    """An SMTP sink counting messages by envelope recipient, with the first and last times."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.by_recipient: Counter[str] = Counter()
        self.first_at: float | None = None
        self.last_at: float | None = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        now = time.monotonic()
        with self.lock:
            for recipient in envelope.rcpt_tos:
                self.by_recipient[recipient.lower()] += 1
            self.first_at = self.first_at or now
            self.last_at = now
        return "250 Message accepted for delivery"

    def total(self) -> int:
        with self.lock:
            return sum(self.by_recipient.values())


def group_peak_rss_mb(pid: int) -> float:
    """The largest VmHWM (peak resident set) among the processes of a process group."""
    peak = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if os.getpgid(int(entry.name)) != pid:
                continue
            for line in (entry / "status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]))
        except (OSError, ProcessLookupError, ValueError):
            continue
    return peak / 1024


def wait_until_ready(sender: Any, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if sender.control.ping(timeout=1.0):
            return
    raise SystemExit("the worker did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--recipients", type=int, default=100_000)
    parser.add_argument("--rate", type=int, default=0, help="UPDATE_SEND_RATE (0: no limit)")
    parser.add_argument("--restart", action="store_true", help="kill -9 the worker mid-send")
    parser.add_argument("--keep-database", action="store_true")
    args = parser.parse_args()

    name = f"groundswell_bench_updates_{int(time.time())}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    database_url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    subprocess.run(["redis-cli", "-u", REDIS_URL, "flushdb"], check=False, capture_output=True)
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": "",
        "CELERY_BROKER_URL": REDIS_URL,
        "SECRET_KEY": SECRET_KEY,
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
        "UPDATE_SEND_RATE": str(args.rate),
        "UPDATE_SEND_LEASE_SECONDS": "5",
        "GROUNDSWELL_DATA_DIR": str(ROOT / "var" / "bench"),
    }
    workers: list[subprocess.Popen[bytes]] = []
    try:
        subprocess.run(
            [sys.executable, "-m", "groundswell", "migrate", "--verbosity", "0"],
            env=env,
            check=True,
            cwd=ROOT,
        )
        os.environ.update({key: env[key] for key in ("DATABASE_URL", "SECRET_KEY", "DEBUG")})
        os.environ.update(CELERY_BROKER_URL=REDIS_URL, LOG_LEVEL="WARNING")
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "groundswell.config.settings")
        import django

        django.setup()
        run(args, env, workers)
    finally:
        for process in workers:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
        if not args.keep_database:
            from django.db import connections

            connections.close_all()
            with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def run(args: argparse.Namespace, env: dict[str, str], workers: list[Any]) -> None:
    from aiosmtpd.controller import Controller
    from celery import Celery
    from django.db import connection
    from django.utils import timezone

    from groundswell.accounts.models import Organization
    from groundswell.campaigns.services import campaign_create
    from groundswell.updates import services
    from groundswell.updates.models import RecipientStatus, Update, UpdateRecipient, UpdateStatus
    from tests.updates.conftest import consenting_signers_create

    count = args.recipients
    started = time.monotonic()
    organization = Organization.objects.create(name="Bench coalition", slug="bench")
    campaign = campaign_create(
        organization=organization,
        data={
            "slug": "bench-petition",
            "title": "Benchmark petition",
            "ask": "Cancel the contract.",
            "target_name": "Dana Whitfield",
            "target_title": "CEO",
            "target_organization": "Northwind Cloud",
            "goal": count,
        },
    )
    consenting_signers_create(campaign=campaign, organization=organization, count=count)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"seeded {count} consenting signers in {time.monotonic() - started:.1f} s")

    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    env = {**env, "EMAIL_URL": f"smtp://127.0.0.1:{controller.port}"}
    sender = Celery("bench", broker=REDIS_URL)

    def send(task: str, *task_args: int) -> None:
        with sender.connection_for_write(REDIS_URL) as broker:
            sender.send_task(task, args=task_args, connection=broker)

    def start_worker() -> subprocess.Popen[bytes]:
        process = subprocess.Popen(
            [sys.executable, "-m", "groundswell", "worker", "--concurrency", "1"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        workers.append(process)
        return process

    update = services.update_draft_create(
        organization=organization,
        campaign=campaign,
        subject="We delivered your signatures",
        body_markdown="**Thank you.** The CEO answered; here is what comes next.\n\n" * 5,
        audience="host_signers",
    )
    services.enqueue_on_commit = lambda *task_args: None  # type: ignore[assignment]
    services.update_send_now(update=update, user=None)
    worker = start_worker()
    wait_until_ready(sender)  # the worker's start-up is not the sender's speed
    send_started, sent_wall = time.monotonic(), timezone.now()
    send(SEND_TASK, update.pk)

    peak_mb = 0.0
    killed = False
    while True:
        time.sleep(0.5)
        peak_mb = max(peak_mb, group_peak_rss_mb(worker.pid))
        status = Update.objects.filter(pk=update.pk).values_list("status", flat=True).get()
        if status == UpdateStatus.SENT:
            break
        if args.restart and not killed and sink.total() >= count // 2:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()
            killed = True
            print(f"killed the worker (SIGKILL) at {sink.total()} messages received")
            worker = start_worker()
        if killed:
            send(SWEEP_TASK)
        if time.monotonic() - send_started > max(600, count / 50):
            raise SystemExit("the update was not sent in time")
    finished = time.monotonic()
    peak_mb = max(peak_mb, group_peak_rss_mb(worker.pid))
    controller.stop()

    update = Update.objects.get(pk=update.pk)
    listed = update.recipients_listed_at - sent_wall if update.recipients_listed_at else None
    first, last = sink.first_at or send_started, sink.last_at or finished
    received = sink.total()
    reached = len(sink.by_recipient)
    doubled = sum(1 for times in sink.by_recipient.values() if times > 1)
    expected = {f"signer{number}@example.org" for number in range(count)}
    missed = len(expected - set(sink.by_recipient))
    rows_sent = UpdateRecipient.objects.filter(update=update, status=RecipientStatus.SENT).count()
    print(f"recipients {count}, rate limit {args.rate or 'none'} messages/s")
    if listed is not None:
        print(
            f"listing (INSERT ... SELECT) {listed / timedelta(seconds=1):.2f} s "
            "(from the task's sending, so with the broker's delivery)"
        )
    print(
        f"sending {received} messages in {last - first:.1f} s: "
        f"{received / max(last - first, 1e-9):.0f} messages/s; "
        f"task sent to update marked sent {finished - send_started:.1f} s"
    )
    print(f"worker peak RSS {peak_mb:.0f} MB")
    print(
        f"exactly-once: reached {reached}, doubled {doubled}, missed {missed}, "
        f"rows marked sent {rows_sent}"
    )
    if doubled or missed or rows_sent != count:
        raise SystemExit(1 if missed or rows_sent != count else 2)


if __name__ == "__main__":
    main()
