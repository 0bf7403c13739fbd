from datetime import timedelta

from celery import shared_task
from django.conf import settings

from groundswell.core.outbox import outbound_email_send, outbox_unsent_ids


@shared_task(name="groundswell.core.tasks.outbound_email_send_task")
def outbound_email_send_task(email_id: int) -> bool:
    return outbound_email_send(email_id=email_id)


@shared_task(name="groundswell.core.tasks.outbox_sweep")
def outbox_sweep() -> int:
    """Re-queue e-mails whose send task never ran (broker down, worker killed)."""
    # A message younger than the grace period may still be on its way through the broker.
    ids = outbox_unsent_ids(older_than=timedelta(seconds=settings.OUTBOX_SWEEP_GRACE_SECONDS))
    for email_id in ids:
        outbound_email_send_task.delay(email_id)
    return len(ids)
