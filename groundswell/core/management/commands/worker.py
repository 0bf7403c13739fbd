import os
import sys

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Run a Celery worker (needs CELERY_BROKER_URL or REDIS_URL)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--concurrency", type=int, default=2)

    def handle(self, *args: object, concurrency: int, **options: object) -> None:
        command = [
            sys.executable, "-m", "celery", "-A", "groundswell.config", "worker",
            "--loglevel", "INFO", "--concurrency", str(concurrency),
        ]  # fmt: skip
        os.execv(sys.executable, command)  # noqa: S606 (replaces this process by design)
