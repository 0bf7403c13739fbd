"""Enqueue background work only once the data it needs is committed."""

import logging
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue_on_commit(task: Any, *args: int | str) -> None:
    """Send `task.delay(*args)` after the current transaction commits.

    A broker that is down must not turn a saved signature into an error page: the row is already
    the source of truth, so the failure is logged and the periodic sweep picks the work up later.
    """

    def send() -> None:
        try:
            task.delay(*args)
        except Exception:
            logger.warning(
                "could not enqueue %s; the sweep will retry it", task.name, exc_info=True
            )

    transaction.on_commit(send)
