"""Without a broker, `groundswell demo` runs what `groundswell beat` schedules in production:
a signature confirmed in the demo reaches a signed checkpoint, as its receipt promises."""

import logging
from collections.abc import Iterator
from datetime import timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from celery import current_app
from django.conf import settings as django_settings
from django.core.management import call_command
from django.utils import timezone

from groundswell.demo import scheduler as demo_scheduler
from groundswell.demo.management.commands import demo as demo_command
from groundswell.transparency.models import LogEntry, SignedCheckpoint

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _celery_log_levels_kept() -> Iterator[None]:
    loggers = [logging.getLogger(name) for name in ("celery.beat", "celery.app.trace")]
    levels = [logger.level for logger in loggers]
    yield
    for logger, level in zip(loggers, levels, strict=True):
        logger.setLevel(level)


def test_the_in_process_scheduler_signs_the_checkpoints_beat_would(signed, campaign):
    signature = signed()
    assert LogEntry.objects.filter(signature=signature).exists()  # appended at once, in-process
    assert not SignedCheckpoint.objects.filter(campaign=campaign).exists()
    scheduler = demo_scheduler.InProcessScheduler(app=current_app)
    entry = scheduler.schedule["sign-checkpoints"]
    assert entry.schedule.run_every == timedelta(
        seconds=django_settings.TRANSPARENCY_CHECKPOINT_SECONDS
    )
    assert set(scheduler.schedule) >= set(django_settings.CELERY_BEAT_SCHEDULE)

    # Once the interval has passed, a tick runs the task here: no broker to connect to.
    entry.last_run_at = timezone.now() - entry.schedule.run_every - timedelta(seconds=1)
    scheduler.tick()

    checkpoint = SignedCheckpoint.objects.get(campaign=campaign)
    assert checkpoint.tree_size == 1


def test_the_demo_serves_with_the_scheduler_running(
    settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    settings.DATA_DIR = tmp_path
    settings.CHECKPOINT_SIGNING_KEY_FILE = ""
    settings.MEDIA_ROOT = tmp_path / "media"
    started = []

    def scheduler_start() -> Any:
        started.append(demo_scheduler.demo_scheduler_start())
        return started[-1]

    served = []

    def call(name: str, *args: Any, **options: Any) -> None:
        if name != "runserver":
            call_command(name, *args, **options)
            return
        served.append((args, started and started[0].is_alive()))
        started[0].stop()

    monkeypatch.setattr(demo_command, "demo_scheduler_start", scheduler_start)
    monkeypatch.setattr(demo_command, "call_command", call)

    call_command("demo", port=8765, stdout=StringIO())

    assert served == [(("127.0.0.1:8765",), True)]
