"""Organizers write an open letter's title and text in Spanish: visitors reading Spanish see
them on the letter and signing pages, with the version of the original they translate."""

import pytest
from django.urls import reverse
from django.utils import timezone

from groundswell.letters.models import LetterTranslation, Signatory
from groundswell.letters.services.letters import letter_text_update
from groundswell.letters.translations import letter_translation_save
from tests.campaigns.test_translations import translate

pytestmark = pytest.mark.django_db

SPANISH = {"HTTP_ACCEPT_LANGUAGE": "es"}
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


def test_an_organizer_writes_the_spanish_letter_beside_the_original(client, owner, letter):
    client.force_login(owner)
    url = reverse("organizer:letter_translation", args=[letter.slug, "es"])

    form = client.get(url)
    saved = client.post(url, {"title": "Contra el contrato", "text": "Nosotros, **abajo**."})
    refused = client.post(url, {"title": "<i>x</i>", "text": "y"})

    assert form.status_code == 200
    assert saved.status_code == 302
    assert refused.status_code == 400
    translation = LetterTranslation.objects.get()
    assert (translation.title, translation.version_number) == ("Contra el contrato", 1)


def test_visitors_reading_spanish_see_the_translated_letter(client, letter, sign_letter):
    letter_translation_save(
        letter=letter, language="es", title="Contra el contrato", text="Nosotros, **abajo**."
    )

    for path in (letter.get_absolute_url(), reverse("letters:sign", args=[letter.slug])):
        spanish = client.get(path, **SPANISH).content.decode()
        english = client.get(path, **ENGLISH).content.decode()
        assert "Contra el contrato" in spanish and "<strong>abajo</strong>" in spanish
        assert "a partir de la versión 1 del texto" in spanish
        assert "Contra el contrato" not in english

    sign_letter(letter)
    letter_text_update(letter=letter, text="A sharper text.", change_note="Sharper.")
    page = client.get(letter.get_absolute_url(), **SPANISH).content.decode()
    assert "usted firma su texto actual, la versión 2" in page


def test_the_letters_part_of_link_names_the_campaign_by_its_translated_title(
    client, letter, campaign
):
    translate(campaign)

    page = client.get(letter.get_absolute_url(), **SPANISH).content.decode()

    assert f'href="{campaign.get_absolute_url()}">Cancelen el contrato</a>' in page
    assert campaign.title not in page


def test_the_pages_after_signing_keep_the_translated_title(client, letter):
    from tests.letters.conftest import link_from_outbox, sign_form_data

    letter_translation_save(
        letter=letter, language="es", title="Contra el contrato", text="Nosotros, **abajo**."
    )
    signed = client.post(
        reverse("letters:sign", args=[letter.slug]),
        sign_form_data(letter, personal_email="ada@example.org"),
        **SPANISH,
    )
    pages = {
        "thanks": client.get(signed["Location"], **SPANISH),
        "verified": client.post(link_from_outbox("/verify/"), **SPANISH),
        "updates": client.get(link_from_outbox("/updates/confirm/"), **SPANISH),
        "updates confirmed": client.post(link_from_outbox("/updates/confirm/"), **SPANISH),
    }

    for page, response in pages.items():
        body = response.content.decode()
        assert response.status_code == 200, page
        assert "Contra el contrato" in body, page
        assert letter.title not in body, page


def test_the_letters_emails_to_a_personal_address_carry_the_translated_title(client, owner, letter):
    """The e-mail confirming the address for updates is written in the language of the signing
    page; the notice of a new text in the language the person signed in, whoever sends it."""
    from django.core import mail

    from tests.letters.conftest import sign_form_data

    letter_translation_save(
        letter=letter, language="es", title="Contra el contrato", text="Nosotros, **abajo**."
    )
    sign = reverse("letters:sign", args=[letter.slug])
    for address, language in (("sofia@example.org", SPANISH), ("grace@example.org", ENGLISH)):
        client.post(
            sign,
            sign_form_data(letter, category="supporters", work_email="", personal_email=address),
            **language,
        )
    confirmations = {message.to[0]: message for message in mail.outbox}
    Signatory.objects.update(personal_email_confirmed_at=timezone.now())
    letter_text_update(letter=letter, text="A sharper text.", change_note="Sharper.")
    client.force_login(owner)
    client.post(reverse("organizer:letter_notify", args=[letter.slug]), **ENGLISH)
    notices = {message.to[0]: message for message in mail.outbox[len(confirmations) :]}

    for sent in (confirmations, notices):
        spanish, english = sent["sofia@example.org"], sent["grace@example.org"]
        assert "Contra el contrato" in spanish.subject and "Contra el contrato" in spanish.body
        assert letter.title not in spanish.subject + spanish.body
        assert letter.title in english.subject and letter.title in english.body
        assert "Contra el contrato" not in english.subject + english.body
