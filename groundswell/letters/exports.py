"""Exporters of a letter: they only yield rows; groundswell.core.exports writes the CSV."""

from collections.abc import Iterator

from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from groundswell.letters.models import NAMED_DISPLAYS, DisplayChoice, Letter, Signatory
from groundswell.letters.selectors import (
    letter_categories,
    letter_counted_only_count,
    public_signatory_values,
    signatories_contactable,
    verification_label,
)

DELIVERY_HEADER = ["category", "name", "title_or_role", "affiliation", "verification"]
CONTACTS_HEADER = [
    "category", "name", "display", "personal_email", "status", "signed_version", "signed_at",
]  # fmt: skip


def letter_delivery_rows(*, letter: Letter, batch_size: int = 2000) -> Iterator[list[object]]:
    """The letter's signatories as delivered to the addressee: category by category, pinned
    first, each honouring its display choice. Withheld names are never read from the database;
    counted-only signatories are one summary line per category."""
    for category in letter_categories(letter=letter):
        signatories = Signatory.objects.filter(category=category, is_listed=True).order_by(
            F("pinned_at").asc(nulls_last=True), "pk"
        )
        for row in public_signatory_values(signatories).iterator(chunk_size=batch_size):
            named = row["display"] in NAMED_DISPLAYS
            verification = verification_label(
                work_verified=row["work_verified_at"] is not None,
                moderated=row["decided_at"] is not None,
            )
            yield [
                category.name,
                row["shown_name"] if named else _("Name withheld"),
                row["shown_title"],
                row["shown_affiliation"],
                verification,
            ]
        counted_only = letter_counted_only_count(category=category)
        if counted_only:
            summary = ngettext(
                "and %(count)s more signatory who asked to be counted, not named",
                "and %(count)s more signatories who asked to be counted, not named",
                counted_only,
            ) % {"count": counted_only}
            yield [category.name, summary, "", "", ""]


def letter_contact_rows(*, letter: Letter, batch_size: int = 2000) -> Iterator[list[object]]:
    """Signatories who gave a personal e-mail for updates and confirmed it from its inbox (the
    consent to the letter's organizers), for organizers allowed personal data.

    The name is included only for signatories who chose to be named publicly.
    """
    signatories = signatories_contactable(letter=letter).order_by(
        "category__position", "category_id", "pk"
    )
    rows = public_signatory_values(signatories).values(  # type: ignore[misc]
        "category_name",
        "shown_name",
        "display",
        "personal_email",
        "status",
        "version__number",
        "created_at",
    )
    displays = dict(DisplayChoice.choices)
    for row in rows.iterator(chunk_size=batch_size):
        yield [
            row["category_name"],
            row["shown_name"],
            str(displays[row["display"]]),
            row["personal_email"],
            row["status"],
            row["version__number"],
            row["created_at"],
        ]
