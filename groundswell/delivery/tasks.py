import time
from datetime import timedelta

from celery import shared_task
from django.conf import settings

from groundswell.core.outbox import outbound_email_send
from groundswell.delivery.selectors import campaign_ids_with_pending_leaves, package_ids_to_retry
from groundswell.delivery.services.packages import (
    delivery_package_build,
    delivery_package_files_clean,
    delivery_packages_fail_exhausted,
)
from groundswell.delivery.services.receipts import receipt_email_ids_unsent
from groundswell.delivery.services.transparency_log import transparency_log_extend_all

# A campaign that took no confirmation for this long and still has signatures missing from its
# log had its extension task lost (or a late straggler): the sweep extends it with a full scan.
SWEEP_QUIET_FOR = timedelta(minutes=2)
# A package queued this long ago whose build never started had its message lost.
SWEEP_PACKAGE_QUEUED_FOR = timedelta(minutes=2)


def _slice_deadline() -> float:
    """When a run of log appends stops, so that tasks queued behind it never wait long."""
    return time.monotonic() + settings.LOG_EXTEND_SECONDS * 2


@shared_task(name="groundswell.delivery.tasks.transparency_log_extend_task")
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


@shared_task(name="groundswell.delivery.tasks.transparency_logs_extend_task")
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


@shared_task(name="groundswell.delivery.tasks.receipt_emails_send_task")
def receipt_emails_send_task(first_id: int, last_id: int) -> int:
    """Send the unsent receipt e-mails in an id range; each is claimed as the outbox claims it,
    so ranges that overlap, or the outbox sweep, never send one twice."""
    ids = receipt_email_ids_unsent(first_id=first_id, last_id=last_id)
    return sum(outbound_email_send(email_id=email_id) for email_id in ids)


@shared_task(name="groundswell.delivery.tasks.delivery_package_build_task")
def delivery_package_build_task(package_id: int) -> bool:
    return delivery_package_build(package_id=package_id)


@shared_task(name="groundswell.delivery.tasks.delivery_sweep")
def delivery_sweep() -> int:
    """Re-queue lost work: log extensions whose task never ran, packages never built; delete
    the files of failed and discarded packages."""
    campaign_ids = campaign_ids_with_pending_leaves(quiet_for=SWEEP_QUIET_FOR)
    for campaign_id in campaign_ids:
        transparency_log_extend_task.delay(campaign_id, True)
    delivery_packages_fail_exhausted()
    delivery_package_files_clean()
    package_ids = package_ids_to_retry(queued_for=SWEEP_PACKAGE_QUEUED_FOR)
    for package_id in package_ids:
        delivery_package_build_task.delay(package_id)
    return len(campaign_ids) + len(package_ids)
