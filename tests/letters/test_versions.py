"""Text versions of letters and petitions: once anyone signed, no silent change."""

import pytest
from django.test import override_settings
from django.urls import reverse

from groundswell.campaigns.models import CampaignVersion
from groundswell.campaigns.versions import campaign_current_version, campaign_versions_public
from groundswell.core.text_versions import TextVersionError
from groundswell.letters.models import LetterVersion
from groundswell.letters.services.letters import letter_text_update
from groundswell.signatures.services import petition_text_update

pytestmark = pytest.mark.django_db


def test_a_letter_is_edited_in_place_until_someone_signs(letter):
    version = letter_text_update(letter=letter, text="Better words.", change_note="")

    assert version.number == 1
    assert version.text_html == "<p>Better words.</p>"
    assert LetterVersion.objects.filter(letter=letter).count() == 1


def test_a_signed_letter_needs_a_change_note(letter, sign_letter):
    sign_letter(letter)

    with pytest.raises(TextVersionError):
        letter_text_update(letter=letter, text="Sneaky change.", change_note="  ")

    assert LetterVersion.objects.get(letter=letter).text.startswith("We, the undersigned")


def test_a_signed_letter_gets_a_new_version_and_signers_keep_theirs(letter, sign_letter):
    first = sign_letter(letter)

    version = letter_text_update(letter=letter, text="Version two.", change_note="Deadline added.")
    second = sign_letter(letter, work_email="grace@northwind.example")

    assert version.number == 2
    assert version.change_note == "Deadline added."
    assert first.version.number == 1
    assert second.version.number == 2


def test_an_unchanged_text_makes_no_version(letter, sign_letter):
    sign_letter(letter)

    version = letter_text_update(letter=letter, text=letter.current_version.text)

    assert version.number == 1


def test_a_pending_signature_counts_as_signed(letter, sign_letter):
    sign_letter(letter, verify=False)

    with pytest.raises(TextVersionError):
        letter_text_update(letter=letter, text="Changed.")


def test_a_petition_gets_version_1_lazily_from_its_text(campaign):
    version = campaign_current_version(campaign=campaign)

    assert version.number == 1
    assert version.ask == campaign.ask
    assert campaign_current_version(campaign=campaign) == version


def test_a_petition_is_edited_in_place_until_someone_signs(campaign):
    version = petition_text_update(
        campaign=campaign, ask="A clearer ask.", background="**Why**", change_note=""
    )

    assert version.number == 1
    assert version.background_html == "<p><strong>Why</strong></p>"
    campaign.refresh_from_db()
    assert campaign.ask == "A clearer ask."
    assert campaign.background_html == "<p><strong>Why</strong></p>"


def test_a_signed_petition_needs_a_note_and_keeps_the_signed_text(campaign, signed):
    signed(confirm=False)
    original_ask = campaign.ask

    with pytest.raises(TextVersionError):
        petition_text_update(campaign=campaign, ask="Changed.", background="")
    version = petition_text_update(
        campaign=campaign, ask="Changed.", background="", change_note="Narrowed the ask."
    )

    assert version.number == 2
    assert list(CampaignVersion.objects.filter(campaign=campaign).values_list("number", "ask")) == [
        (1, original_ask),
        (2, "Changed."),
    ]
    campaign.refresh_from_db()
    assert campaign.ask == "Changed."


def test_the_public_history_of_a_petition_needs_no_write(campaign, django_assert_num_queries):
    with django_assert_num_queries(1):
        versions = campaign_versions_public(campaign=campaign)

    assert [v.number for v in versions] == [1]
    assert not CampaignVersion.objects.exists()


@override_settings(ROOT_URLCONF="tests.letters.urls_with_petition_history")
def test_the_petition_history_page_shows_versions_and_notes(client, campaign, signed):
    signed(confirm=True)
    petition_text_update(
        campaign=campaign, ask="Changed ask.", background="", change_note="Narrowed the ask."
    )

    response = client.get(reverse("petition_history", kwargs={"slug": campaign.slug}))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Narrowed the ask." in body
    assert "Changed ask." in body and "Cancel the contract." in body
    assert body.index("Version 2") < body.index("Version 1")
