import os
import sys

from django.core.management.base import BaseCommand, CommandParser

from groundswell.core.env import env_int


class Command(BaseCommand):
    help = "Serve Groundswell with gunicorn (sync workers, persistent database connections)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=env_int("WEB_CONCURRENCY", 2, minimum=1))
        parser.add_argument("--threads", type=int, default=1)
        parser.add_argument("--access-log", action="store_true", help="Log every request.")

    def handle(
        self, *args: object, bind: str, workers: int, threads: int, **options: object
    ) -> None:
        command = [
            sys.executable, "-m", "gunicorn", "groundswell.config.wsgi:application",
            "--bind", bind, "--workers", str(workers), "--threads", str(threads),
            "--worker-class", "sync" if threads == 1 else "gthread",
            "--backlog", "2048", "--graceful-timeout", "20", "--keep-alive", "5",
            "--logger-class", "groundswell.core.access_log.AccessLogger",
        ]  # fmt: skip
        if options["access_log"]:
            command += ["--access-logfile", "-"]
        self.stdout.write(f"Serving on http://{bind} with {workers} worker(s)")
        self.stdout.flush()
        os.execv(sys.executable, command)  # noqa: S606 (replaces this process by design)
