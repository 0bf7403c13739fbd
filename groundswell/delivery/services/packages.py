"""Building the delivery package: PDF and CSV of the live signatories of a checkpoint, a manifest
that ties both to that checkpoint, and a ZIP of everything with the public key and instructions.

The count printed in the PDF, the rows of the CSV and the manifest's count all equal the
checkpoint's live count; a build where they would differ fails instead of delivering it.

Who may see what: the package holds no e-mail address, no full postal code, and a name or
comment only where the signer chose to show their name.

Erasure: the files of a package that lists a signature are deleted when that signature is
(`delivery_copies_of_signature_discard`), and the package is marked DISCARDED; organizers build a
new one, which no longer lists it. Files of failed builds are deleted too. A package already
downloaded, or handed to the target, is out of our hands: the withdrawal page says so.
"""

import hashlib
import json
import logging
import secrets
import shutil
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from reportlab.platypus import Flowable

from groundswell.accounts.models import User
from groundswell.campaigns.models import Campaign
from groundswell.core.exports import csv_lines
from groundswell.core.jobs import enqueue_on_commit
from groundswell.delivery.models import (
    ACTIVE_PACKAGE_STATUSES,
    PACKAGE_CLAIM_TIMEOUT,
    Delivery,
    DeliveryPackage,
    PackageStatus,
)
from groundswell.delivery.package_pdf import Column, PackageDocument, TableProgress
from groundswell.delivery.package_sections import PackageSection, package_sections_for
from groundswell.delivery.pdf_text import html_paragraphs, paragraph, plain_paragraphs, table
from groundswell.delivery.selectors import (
    CountryCount,
    Signatory,
    live_counts_by_country,
    live_signatories,
)
from groundswell.signatures.selectors import coalition_figures
from groundswell.transparency.checkpoints import public_key_to_pem
from groundswell.transparency.models import Checkpoint, LogEntry
from groundswell.transparency.services.log import checkpoint_create
from groundswell.transparency.signing_key import checkpoint_public_key

logger = logging.getLogger(__name__)

MANIFEST_FORMAT = "groundswell-delivery-manifest/v1"
# A builder refreshes its heartbeat at least this often while it writes pages (see
# PACKAGE_CLAIM_TIMEOUT).
HEARTBEAT_EVERY_PAGES = 25
MAX_BUILD_ATTEMPTS = 3

