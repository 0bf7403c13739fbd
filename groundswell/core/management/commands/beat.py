import os
import sys

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the Celery scheduler that starts the periodic sweeps (one per installation)."

    def handle(self, *args: object, **options: object) -> None:
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
        command = [
            sys.executable, "-m", "celery", "-A", "groundswell.config", "beat",
            "--loglevel", "INFO", "--schedule", str(settings.DATA_DIR / "celerybeat-schedule"),
        ]  # fmt: skip
        os.execv(sys.executable, command)  # noqa: S606 (replaces this process by design)
