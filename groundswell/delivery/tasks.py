from datetime import timedelta

from celery import shared_task

from groundswell.delivery.selectors import package_ids_to_retry
from groundswell.delivery.services.deliveries import delivery_photo_files_clean
from groundswell.delivery.services.packages import (
    delivery_package_build,
    delivery_package_files_clean,
    delivery_packages_fail_exhausted,
)
from groundswell.transparency.selectors import campaign_ids_with_pending_leaves
from groundswell.transparency.tasks import transparency_log_extend_task

# A campaign that took no confirmation for this long and still has signatures missing from its
# log had its extension task lost (or a late straggler): the sweep extends it with a full scan.
SWEEP_QUIET_FOR = timedelta(minutes=2)
# A package queued this long ago whose build never started had its message lost.
SWEEP_PACKAGE_QUEUED_FOR = timedelta(minutes=2)


@shared_task(name="groundswell.delivery.tasks.delivery_package_build_task")
def delivery_package_build_task(package_id: int) -> bool:
    return delivery_package_build(package_id=package_id)


@shared_task(name="groundswell.delivery.tasks.delivery_sweep")
def delivery_sweep() -> int:
    """Re-queue lost work: log extensions whose task never ran, packages never built; delete
    the files of failed and discarded packages, and photo files no row names."""
    campaign_ids = campaign_ids_with_pending_leaves(quiet_for=SWEEP_QUIET_FOR)
    for campaign_id in campaign_ids:
        transparency_log_extend_task.delay(campaign_id, True)
    delivery_packages_fail_exhausted()
    delivery_package_files_clean()
    delivery_photo_files_clean()
    package_ids = package_ids_to_retry(queued_for=SWEEP_PACKAGE_QUEUED_FOR)
    for package_id in package_ids:
        delivery_package_build_task.delay(package_id)
    return len(campaign_ids) + len(package_ids)
