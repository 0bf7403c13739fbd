from celery import shared_task
from django.conf import settings

from groundswell.core.outbox import outbound_email_send, outbound_emails_expire, outbox_drain


@shared_task(name="groundswell.core.tasks.outbound_email_send_task")
def outbound_email_send_task(email_id: int) -> bool:
    return outbound_email_send(email_id=email_id)


@shared_task(name="groundswell.core.tasks.outbox_drain_task")
def outbox_drain_task() -> int:
    # A few seconds per run, the next run follows: counts and log appends queued behind it on the
    # same worker never wait long.
    return outbox_drain(time_budget_seconds=settings.OUTBOX_DRAIN_SECONDS * 2)


@shared_task(name="groundswell.core.tasks.outbound_emails_expire_task")
def outbound_emails_expire_task() -> int:
    """Scheduled by `groundswell beat`: sent e-mails keep no address or text after
    EMAIL_RETENTION_DAYS."""
    return outbound_emails_expire()