CSV_HEADER = [
    "number", "leaf_index", "name", "postal_area", "country", "country_name", "comment",
    "confirmed_on",
]  # fmt: skip


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
    partners = _partner_counts(campaign)
    sections = package_sections_for(campaign=campaign)

    csv_rows = _write_csv(directory / names["csv"], campaign=campaign, checkpoint=checkpoint)
    if csv_rows != total:
        raise PackageCountMismatch(f"CSV has {csv_rows} rows, checkpoint {total}")
    _heartbeat(package, progress=10)

    pages, pdf_rows = _write_pdf(
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

    manifest = package_manifest(
        campaign=campaign,
        checkpoint=checkpoint,
        pdf=directory / names["pdf"],
        pdf_pages=pages,
        csv=directory / names["csv"],
        by_country=by_country,
        partners=partners,
    )
    (directory / names["manifest"]).write_text(json.dumps(manifest, indent=2) + "\n")
    _write_zip(directory, names=names, campaign=campaign, checkpoint=checkpoint)
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


def signatory_csv_row(signatory: Signatory) -> list[object]:
    return [
        signatory.number,
        signatory.leaf_index,
        signatory.name,
        signatory.postal_area,
        signatory.country,
        signatory.country_name,
        signatory.comment,
        signatory.confirmed_on,
    ]


def _write_csv(path: Path, *, campaign: Campaign, checkpoint: Checkpoint) -> int:
    rows = 0

    def counted() -> Iterable[list[object]]:
        nonlocal rows
        for signatory in live_signatories(campaign=campaign, tree_size=checkpoint.tree_size):
            rows += 1
            yield signatory_csv_row(signatory)

    with path.open("w", encoding="utf-8", newline="") as file:
        for line in csv_lines(CSV_HEADER, counted()):
            file.write(line)
    return rows


def _write_pdf(
    path: Path,
    *,
    package: DeliveryPackage,
    checkpoint: Checkpoint,
    by_country: list[CountryCount],
    partners: list[tuple[str, int]],
    sections: Sequence[PackageSection],
    on_progress: Callable[[int], None],
) -> tuple[int, int]:
    campaign = package.campaign
    total = checkpoint.live_count
    document = PackageDocument(
        path,
        title=_("Petition delivery: %(title)s") % {"title": campaign.title},
        footer=campaign.title,
        page_label=lambda number: _("Page %(number)s of") % {"number": f"{number:,}"},
    )
    chapters = _front_matter(
        document, package=package, checkpoint=checkpoint, by_country=by_country, partners=partners
    )
    for chapter in chapters:
        document.flow(chapter)
    for section in sections:
        flowables = [paragraph(document, section.title, "chapter")]
        flowables += plain_paragraphs(document, "\n\n".join(section.paragraphs))
        document.flow(flowables)
        if section.rows is not None:
            document.table(
                heading=section.title,
                continued=_("%(title)s (continued)") % {"title": section.title},
                columns=section.columns,
                rows=section.rows,
                running_note=lambda first, last: (
                    _("Rows %(first)s–%(last)s") % {"first": f"{first:,}", "last": f"{last:,}"}
                ),
            )

    def on_page(progress: TableProgress) -> None:
        if progress.pages % HEARTBEAT_EVERY_PAGES == 0:
            on_progress(progress.rows)

    signatories = (
        (
            f"{signatory.number:,}",
            signatory.name or _("Name withheld"),
            ", ".join(part for part in (signatory.postal_area, signatory.country_name) if part),
            signatory.comment,
        )
        for signatory in live_signatories(campaign=campaign, tree_size=checkpoint.tree_size)
    )
    rows = document.table(
        heading=_("Signatories"),
        continued=_("Signatories (continued)"),
        columns=[
            Column(_("No."), 0.09),
            Column(_("Name"), 0.27, max_lines=2),
            Column(_("Place"), 0.22),
            Column(_("Comment"), 0.42, max_lines=12),
        ],
        rows=signatories,
        running_note=lambda first, last: (
            _("Signatures %(first)s–%(last)s of %(total)s")
            % {"first": f"{first:,}", "last": f"{last:,}", "total": f"{total:,}"}
        ),
        on_page=on_page,
    )
    return document.close(), rows


def _front_matter(
    document: PackageDocument,
    *,
    package: DeliveryPackage,
    checkpoint: Checkpoint,
    by_country: list[CountryCount],
    partners: list[tuple[str, int]],
) -> list[list[Flowable]]:
    """The chapters before the list: cover letter, petition, counts; each starts a page."""
    campaign = package.campaign
    total = checkpoint.live_count
    count_text = f"{total:,}"
    when = date_format(timezone.localtime(checkpoint.timestamp), "DATE_FORMAT")
    base = settings.GROUNDSWELL_BASE_URL
    checkpoints_url = base + reverse("transparency:checkpoints", kwargs={"slug": campaign.slug})
    key_url = base + reverse("transparency:public_key")
    cover = package.cover_letter.strip() or _default_cover_letter(campaign, count_text)
    letter = [
        paragraph(document, when, "small"),
        paragraph(document, _("To: %(target)s") % {"target": campaign.target_line}, "body"),
        paragraph(document, campaign.title, "title"),
        *plain_paragraphs(document, cover),
        paragraph(
            document,
            _(
                "This package lists %(count)s signatures: every signature counted in checkpoint "
                "%(size)s of the petition's public transparency log, signed on %(when)s with "
                "root hash %(root)s. The list, its count and the log can be checked by anyone, "
                "without trusting us, at %(url)s (public key: %(key)s)."
            )
            % {
                "count": count_text,
                "size": f"{checkpoint.tree_size:,}",
                "when": when,
                "root": checkpoint.root_hash_hex,
                "url": checkpoints_url,
                "key": key_url,
            },
            "small",
        ),
    ]
    petition = [
        paragraph(document, _("The petition"), "chapter"),
        paragraph(document, campaign.title, "subtitle"),
        paragraph(document, _("To: %(target)s") % {"target": campaign.target_line}, "body"),
        *plain_paragraphs(document, campaign.ask, style="ask"),
        *html_paragraphs(document, campaign.background_html),
    ]
    counts = [
        paragraph(document, _("The count"), "chapter"),
        paragraph(
            document,
            ngettext(
                "%(count)s person signed and confirmed their signature by e-mail.",
                "%(count)s people signed and confirmed their signature by e-mail.",
                total,
            )
            % {"count": count_text},
            "body",
        ),
    ]
    if partners:
        counts += [
            paragraph(document, _("By coalition partner"), "heading"),
            paragraph(
                document,
                _(
                    "Who brought each signer, as counted on %(when)s. A signer is attributed to "
                    "one partner at most."
                )
                % {"when": when},
                "small",
            ),
            table(
                document,
                [_("Partner"), _("Signatures")],
                [(name, f"{count:,}") for name, count in partners],
            ),
        ]
    counts += [
        paragraph(document, _("By country"), "heading"),
        table(
            document,
            [_("Country"), _("Signatures")],
            [(item.name, f"{item.count:,}") for item in by_country],
        ),
    ]
    return [letter, petition, counts]


def _default_cover_letter(campaign: Campaign, count_text: str) -> str:
    return "\n\n".join(
        [
            _("Dear %(name)s,") % {"name": campaign.target_name},
            _(
                "We are delivering to you the petition “%(title)s”, signed by %(count)s people "
                "who each confirmed their signature from their own e-mail inbox."
            )
            % {"title": campaign.title, "count": count_text},
            _("They ask you: %(ask)s") % {"ask": campaign.ask},
            _("We look forward to your answer."),
            campaign.organization.name,
        ]
    )


def _partner_counts(campaign: Campaign) -> list[tuple[str, int]]:
    """(name, count) per coalition partner and for signers no partner brought; [] without any.

    These are the coalition's maintained counters at build time, so they may include a few
    signatures confirmed after the checkpoint; the PDF says "as counted on" for that reason.
    """
    figures = coalition_figures(campaign=campaign)
    if not figures.partners:
        return []
    rows = [(partner.name, partner.signature_count) for partner in figures.partners]
    rows.append((_("No partner (signed directly)"), figures.unattributed_count))
    return rows


def package_manifest(
    *,
    campaign: Campaign,
    checkpoint: Checkpoint,
    pdf: Path,
    pdf_pages: int,
    csv: Path,
    by_country: list[CountryCount],
    partners: list[tuple[str, int]],
) -> dict[str, object]:
    base = settings.GROUNDSWELL_BASE_URL
    return {
        "format": MANIFEST_FORMAT,
        "campaign": {
            "log_name": checkpoint.log_name,
            "slug": campaign.slug,
            "title": campaign.title,
            "target": campaign.target_line,
            "url": base + campaign.get_absolute_url(),
        },
        "signature_count": checkpoint.live_count,
        "checkpoint": checkpoint.to_json(),
        "checkpoint_url": base
        + reverse(
            "transparency:checkpoint",
            kwargs={"slug": campaign.slug, "tree_size": checkpoint.tree_size},
        ),
        "public_key_url": base + reverse("transparency:public_key"),
        "files": {
            "pdf": {**_file_facts(pdf), "pages": pdf_pages},
            "csv": {**_file_facts(csv), "rows": checkpoint.live_count},
        },
        "counts_by_country": [
            {"country": item.country, "name": item.name, "count": item.count} for item in by_country
        ],
        "counts_by_partner": [{"name": name, "count": count} for name, count in partners],
        "created_at": timezone.now().isoformat(),
    }


def _file_facts(path: Path) -> dict[str, object]:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    return {"name": path.name, "sha256": digest.hexdigest(), "bytes": path.stat().st_size}


def _write_zip(
    directory: Path, *, names: dict[str, str], campaign: Campaign, checkpoint: Checkpoint
) -> None:
    readme = render_to_string(
        "delivery/package_readme.txt",
        {
            "campaign": campaign,
            "checkpoint": checkpoint,
            "names": names,
            "checkpoints_url": settings.GROUNDSWELL_BASE_URL
            + reverse("transparency:checkpoints", kwargs={"slug": campaign.slug}),
        },
    )
    with zipfile.ZipFile(directory / names["zip"], "w") as archive:
        archive.write(directory / names["pdf"], names["pdf"], zipfile.ZIP_STORED)
        archive.write(directory / names["csv"], names["csv"], zipfile.ZIP_DEFLATED)
        archive.write(directory / names["manifest"], names["manifest"], zipfile.ZIP_DEFLATED)
        archive.writestr(
            f"checkpoint-{checkpoint.tree_size}.json",
            json.dumps(checkpoint.to_json(), indent=2) + "\n",
        )
        archive.writestr("checkpoint-key.pem", public_key_to_pem(checkpoint_public_key()))
        archive.writestr("README.txt", readme)
