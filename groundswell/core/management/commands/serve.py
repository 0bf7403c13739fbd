"""`groundswell serve`: the production web server.

granian (WSGI interface: worker processes, each running the WSGI application on a pool of
blocking threads) by default; gunicorn (gthread workers) with SERVE_SERVER=gunicorn, as a
fallback. docs/deployment.md ("Why granian") says how they were compared. Either way:
  - processes and threads are sized from the CPU count and the database's connection budget
    (groundswell.core.serving), unless --workers/--threads or WEB_CONCURRENCY/WEB_THREADS say;
  - the access log (--access-log) is written by the application (groundswell.core.access_log),
    without tokens, in the same format under both servers;
  - SIGTERM (or SIGINT) stops accepting, lets requests in flight finish for up to
    GRACEFUL_SECONDS, then exits; SIGHUP replaces the workers one by one (a reload) without
    dropping the listening socket; a worker that dies (kill -9, out of memory) is started again.
"""

import os
import sys

from django.core.management.base import BaseCommand, CommandError, CommandParser

from groundswell.core.env import env_str
from groundswell.core.serving import web_concurrency_from_environment

SERVERS = ("granian", "gunicorn")
GRACEFUL_SECONDS = 20
# A client that has not sent its request headers within this is cut off (slow clients would
# otherwise hold a connection open for nothing).
HEADER_READ_TIMEOUT_MS = 10_000
APPLICATION = "groundswell.config.wsgi:application"


def host_and_port(bind: str) -> tuple[str, int]:
    host, separator, port = bind.rpartition(":")
    if not separator or not port.isdigit():
        raise CommandError(f"--bind must be HOST:PORT or unix:PATH, got {bind!r}")
    return host.strip("[]") or "0.0.0.0", int(port)  # noqa: S104 (":8000" means every address)


def granian_command(*, bind: str, workers: int, threads: int) -> list[str]:
    if bind.startswith("unix:"):
        where = ["--uds", bind.removeprefix("unix:")]
    else:
        host, port = host_and_port(bind)
        where = ["--host", host, "--port", str(port)]
    return [
        sys.executable, "-m", "granian", "--interface", "wsgi", *where,
        "--workers", str(workers), "--blocking-threads", str(threads),
        # Each thread keeps its persistent database connection: a thread is not retired while
        # idle for less than the longest granian allows.
        "--blocking-threads-idle-timeout", "600",
        "--backlog", "2048", "--no-ws",
        "--respawn-failed-workers", "--respawn-interval", "1",
        "--workers-kill-timeout", str(GRACEFUL_SECONDS),
        "--http1-header-read-timeout", str(HEADER_READ_TIMEOUT_MS),
        # granian's own access log writes the request line (with links' tokens): never on.
        "--no-access-log", "--log-level", "warning",
        APPLICATION,
    ]  # fmt: skip


def gunicorn_command(*, bind: str, workers: int, threads: int) -> list[str]:
    return [
        sys.executable, "-m", "gunicorn", APPLICATION,
        "--bind", bind, "--workers", str(workers), "--threads", str(threads),
        "--worker-class", "sync" if threads == 1 else "gthread",
        "--backlog", "2048", "--graceful-timeout", str(GRACEFUL_SECONDS), "--keep-alive", "5",
    ]  # fmt: skip


class Command(BaseCommand):
    help = (
        "Serve Groundswell with granian (WSGI, worker processes of blocking threads, persistent "
        "database connections); SERVE_SERVER=gunicorn for gunicorn."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        # Read now, so that a bad value stops the command with the variable's name.
        sized = web_concurrency_from_environment()
        parser.add_argument("--bind", default=os.environ.get("BIND", "127.0.0.1:8000"))
        parser.add_argument(
            "--workers", type=int, default=None,
            help=f"worker processes (default: WEB_CONCURRENCY, else {sized.workers} here)",
        )  # fmt: skip
        parser.add_argument(
            "--threads", type=int, default=None,
            help=f"threads per worker (default: WEB_THREADS, else {sized.threads} here)",
        )  # fmt: skip
        parser.add_argument(
            "--server", choices=SERVERS, default=env_str("SERVE_SERVER", "granian") or "granian"
        )
        parser.add_argument("--access-log", action="store_true", help="Log every request.")

    def handle(
        self,
        *args: object,
        bind: str,
        workers: int | None,
        threads: int | None,
        server: str,
        access_log: bool,
        **options: object,
    ) -> None:
        if server not in SERVERS:
            raise CommandError(f"SERVE_SERVER must be one of {', '.join(SERVERS)}, got {server!r}")
        sized = web_concurrency_from_environment(workers=workers, threads=threads)
        build = granian_command if server == "granian" else gunicorn_command
        command = build(bind=bind, workers=sized.workers, threads=sized.threads)
        # The application reads it (groundswell.config.wsgi): the same line under any server.
        os.environ["ACCESS_LOG"] = "1" if access_log else "0"
        self.stdout.write(
            f"Serving on http://{bind} with {server}: {sized.workers} worker(s) x "
            f"{sized.threads} thread(s), up to {sized.connections} database connections "
            f"(budget {sized.connection_budget})"
        )
        if sized.connections > sized.connection_budget:
            self.stderr.write(
                "Warning: more threads than the database connection budget "
                "(DATABASE_MAX_CONNECTIONS less DATABASE_RESERVED_CONNECTIONS): requests may "
                "fail with 'too many connections'."
            )
        self.stdout.flush()
        os.execv(sys.executable, command)  # noqa: S606 (replaces this process by design)
