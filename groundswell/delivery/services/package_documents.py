"""The documents of a delivery package: the CSV and PDF of a checkpoint's live signatories, the
manifest that ties both to that checkpoint, and the ZIP of everything with the public key and
instructions. `groundswell.delivery.services.packages` builds them in order and checks that
their counts agree.
"""

import hashlib
import json
import zipfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from reportlab.platypus import Flowable

from groundswell.campaigns.models import Campaign
from groundswell.core.exports import csv_lines
from groundswell.delivery.models import DeliveryPackage
from groundswell.delivery.package_pdf import Column, PackageDocument, TableProgress
from groundswell.delivery.package_sections import PackageSection
from groundswell.delivery.pdf_text import html_paragraphs, paragraph, plain_paragraphs, table
from groundswell.delivery.selectors import CountryCount, Signatory, live_signatories
from groundswell.signatures.selectors import coalition_figures
from groundswell.transparency.checkpoints import public_key_to_pem
from groundswell.transparency.models import Checkpoint
from groundswell.transparency.signing_key import checkpoint_public_key

MANIFEST_FORMAT = "groundswell-delivery-manifest/v1"
# The builder refreshes its heartbeat at least this often while it writes pages (see
# PACKAGE_CLAIM_TIMEOUT).
HEARTBEAT_EVERY_PAGES = 25

CSV_HEADER = [
    "number", "leaf_index", "name", "postal_area", "country", "country_name", "comment",
    "confirmed_on",
]  # fmt: skip


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


def write_csv(path: Path, *, campaign: Campaign, checkpoint: Checkpoint) -> int:
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


def write_pdf(
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


def partner_counts(campaign: Campaign) -> list[tuple[str, int]]:
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


def write_zip(
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
