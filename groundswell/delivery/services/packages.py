"""Building the delivery package: PDF and CSV of the live signatories of a checkpoint, a manifest
that ties both to that checkpoint, and a ZIP of everything with the public key and instructions
(written by groundswell.delivery.services.package_documents).

The count printed in the PDF, the rows of the CSV and the manifest's count all equal the
checkpoint's live count; a build where they would differ fails instead of delivering it.

Who may see what: the package holds no e-mail address, no full postal code, and a name or
comment only where the signer chose to show their name.

Erasure: the files of a package that lists a signature are deleted when that signature is
(`delivery_copies_of_signature_discard`), and the package is marked DISCARDED; organizers build a
new one, which no longer lists it. Files of failed builds are deleted too. A package already
downloaded, or handed to the target, is out of our hands: the withdrawal page says so.
"""

import json
import logging
import secrets
import shutil
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from groundswell.accounts.models import User
from groundswell.campaigns.models import Campaign
from groundswell.core.jobs import enqueue_on_commit
from groundswell.delivery.models import (
    ACTIVE_PACKAGE_STATUSES,
    PACKAGE_CLAIM_TIMEOUT,
    Delivery,
    DeliveryPackage,
    PackageStatus,
)
from groundswell.delivery.package_sections import package_sections_for
from groundswell.delivery.selectors import (
    live_counts_by_country,
)
from groundswell.delivery.services import package_documents
from groundswell.transparency.models import LogEntry
from groundswell.transparency.services.log import checkpoint_create

logger = logging.getLogger(__name__)

MAX_BUILD_ATTEMPTS = 3


class PackageCountMismatch(Exception):
    """The rows written differ from the checkpoint's live count: the package must not go out."""


def packages_root() -> Path:
    return Path(settings.MEDIA_ROOT) / "deliveries" / "packages"


def package_directory(package: DeliveryPackage) -> Path:
    return packages_root() / package.directory


def _package_directory_remove(directory: str) -> None:
    """Delete a package's files; never the packages root itself."""
    if directory:
        shutil.rmtree(packages_root() / directory, ignore_errors=True)


def package_file_path(package: DeliveryPackage, file: str) -> Path | None:
    name = package.file_name(file)
    if package.status != PackageStatus.DONE or not name:
        return None
    return package_directory(package) / name


def delivery_package_request(
    *, campaign: Campaign, user: User | None, cover_letter: str = ""
) -> DeliveryPackage:
    """Queue a package build; while one is queued or running for the campaign, that one is it."""
    active = DeliveryPackage.objects.filter(
        campaign=campaign, status__in=ACTIVE_PACKAGE_STATUSES
    ).first()
    if active is not None:
        return active
    try:
        with transaction.atomic():
            package = DeliveryPackage.objects.create(
                campaign=campaign,
                created_by=user,
                cover_letter=cover_letter,
                directory=secrets.token_hex(16),
            )
    except IntegrityError:  # another request created it a moment ago
        return DeliveryPackage.objects.get(campaign=campaign, status__in=ACTIVE_PACKAGE_STATUSES)
    enqueue_on_commit("groundswell.delivery.tasks.delivery_package_build_task", package.pk)
    return package


def delivery_package_claim(*, package_id: int, now: datetime) -> bool:
    """Claim a package for building: queued, or running but abandoned by its builder."""
    claimable = Q(status=PackageStatus.QUEUED) | Q(
        status=PackageStatus.RUNNING, heartbeat_at__lt=now - PACKAGE_CLAIM_TIMEOUT
    )
    return bool(
        DeliveryPackage.objects.filter(
            claimable, pk=package_id, attempts__lt=MAX_BUILD_ATTEMPTS
        ).update(
            status=PackageStatus.RUNNING,
            heartbeat_at=now,
            progress=0,
            attempts=F("attempts") + 1,
            error="",
        )
    )


def delivery_packages_fail_exhausted(*, now: datetime | None = None) -> int:
    """Give up on packages whose builders kept dying, so organizers see it and start anew."""
    now = now or timezone.now()
    return DeliveryPackage.objects.filter(
        status=PackageStatus.RUNNING,
        heartbeat_at__lt=now - PACKAGE_CLAIM_TIMEOUT,
        attempts__gte=MAX_BUILD_ATTEMPTS,
    ).update(status=PackageStatus.FAILED, error="BuilderLost", finished_at=now)


@dataclass(frozen=True)
class DiscardedCopies:
    packages: int  # stored packages deleted
    out_of_reach: bool  # a package ready to download, or a recorded delivery, listed it


