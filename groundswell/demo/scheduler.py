"""The periodic work of `groundswell beat`, run inside `groundswell demo` when there is no broker.

Without a broker, tasks run in-process (CELERY_TASK_ALWAYS_EAGER) but nothing starts the scheduled
ones: a confirmed signature would never reach a signed checkpoint, nor an expired one be purged.
This is Celery's own beat, embedded as a thread, with the installation's CELERY_BEAT_SCHEDULE at
its intervals; each due task runs in that thread.
"""

import logging
from typing import cast

from celery import current_app
from celery.beat import EmbeddedService, Scheduler, _Threaded


class InProcessScheduler(Scheduler):
    """Beat's scheduler, kept in memory, that sends nothing to a broker: with tasks always eager,
    applying a due entry runs its task at once (beat would otherwise connect to send it)."""

    @property
    def producer(self) -> None:  # type: ignore[override]
        return None


def demo_scheduler_start() -> _Threaded:
    """Start the scheduler thread (a daemon: it ends with the server). `.stop()` stops it."""
    # Several tasks are due every two seconds: a line for each would bury the e-mails the demo
    # prints in the same terminal. Failures are still logged (as errors).
    logging.getLogger("celery.beat").setLevel(logging.WARNING)
    logging.getLogger("celery.app.trace").setLevel(logging.WARNING)
    service = cast(
        _Threaded, EmbeddedService(current_app, thread=True, scheduler_cls=InProcessScheduler)
    )
    service.start()
    return service
