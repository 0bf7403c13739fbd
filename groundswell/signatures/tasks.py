from celery import shared_task

from groundswell.signatures.tallies import counts_publish_all
from groundswell.signatures.version_notices import version_notices_send_batch


@shared_task(name="groundswell.signatures.tasks.version_notices_send_task")
def version_notices_send_task(campaign_id: int) -> int:
    """Queue notices batch after batch; each batch commits on its own, so a crash loses none."""
    total = 0
    while queued := version_notices_send_batch(campaign_id=campaign_id):
        total += queued
    return total


@shared_task(name="groundswell.signatures.tasks.counts_publish_task")
def counts_publish_task() -> int:
    return counts_publish_all()
