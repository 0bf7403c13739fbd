import time
from datetime import timedelta

from celery import shared_task
from django.conf import settings

from groundswell.core.outbox import outbound_emails_send
from groundswell.transparency.models import SignedCheckpoint
from groundswell.transparency.selectors import campaign_ids_with_pending_leaves
from groundswell.transparency.services.log import transparency_log_extend_all
from groundswell.transparency.services.receipts import receipt_emails_between
from groundswell.transparency.services.signed_checkpoints import (
    signed_checkpoint_create,
    signed_checkpoint_witness,
    signed_checkpoints_due,
)
from groundswell.transparency.services.tiles import log_tiles_write, log_tiles_write_all


def _slice_deadline() -> float:
    """When a run of log appends stops, so that tasks queued behind it never wait long."""
    return time.monotonic() + settings.LOG_EXTEND_SECONDS * 2


@shared_task(name="groundswell.transparency.tasks.transparency_log_extend_task")
def transparency_log_extend_task(campaign_id: int, full_scan: bool = False) -> int:
    """A few seconds of appending; if time ran out, the rest is queued behind whatever else is
    waiting for a worker (counts, e-mail), rather than holding the worker for minutes."""
    deadline = _slice_deadline()
    appended = transparency_log_extend_all(
        campaign_id=campaign_id, full_scan=full_scan, deadline=deadline
    )
    if time.monotonic() > deadline:
        transparency_log_extend_task.delay(campaign_id, full_scan)
    return appended


@shared_task(name="groundswell.transparency.tasks.transparency_logs_extend_task")
def transparency_logs_extend_task() -> int:
    """Started by the scheduler every LOG_EXTEND_SECONDS: append what was confirmed since the last
    run, in every campaign whose published count is ahead of its log.

    A backlog is appended a few seconds' worth per run, so that the tasks queued behind this one
    (publishing counts, sending e-mail) never wait long for a worker.
    """
    deadline = _slice_deadline()
    return sum(
        transparency_log_extend_all(campaign_id=campaign_id, deadline=deadline)
        for campaign_id in campaign_ids_with_pending_leaves(quiet_for=timedelta(0))
    )


@shared_task(name="groundswell.transparency.tasks.receipt_emails_send_task")
def receipt_emails_send_task(first_id: int, last_id: int) -> int:
    """Send the unsent receipt e-mails in an id range as one batch of the outbox (claimed
    together, one SMTP connection), so ranges that overlap, or the outbox drain, never send one
    twice. One by one, each cost three statements and an SMTP connection of its own: after a
    spike, the receipts held the worker for minutes, and signers' confirmation e-mails queued
    behind them."""
    return outbound_emails_send(among=receipt_emails_between(first_id=first_id, last_id=last_id))


@shared_task(name="groundswell.transparency.tasks.signed_checkpoints_create_task")
def signed_checkpoints_create_task() -> int:
    """Started by the scheduler every TRANSPARENCY_CHECKPOINT_SECONDS: sign every log that grew
    (after appending what is waiting), then, as the sweep, write any full tiles still missing."""
    signed = 0
    for campaign_id in signed_checkpoints_due():
        if signed_checkpoint_create(campaign_id=campaign_id) is not None:
            signed += 1
    log_tiles_write_all()
    return signed


@shared_task(name="groundswell.transparency.tasks.signed_checkpoint_publish_task")
def signed_checkpoint_publish_task(checkpoint_id: int) -> int:
    """After a checkpoint is signed: write the full tiles it covers, then ask the witnesses."""
    campaign_id = SignedCheckpoint.objects.values_list("campaign_id", flat=True).get(
        pk=checkpoint_id
    )
    log_tiles_write(campaign_id=campaign_id)
    return len(signed_checkpoint_witness(checkpoint_id=checkpoint_id))