def delivery_copies_of_signature_discard(
    *, signature_id: int, campaign_id: int, now: datetime | None = None
) -> DiscardedCopies:
    """Delete the stored packages that list a signature about to be erased, and say whether a
    copy may already be out of our hands.

    Call it in the erasing transaction, before the signature row goes (its leaf is found through
    it). Packages being built are discarded too: their builder may already have written the row.
    The files go once the transaction commits; `delivery_package_files_clean` (the sweep)
    deletes any left by a crash in between.
    """
    leaf_index = (
        LogEntry.objects.filter(signature_id=signature_id).values_list("index", flat=True).first()
    )
    if leaf_index is None:
        # Never appended: in no checkpoint, so in no package or delivery.
        return DiscardedCopies(packages=0, out_of_reach=False)
    packages = DeliveryPackage.objects.filter(campaign_id=campaign_id)
    listing = Q(checkpoint__tree_size__gt=leaf_index)
    ready = packages.filter(listing, status=PackageStatus.DONE)
    out_of_reach = (
        ready.exists()
        or Delivery.objects.filter(
            campaign_id=campaign_id, checkpoint__tree_size__gt=leaf_index
        ).exists()
    )
    building = packages.filter(Q(checkpoint__isnull=True) | listing, status=PackageStatus.RUNNING)
    rows = list((ready | building).values_list("pk", "directory"))
    if rows:
        DeliveryPackage.objects.filter(pk__in=[pk for pk, _directory in rows]).update(
            status=PackageStatus.DISCARDED,
            pdf_name="",
            csv_name="",
            manifest_name="",
            zip_name="",
            finished_at=now or timezone.now(),
        )
        transaction.on_commit(
            partial(_package_directories_remove, [directory for _pk, directory in rows])
        )
    return DiscardedCopies(packages=len(rows), out_of_reach=out_of_reach)


def _package_directories_remove(directories: list[str]) -> None:
    for directory in directories:
        _package_directory_remove(directory)


def delivery_package_files_clean() -> int:
    """Delete the files left by failed or discarded packages (idempotent; run by the sweep)."""
    leftovers = list(
        DeliveryPackage.objects.filter(status__in=[PackageStatus.FAILED, PackageStatus.DISCARDED])
        .exclude(directory="")
        .values_list("pk", "directory")
    )
    for _pk, directory in leftovers:
        _package_directory_remove(directory)
    DeliveryPackage.objects.filter(pk__in=[pk for pk, _directory in leftovers]).update(directory="")
    return len(leftovers)


def delivery_package_build(*, package_id: int, now: datetime | None = None) -> bool:
    """Build a claimed package. True when this call built it; False if another builder has it."""
    now = now or timezone.now()
    if not delivery_package_claim(package_id=package_id, now=now):
        return False
    package = DeliveryPackage.objects.select_related("campaign").get(pk=package_id)
    try:
        _build(package)
    except Exception as error:
        # The class name only: a message might quote a signer's name.
        reason = type(error).__name__
        DeliveryPackage.objects.filter(pk=package_id, status=PackageStatus.RUNNING).update(
            status=PackageStatus.FAILED, error=reason[:200], finished_at=timezone.now()
        )
        logger.error("delivery package %s failed: %s", package_id, reason)
        # A half-written package lists signers too; nobody can download it, so it goes.
        _package_directory_remove(package.directory)
        return False
    return True


def _heartbeat(package: DeliveryPackage, *, progress: int, **fields: object) -> None:
    DeliveryPackage.objects.filter(pk=package.pk, status=PackageStatus.RUNNING).update(
        progress=max(0, min(progress, 99)), heartbeat_at=timezone.now(), **fields
    )


def _build(package: DeliveryPackage) -> None:
    campaign = package.campaign
    checkpoint = checkpoint_create(campaign=campaign)
    _heartbeat(package, progress=2, checkpoint=checkpoint)
    directory = package_directory(package)
    directory.mkdir(parents=True, exist_ok=True)
    slug = campaign.slug
    names = {
        "pdf": f"{slug}-delivery.pdf",
        "csv": f"{slug}-signatories.csv",
        "manifest": "manifest.json",
        "zip": f"{slug}-delivery-package.zip",
    }
    total = checkpoint.live_count
    by_country = live_counts_by_country(campaign=campaign, tree_size=checkpoint.tree_size)
    partners = package_documents.partner_counts(campaign)
    sections = package_sections_for(campaign=campaign)

    csv_rows = package_documents.write_csv(
        directory / names["csv"], campaign=campaign, checkpoint=checkpoint
    )
    if csv_rows != total:
        raise PackageCountMismatch(f"CSV has {csv_rows} rows, checkpoint {total}")
    _heartbeat(package, progress=10)

    pages, pdf_rows = package_documents.write_pdf(
        directory / names["pdf"],
        package=package,
        checkpoint=checkpoint,
        by_country=by_country,
        partners=partners,
        sections=sections,
        on_progress=lambda rows: _heartbeat(
            package, progress=10 + (85 * rows // total if total else 85)
        ),
    )
    if pdf_rows != total:
        raise PackageCountMismatch(f"PDF has {pdf_rows} rows, checkpoint {total}")

    manifest = package_documents.package_manifest(
        campaign=campaign,
        checkpoint=checkpoint,
        pdf=directory / names["pdf"],
        pdf_pages=pages,
        csv=directory / names["csv"],
        by_country=by_country,
        partners=partners,
    )
    (directory / names["manifest"]).write_text(json.dumps(manifest, indent=2) + "\n")
    package_documents.write_zip(directory, names=names, campaign=campaign, checkpoint=checkpoint)
    finished = DeliveryPackage.objects.filter(pk=package.pk, status=PackageStatus.RUNNING).update(
        status=PackageStatus.DONE,
        progress=100,
        signature_count=total,
        page_count=pages,
        pdf_name=names["pdf"],
        csv_name=names["csv"],
        manifest_name=names["manifest"],
        zip_name=names["zip"],
        finished_at=timezone.now(),
        heartbeat_at=timezone.now(),
    )
    if not finished:
        # Discarded while it was built (a signer in it withdrew): its files must not stay.
        _package_directory_remove(package.directory)
