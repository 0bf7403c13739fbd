"""Reads of open letters for the public pages and the organizer pages.

Public reads never load the name, title or affiliation of a signatory who withheld them: the
database returns "" instead (`_shown`), so no template or serializer can leak them by mistake.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.http import Http404
from django.utils.translation import gettext as _

from groundswell.accounts.models import User
from groundswell.core.models import OutboundEmail
from groundswell.core.outbox import EmailFailures, email_failures_counted
from groundswell.letters.models import (
    NAMED_DISPLAYS,
    PUBLIC_LETTER_STATUSES,
    DisplayChoice,
    Letter,
    LetterCategory,
    LetterStatus,
    LetterTranslation,
    LetterVersion,
    Signatory,
    SignatorySearchTerm,
    SignatoryStatus,
)
from groundswell.letters.search import prefix_upper_bound, search_query_words
from groundswell.letters.services.notices import NOTIFIED_STATUSES

PUBLIC_PAGE_SIZE = 50
MODERATION_PAGE_SIZE = 100
MAX_PAGE = 5000


def letter_public_get(*, slug: str) -> Letter:
    """A letter the public may see; drafts are 404 so their existence does not leak."""
    try:
        return Letter.objects.select_related("current_version", "organization", "campaign").get(
            slug=slug, status__in=PUBLIC_LETTER_STATUSES
        )
    except Letter.DoesNotExist:
        raise Http404("No such letter") from None


def letter_categories(*, letter: Letter) -> list[LetterCategory]:
    return list(LetterCategory.objects.filter(letter=letter).order_by("position", "pk"))


def letter_public_summary(*, letter: Letter, categories: list[LetterCategory]) -> dict[str, object]:
    return {
        "slug": letter.slug,
        "title": letter.title,
        "addressee": letter.addressee,
        "status": letter.status,
        "version": letter.current_version.number if letter.current_version else 1,
        "categories": [
            {"slug": category.slug, "name": category.name, "count": category.signatory_count}
            for category in categories
        ],
        "total": letter.signatory_count,
        "url": letter.get_absolute_url(),
        "updated_at": letter.updated_at.isoformat(),
    }


def verification_label(*, work_verified: bool, moderated: bool) -> str:
    if work_verified and moderated:
        return _("Work e-mail verified, approved by organizers")
    if work_verified:
        return _("Work e-mail verified")
    if moderated:
        return _("Approved by organizers")
    return _("Not verified")


@dataclass(frozen=True)
class PublicSignatory:
    """A line of the public list. For a withheld name, name/title/affiliation are empty."""

    shows_name: bool
    name: str
    title: str
    affiliation: str
    category_name: str
    work_verified: bool
    moderated: bool

    @property
    def verification(self) -> str:
        return verification_label(work_verified=self.work_verified, moderated=self.moderated)


def _shown(field: str) -> Case:
    return Case(
        When(display__in=NAMED_DISPLAYS, then=F(field)),
        default=Value(""),
        output_field=CharField(),
    )


def public_signatory_values(
    signatories: QuerySet[Signatory],
) -> QuerySet[Signatory, dict[str, Any]]:
    """Only what the public may see of each signatory, as dictionaries."""
    return signatories.annotate(
        shown_name=_shown("name"),
        shown_title=_shown("title"),
        shown_affiliation=_shown("affiliation"),
        category_name=F("category__name"),
    ).values(
        "id",
        "display",
        "shown_name",
        "shown_title",
        "shown_affiliation",
        "category_name",
        "work_verified_at",
        "decided_at",
    )


def _public_entry(row: dict[str, Any]) -> PublicSignatory:
    return PublicSignatory(
        shows_name=row["display"] in NAMED_DISPLAYS,
        name=row["shown_name"],
        title=row["shown_title"],
        affiliation=row["shown_affiliation"],
        category_name=row["category_name"],
        work_verified=row["work_verified_at"] is not None,
        moderated=row["decided_at"] is not None,
    )


@dataclass(frozen=True)
class SignatoryPage:
    entries: list[PublicSignatory]
    number: int
    has_next: bool


def signatories_public_page(
    *,
    letter: Letter,
    query: str = "",
    category: LetterCategory | None = None,
    page: int = 1,
    page_size: int = PUBLIC_PAGE_SIZE,
) -> SignatoryPage:
    """One page of the public list, newest first, optionally searched and of one category.

    A search finds only signatories who chose to show their name, by prefixes of the words of
    their name or affiliation; every query word must match. No COUNT: one row more than the
    page tells whether there is a next page.
    """
    page = min(max(page, 1), MAX_PAGE)
    start = (page - 1) * page_size
    words = search_query_words(query)
    if words:
        # The page is cut in the subquery, so the outer query reads at most a page of rows.
        matches = _search_matches(letter=letter, words=words, category=category)
        signatories = Signatory.objects.filter(pk__in=matches[start : start + page_size + 1])
        start = 0
    else:
        signatories = Signatory.objects.filter(letter=letter, is_listed=True)
        if category is not None:
            signatories = signatories.filter(category=category)
    rows = list(public_signatory_values(signatories.order_by("-pk"))[start : start + page_size + 1])
    return SignatoryPage(
        entries=[_public_entry(row) for row in rows[:page_size]],
        number=page,
        has_next=len(rows) > page_size,
    )


def _search_matches(
    *, letter: Letter, words: list[str], category: LetterCategory | None
) -> QuerySet[SignatorySearchTerm, int]:
    """Ids of listed signatories with a word starting with each of `words`, newest first.

    Runs on the search term index alone: the first (longest) word's range gives candidates,
    the others narrow them down.
    """

    def starting_with(word: str) -> QuerySet[SignatorySearchTerm]:
        return SignatorySearchTerm.objects.filter(
            letter=letter, is_listed=True, term__gte=word, term__lt=prefix_upper_bound(word)
        )

    first, *others = words
    matches = starting_with(first)
    if category is not None:
        matches = matches.filter(category=category)
    for word in others:
        matches = matches.filter(signatory_id__in=starting_with(word).values("signatory_id"))
    return matches.order_by("-signatory_id").values_list("signatory_id", flat=True).distinct()


def signatories_pinned(*, letter: Letter, limit: int = 12) -> list[PublicSignatory]:
    signatories = Signatory.objects.filter(
        letter=letter, is_listed=True, display__in=NAMED_DISPLAYS, pinned_at__isnull=False
    ).order_by("pinned_at")
    return [_public_entry(row) for row in public_signatory_values(signatories)[:limit]]


def letter_versions(*, letter: Letter) -> QuerySet[LetterVersion]:
    return LetterVersion.objects.filter(letter=letter).order_by("-number")


def letters_for_user(*, user: User) -> QuerySet[Letter]:
    """Every letter hosted by an organization the user is a member of."""
    return (
        Letter.objects.filter(organization__memberships__user=user)
        .select_related("organization", "campaign")
        .distinct()
        .order_by("-created_at")
    )


def letter_verification_email_failures(*, letter: Letter) -> EmailFailures:
    """Verification e-mails of this letter that will never be sent, by reason (never to whom):
    those signatories cannot verify. The letter's other e-mails count on its campaign's page."""
    sent_for = Signatory.objects.filter(letter=letter, verification_email__isnull=False)
    return email_failures_counted(
        OutboundEmail.objects.filter(pk__in=sent_for.values("verification_email"))
    )


def letter_status_counts(*, letter: Letter) -> dict[str, int]:
    """Signatories per status, for organizers (a COUNT, never on a public page)."""
    counts = dict(
        Signatory.objects.filter(letter=letter)
        .values_list("status")
        .annotate(count=Count("id"))
        .order_by()
    )
    return {status: counts.get(status, 0) for status in SignatoryStatus.values}


@dataclass(frozen=True)
class ModerationEntry:
    """A line of the moderation queue. The organizer decides on title, affiliation, category
    and verification; the name is shown only if the signatory chose to be named publicly."""

    public_id: str
    shows_name: bool
    name: str
    title: str
    affiliation: str
    category_name: str
    display: str
    display_label: str
    status: str
    status_label: str
    work_email_domain: str
    work_verified_at: datetime | None
    decided_at: datetime | None
    rejection_reason: str
    pinned: bool
    version_number: int
    created_at: datetime


@dataclass(frozen=True)
class ModerationPage:
    entries: list[ModerationEntry]
    number: int
    has_next: bool


def moderation_queue(
    *, letter: Letter, status: str, page: int = 1, page_size: int = MODERATION_PAGE_SIZE
) -> ModerationPage:
    """Signatories of one status, oldest first (the first to wait is decided first)."""
    page = min(max(page, 1), MAX_PAGE)
    start = (page - 1) * page_size
    rows = list(
        Signatory.objects.filter(letter=letter, status=status)
        .annotate(
            shown_name=_shown("name"),
            category_name=F("category__name"),
            version_number=F("version__number"),
        )
        .values(
            "public_id",
            "display",
            "shown_name",
            "title",
            "affiliation",
            "category_name",
            "status",
            "work_email_domain",
            "work_verified_at",
            "decided_at",
            "rejection_reason",
            "pinned_at",
            "version_number",
            "created_at",
        )
        .order_by("pk")[start : start + page_size + 1]
    )
    displays = dict(DisplayChoice.choices)
    statuses = dict(SignatoryStatus.choices)
    entries = [
        ModerationEntry(
            public_id=row["public_id"],
            shows_name=row["display"] in NAMED_DISPLAYS,
            name=row["shown_name"],
            title=row["title"],
            affiliation=row["affiliation"],
            category_name=row["category_name"],
            display=row["display"],
            display_label=str(displays[row["display"]]),
            status=row["status"],
            status_label=str(statuses[row["status"]]),
            work_email_domain=row["work_email_domain"],
            work_verified_at=row["work_verified_at"],
            decided_at=row["decided_at"],
            rejection_reason=row["rejection_reason"],
            pinned=row["pinned_at"] is not None,
            version_number=row["version_number"],
            created_at=row["created_at"],
        )
        for row in rows[:page_size]
    ]
    return ModerationPage(entries=entries, number=page, has_next=len(rows) > page_size)


def letter_counted_only_count(*, category: LetterCategory) -> int:
    return Signatory.objects.filter(
        category=category, status=SignatoryStatus.APPROVED, display=DisplayChoice.COUNT_ONLY
    ).count()


def signatories_contactable(*, letter: Letter) -> QuerySet[Signatory]:
    """Signatories who gave a personal e-mail for updates and confirmed it from its inbox (the
    consent to the letter's organizers): whom the contacts export lists and updates reach."""
    return Signatory.objects.filter(
        letter=letter, status__in=NOTIFIED_STATUSES, personal_email_confirmed_at__isnull=False
    ).exclude(personal_email="")


def letters_public_open_search(
    *, query: str = "", limit: int = 500, language: str | None = None
) -> QuerySet[Letter]:
    """Open letters whose title or addressee contains `query` (any case), most signed first:
    what the public directory lists. The title searched is the original's and, for a reader of
    `language`, the organizers' translation."""
    letters = Letter.objects.filter(status=LetterStatus.OPEN)
    if query:
        matches = Q(title__icontains=query) | Q(addressee__icontains=query)
        if language:
            matches |= Q(
                Exists(
                    LetterTranslation.objects.filter(
                        letter=OuterRef("pk"), language=language, title__icontains=query
                    )
                )
            )
        letters = letters.filter(matches)
    return letters.select_related("organization").order_by("-signatory_count", "-created_at")[
        :limit
    ]
