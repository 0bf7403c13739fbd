"""The stored counts: kept in step with every decision, and repaired by a recount."""

import pytest

from groundswell.letters.models import (
    DisplayChoice,
    Letter,
    LetterCategory,
    Signatory,
    SignatorySearchTerm,
)
from groundswell.letters.services.counting import letter_counts_recount
from groundswell.letters.services.moderation import signatories_approve, signatories_reject

pytestmark = pytest.mark.django_db


def stored(letter):
    return Letter.objects.get(pk=letter.pk).signatory_count, dict(
        LetterCategory.objects.filter(letter=letter).values_list("slug", "signatory_count")
    )


def test_counts_follow_every_transition(letter, sign_letter, owner):
    sign_letter(letter)
    sign_letter(letter, category="supporters", work_email="", display=DisplayChoice.COUNT_ONLY)
    waiting = sign_letter(letter, category="scholars", approve=False)
    sign_letter(letter, verify=False, work_email="later@northwind.example")
    assert stored(letter) == (2, {"employees": 1, "scholars": 0, "supporters": 1})

    signatories_approve(letter=letter, public_ids=[waiting.public_id], user=owner)
    assert stored(letter) == (3, {"employees": 1, "scholars": 1, "supporters": 1})

    signatories_reject(letter=letter, public_ids=[waiting.public_id], user=owner, reason="No")
    assert stored(letter) == (2, {"employees": 1, "scholars": 0, "supporters": 1})
    assert letter_counts_recount(letter=letter) == (2, 2)


def test_a_recount_repairs_counts_and_list_flags(letter, bulk_signatories):
    people = bulk_signatories(letter, count=3)
    Letter.objects.filter(pk=letter.pk).update(signatory_count=0)
    LetterCategory.objects.filter(letter=letter).update(signatory_count=5)
    Signatory.objects.filter(pk=people[0].pk).update(is_listed=False)
    Signatory.objects.filter(pk=people[1].pk).update(display=DisplayChoice.COUNT_ONLY)

    assert letter_counts_recount(letter=letter) == (0, 3)

    assert stored(letter) == (3, {"employees": 3, "scholars": 0, "supporters": 0})
    assert list(Signatory.objects.order_by("pk").values_list("is_listed", flat=True)) == [
        True,
        False,
        True,
    ]


def test_a_recount_repairs_the_search_index_flags(letter, bulk_signatories):
    people = bulk_signatories(letter, count=2)
    SignatorySearchTerm.objects.filter(signatory=people[0]).update(is_listed=False)

    letter_counts_recount(letter=letter)

    assert not SignatorySearchTerm.objects.filter(is_listed=False).exists()
