"""The demo seeds one employee letter and one scholars letter beside the petition, once."""

import pytest

from groundswell.demo.letters import EMPLOYEES_SLUG, SCHOLARS_SLUG, letters_demo_seed
from groundswell.letters.models import Letter, LetterStatus, Signatory
from groundswell.letters.services.counting import letter_counts_recount

pytestmark = pytest.mark.django_db


def test_the_demo_letters_are_seeded_once(client, campaign):
    first = letters_demo_seed(campaign=campaign)
    again = letters_demo_seed(campaign=campaign)

    assert [letter.slug for letter in first] == [EMPLOYEES_SLUG, SCHOLARS_SLUG]
    assert first == again
    assert Signatory.objects.filter(letter__slug=EMPLOYEES_SLUG).count() == 40
    assert Signatory.objects.filter(letter__slug=SCHOLARS_SLUG).count() == 60
    employees = Letter.objects.get(slug=EMPLOYEES_SLUG)
    assert employees.status == LetterStatus.OPEN
    assert employees.categories.get().allowed_domains == ["northwind.example"]
    assert employees.current_version.number == 2
    for letter in first:
        before, after = letter_counts_recount(letter=letter)
        assert before == after > 0
        assert client.get(letter.get_absolute_url()).status_code == 200
