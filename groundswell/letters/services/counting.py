"""The stored counts of approved signatories, per category and per letter.

Every service that moves a signatory into or out of an approved status calls
`letter_counts_add` in the same transaction; `letter_counts_recount` repairs any drift.
"""

from collections import Counter

from django.db import transaction
from django.db.models import Count, F, Q

from groundswell.letters.models import (
    COUNTED_STATUSES,
    LISTED_DISPLAYS,
    Letter,
    LetterCategory,
    Signatory,
    SignatorySearchTerm,
    SignatoryStatus,
)
from groundswell.letters.services.listing import search_terms_listed_sync


def letter_counts_add(*, letter_id: int, changes: Counter[int] | dict[int, int]) -> None:
    """Add `changes` (category id -> signatories counted or, if negative, uncounted)."""
    total = 0
    for category_id, delta in changes.items():
        if delta:
            LetterCategory.objects.filter(pk=category_id).update(
                signatory_count=F("signatory_count") + delta
            )
            total += delta
    if total:
        Letter.objects.filter(pk=letter_id).update(signatory_count=F("signatory_count") + total)


def listed_condition() -> Q:
    """Which signatories belong on the public list; `is_listed` must always equal this."""
    return Q(status=SignatoryStatus.APPROVED, display__in=LISTED_DISPLAYS)


def letter_counts_recount(*, letter: Letter) -> tuple[int, int]:
    """Recount approved signatories, repair the stored counts and list flags. (before, after)."""
    with transaction.atomic():
        locked = Letter.objects.select_for_update().get(pk=letter.pk)
        by_category = dict(
            Signatory.objects.filter(letter=locked, status__in=COUNTED_STATUSES)
            .values_list("category")
            .annotate(count=Count("id"))
            .order_by()
        )
        for category in LetterCategory.objects.filter(letter=locked):
            actual = by_category.get(category.pk, 0)
            if category.signatory_count != actual:
                LetterCategory.objects.filter(pk=category.pk).update(signatory_count=actual)
        after = sum(by_category.values())
        if locked.signatory_count != after:
            Letter.objects.filter(pk=locked.pk).update(signatory_count=after)
        signatories = Signatory.objects.filter(letter=locked)
        signatories.filter(listed_condition(), is_listed=False).update(is_listed=True)
        signatories.filter(is_listed=True).exclude(listed_condition()).update(is_listed=False)
        drifted = (
            SignatorySearchTerm.objects.filter(letter=locked)
            .exclude(is_listed=F("signatory__is_listed"))
            .values_list("signatory_id", flat=True)
            .distinct()
        )
        search_terms_listed_sync(signatory_ids=list(drifted))
    letter.signatory_count = after
    return locked.signatory_count, after
