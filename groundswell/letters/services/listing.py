"""The search terms of public signatories, which mirror each signatory's place on the list."""

from collections.abc import Iterable

from django.db.models import OuterRef, Subquery

from groundswell.letters.models import NAMED_DISPLAYS, Signatory, SignatorySearchTerm
from groundswell.letters.search import search_terms


def search_terms_create(*, signatories: Iterable[Signatory]) -> None:
    """Index the name and affiliation of signatories who chose to be named; no one else's."""
    SignatorySearchTerm.objects.bulk_create(
        (
            SignatorySearchTerm(
                letter_id=signatory.letter_id,
                category_id=signatory.category_id,
                signatory_id=signatory.pk,
                term=term,
                is_listed=signatory.is_listed,
            )
            for signatory in signatories
            if signatory.display in NAMED_DISPLAYS
            for term in sorted(search_terms(signatory.name, signatory.affiliation))
        ),
        batch_size=5000,
    )


def search_terms_listed_sync(*, signatory_ids: list[int]) -> None:
    """Copy `is_listed` from these signatories to their terms; call after changing it."""
    SignatorySearchTerm.objects.filter(signatory_id__in=signatory_ids).update(
        is_listed=Subquery(
            Signatory.objects.filter(pk=OuterRef("signatory_id")).values("is_listed")[:1]
        )
    )
