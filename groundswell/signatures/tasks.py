from celery import shared_task
from celery.signals import task_postrun

from groundswell.signatures.services import signatures_unconfirmed_purge
from groundswell.signatures.tallies import counts_publish_all, counts_publish_all_if_due
from groundswell.signatures.version_notices import version_notices_send_batch


@shared_task(name="groundswell.signatures.tasks.version_notices_send_task")
def version_notices_send_task(campaign_id: int) -> int:
    """Queue notices batch after batch; each batch commits on its own, so a crash loses none."""
    total = 0
    while queued := version_notices_send_batch(campaign_id=campaign_id):
        total += queued
    return total


@shared_task(name="groundswell.signatures.tasks.signatures_unconfirmed_purge_task")
def signatures_unconfirmed_purge_task() -> int:
    """Scheduled by `groundswell beat`: signatures never confirmed go once their link expired."""
    return signatures_unconfirmed_purge()


@shared_task(name="groundswell.signatures.tasks.counts_publish_task")
def counts_publish_task() -> int:
    return counts_publish_all()


@task_postrun.connect(dispatch_uid="groundswell.signatures.counts_after_every_task")
def publish_counts_after_every_task(**_signal: object) -> None:
    """A busy worker publishes the counts between its tasks (see counts_publish_all_if_due)."""
    counts_publish_all_if_due()
