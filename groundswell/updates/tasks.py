from celery import shared_task

from groundswell.updates.sending import update_send, updates_sweep
from groundswell.updates.services import updates_due_start


@shared_task(name="groundswell.updates.tasks.update_send_task")
def update_send_task(update_id: int) -> int:
    return update_send(update_id=update_id).sent


@shared_task(name="groundswell.updates.tasks.updates_sweep_task")
def updates_sweep_task() -> int:
    """Scheduled by `groundswell beat`: starts the scheduled updates that are due and re-queues
    sends whose worker died."""
    started = updates_due_start()
    return started + updates_sweep()
