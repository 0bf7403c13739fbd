"""`make bench-faults`: sign under sustained load while the machine misbehaves, then audit.

While wrk signs through 32 connections for --seconds (each acknowledged address recorded,
bench/wrk.py), against `groundswell serve` with its defaults (granian), this script
  - kill -9's one granian worker process (granian starts a new one: --respawn-failed-workers),
  - restarts PostgreSQL,
  - stops Redis (cache, rate limits and broker; it keeps nothing on disk) and starts it again,
with a Celery worker and the scheduler running, mail going to an SMTP server inside this script.
Afterwards it waits for the outbox to drain and checks that
  - every acknowledged signature is in the database,
  - every signature's confirmation e-mail arrived, and exactly once.
Exit status 0 only when both hold. Uses the machine's own PostgreSQL and Redis (restarting them!).
"""

import argparse
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import psycopg
from aiosmtpd.controller import Controller

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import (
    LOG_DIR,
    ROOT,
    create_database,
    drop_database,
    free_port,
    prepare,
    server_env,
    start_server,
    stop_background,
    wrk_signing,
)

# Its own Redis database, flushed at the start.
REDIS_URL = os.environ.get("BENCH_FAULTS_REDIS_URL", "redis://127.0.0.1:6379/13")
REDIS_START = [
    "redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "-::1", "--port", "6379",
    "--save", "", "--appendonly", "no",
]  # fmt: skip


class Mailbox:
    def __init__(self) -> None:
        self.received: Counter[str] = Counter()

    async def handle_DATA(self, server, session, envelope) -> str:
        for address in envelope.rcpt_tos:
            self.received[address.lower()] += 1
        return "250 OK"


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


class Supervisor:
    """The worker and the scheduler, restarted 2 s after they exit, as deploy/systemd's
    Restart=always and RestartSec=2 do: a Celery worker that loses its broker may stop."""

    ROLES = ("worker", "beat")

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.restarts: Counter[str] = Counter()
        self.processes = {role: self._start(role) for role in self.ROLES}
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)
        self.thread.start()

    def _start(self, role: str) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-m", "groundswell", role],
            env=self.env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=(LOG_DIR / f"{role}.log").open("ab"),
        )

    def _watch(self) -> None:
        while not self.stopping.wait(0.5):
            for role, process in self.processes.items():
                if process.poll() is not None and not self.stopping.wait(2):
                    log(f"{role} exited ({process.returncode}); starting it again")
                    self.restarts[role] += 1
                    self.processes[role] = self._start(role)

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join()
        stop_background(list(self.processes.values()))


def web_workers(main_pid: int) -> list[int]:
    """The worker processes of the server: granian's main process forks them (gunicorn's
    master too, for SERVE_SERVER=gunicorn)."""
    output = subprocess.run(["pgrep", "-P", str(main_pid)], capture_output=True, text=True)
    return [int(pid) for pid in output.stdout.split()]


def restart_postgresql() -> None:
    version = os.listdir("/etc/postgresql")[0]
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"], check=True
    )


def faults(server: subprocess.Popen, seconds: float, services: bool = True) -> None:
    time.sleep(seconds * 0.15)
    # `groundswell serve` execs the server, so the Popen pid is its main process.
    workers = web_workers(server.pid)
    if workers:
        log(f"kill -9 web worker {workers[0]} (of {len(workers)})")
        os.kill(workers[0], signal.SIGKILL)
        time.sleep(2)
        log(f"web workers now {web_workers(server.pid)}")
    if not services:
        return
    time.sleep(seconds * 0.2)
    log("restarting PostgreSQL")
    restart_postgresql()
    time.sleep(seconds * 0.2)
    log("stopping Redis")
    subprocess.run(["redis-cli", "-p", "6379", "shutdown", "nosave"], check=False)
    time.sleep(seconds * 0.15)
    log("starting Redis")
    subprocess.run(REDIS_START, check=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=40.0)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--drain-timeout", type=float, default=240.0)
    parser.add_argument("--workers", type=int, default=None,
                        help="web workers (default: serve's own sizing, as deployed)")  # fmt: skip
    parser.add_argument(
        "--worker-kill-only", action="store_true",
        help="only kill -9 a web worker: leave PostgreSQL and Redis alone (a shared machine)",
    )  # fmt: skip
    args = parser.parse_args()

    mailbox = Mailbox()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    database_url = create_database()
    env = server_env(database_url)
    env.update(
        EMAIL_URL=f"smtp://127.0.0.1:{smtp.port}",
        OUTBOX_CLAIM_TIMEOUT_SECONDS="60",
        REDIS_URL=REDIS_URL,
    )
    processes: list[subprocess.Popen] = []
    try:
        prepare(env)
        subprocess.run(["redis-cli", "-n", REDIS_URL.rsplit("/", 1)[1], "flushdb"], check=False,
                       capture_output=True)  # fmt: skip
        port = free_port()
        server = start_server(env, port, workers=args.workers)
        processes.append(server)
        background = Supervisor(env)
        chaos = threading.Thread(
            target=faults, args=(server, args.seconds, not args.worker_kill_only)
        )
        chaos.start()
        log(f"signing with wrk, {args.clients} connections, for {args.seconds:.0f} s")
        result = wrk_signing(port, args.clients, args.seconds, f"f{int(time.time()) % 100000}")
        chaos.join()
        log(f"statuses {result.statuses}, wrk errors {result.errors}")

        acknowledged = result.acknowledged
        deadline = time.monotonic() + args.drain_timeout
        while True:
            try:
                with psycopg.connect(database_url) as db:
                    stored = {r[0] for r in db.execute("SELECT email FROM signatures_signature")}
                    unsent = db.execute(
                        "SELECT count(*) FROM core_outboundemail WHERE sent_at IS NULL"
                    ).fetchone()[0]
            except psycopg.OperationalError:
                unsent = -1
            if unsent == 0 or time.monotonic() > deadline:
                break
            log(f"waiting for the outbox: {unsent} unsent")
            time.sleep(5)
    finally:
        if "background" in locals():
            background.stop()
        stop_background(processes)
        smtp.stop()
        drop_database(database_url)

    lost = acknowledged - stored
    never_mailed = {email for email in stored if mailbox.received[email] == 0}
    mailed_twice = {email for email in stored if mailbox.received[email] > 1}
    print(f"faults.acknowledged {len(acknowledged)} stored {len(stored)} lost {len(lost)}")
    print(
        f"faults.unacknowledged_but_stored {len(stored - acknowledged)} (requests cut by a fault)"
    )
    print(f"faults.emails_missing {len(never_mailed)} sent_twice {len(mailed_twice)} "
          f"unsent_at_end {unsent}")  # fmt: skip
    print(f"faults.background_restarts {dict(background.restarts)} (as systemd's Restart=always)")
    ok = not lost and not never_mailed and not mailed_twice and unsent == 0
    print("faults.result", "OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
