"""A letter can be deleted whole; its versions and categories cannot be pulled from under it."""

import pytest
from django.db.models import RestrictedError

from groundswell.letters.models import LetterCategory, LetterVersion, Signatory

pytestmark = pytest.mark.django_db


def test_a_letter_is_deleted_with_its_signatories(letter, sign_letter):
    sign_letter(letter)

    letter.delete()

    assert not Signatory.objects.exists()
    assert not LetterVersion.objects.exists()


def test_a_signed_version_or_category_cannot_be_deleted_alone(letter, sign_letter):
    signatory = sign_letter(letter)

    with pytest.raises(RestrictedError):
        LetterVersion.objects.get(pk=signatory.version_id).delete()
    with pytest.raises(RestrictedError):
        LetterCategory.objects.get(pk=signatory.category_id).delete()
