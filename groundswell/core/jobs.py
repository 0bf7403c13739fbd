"""Enqueue background work only once the data it needs is committed.

Tasks are named, not imported: a service that queues work never imports its app's `tasks`
module, which imports the services it runs (each app's `ready()` imports its tasks, so they are
registered in every process, and the worker finds them by the same name).
"""

import logging
from collections.abc import Callable

from celery import current_app
from celery.app.task import Task
from django.db import transaction

logger = logging.getLogger(__name__)


def task_named(name: str) -> Task:
    """The registered task of that name, in the installation's Celery app."""
    return current_app.tasks[name]


def enqueue_now(task_name: str, *args: int | str | bool) -> None:
    """Send `task.delay(*args)` now.

    A broker that is down must not turn a saved signature into an error page: the row is already
    the source of truth, so the failure is logged and the periodic sweep picks the work up later.
    """
    try:
        task_named(task_name).delay(*args)
    except Exception:
        logger.warning("could not enqueue %s; the sweep will retry it", task_name, exc_info=True)


def enqueue_on_commit(task_name: str, *args: int | str | bool) -> None:
    """Send `task.delay(*args)` after the current transaction commits (see `enqueue_now`)."""
    transaction.on_commit(lambda: enqueue_now(task_name, *args))


# What must not wait for a long task to end: publishing the counts, which the worker otherwise
# does between tasks (a 50 s outbox drain left the last confirmations of a spike unpublished).
# Higher apps register from their AppConfig.ready(); long tasks call `between_batches()` after
# each batch but the last. Each callback decides itself whether anything is due (cheaply).
_between_batches: list[Callable[[], None]] = []


def between_batches_register(callback: Callable[[], None]) -> None:
    if callback not in _between_batches:
        _between_batches.append(callback)


def between_batches() -> None:
    """Run every registered callback; one that fails is logged, and the task goes on."""
    for callback in _between_batches:
        try:
            callback()
        except Exception:
            logger.warning("between-batches work failed", exc_info=True)
