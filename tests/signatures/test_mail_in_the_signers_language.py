"""Sofía signs in Spanish: every later e-mail to her (receipt, notice of a changed text) is in
Spanish, whatever language the request or task that sends it runs in. Likewise for letters."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db.models import F
from django.urls import reverse
from django.utils import translation

from groundswell.campaigns.translations import campaign_translation_save
from groundswell.core.models import OutboundEmail
from groundswell.letters.models import Signatory
from groundswell.letters.services.letters import letter_text_update
from groundswell.signatures.models import Signature
from groundswell.signatures.services import petition_update
from groundswell.signatures.version_notices import version_notices_send_batch
from tests.conftest import confirmation_link_from_outbox, sign_data
from tests.letters.conftest import (  # noqa: F401
    letter,
    make_letter,
    sign_form_data,
    verification_path_from_outbox,
)
from tests.transparency.conftest import _delivery_isolated, checkpoint_key_file  # noqa: F401

pytestmark = pytest.mark.django_db

SPANISH = {"HTTP_ACCEPT_LANGUAGE": "es-MX,es;q=0.9"}
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}


def test_the_signature_keeps_the_language_it_was_made_in(client, campaign):
    client.post(reverse("signatures:sign", args=[campaign.slug]), sign_data(), **SPANISH)
    client.post(
        reverse("signatures:sign", args=[campaign.slug]),
        sign_data(email="grace@example.org"),
        **ENGLISH,
    )

    assert dict(Signature.objects.values_list("email", "language")) == {
        "ada@example.org": "es",
        "grace@example.org": "en",
    }


def test_later_mail_comes_in_the_signers_language(client, campaign, run_on_commit):
    client.post(reverse("signatures:sign", args=[campaign.slug]), sign_data(), **SPANISH)
    # She confirms from a browser set to English: the receipt still comes in Spanish.
    client.post(confirmation_link_from_outbox(), **ENGLISH)
    receipt = mail.outbox[-1]
    assert receipt.subject == "Su comprobante: Cancel the contract"

    with translation.override("en"), run_on_commit():
        petition_update(campaign=campaign, data={"ask": "A new ask."}, change_note="Clearer.")
        version_notices_send_batch(campaign_id=campaign.pk)

    notice = mail.outbox[-1]
    assert notice.subject == "La petición que usted firmó cambió: Cancel the contract"
    assert OutboundEmail.objects.get(kind="signature-receipt").language == "es"


def test_a_letter_signatory_is_told_of_a_new_text_in_their_language(client, owner, letter):  # noqa: F811
    client.post(
        reverse("letters:sign", kwargs={"slug": letter.slug}),
        sign_form_data(
            letter, category="supporters", work_email="", personal_email="sofia@example.org"
        ),
        **SPANISH,
    )
    signatory = Signatory.objects.get()
    assert signatory.language == "es"
    Signatory.objects.update(personal_email_confirmed_at=signatory.created_at)

    letter_text_update(letter=letter, text="A sharper text.", change_note="Sharper.")
    client.force_login(owner)
    client.post(reverse("organizer:letter_notify", kwargs={"slug": letter.slug}), **ENGLISH)

    notice = [m for m in mail.outbox if m.to == ["sofia@example.org"]][-1]
    assert notice.subject.startswith("La carta abierta que usted firmó cambió:")


def test_later_mail_uses_the_organizers_translated_title(client, campaign, run_on_commit):
    campaign_translation_save(
        campaign=campaign, language="es", title="Cancelen el contrato", ask="Sí.", background=""
    )
    client.post(reverse("signatures:sign", args=[campaign.slug]), sign_data(), **SPANISH)
    client.post(confirmation_link_from_outbox(), **ENGLISH)
    assert mail.outbox[-1].subject == "Su comprobante: Cancelen el contrato"

    with translation.override("en"), run_on_commit():
        petition_update(campaign=campaign, data={"ask": "A new ask."}, change_note="Clearer.")
        version_notices_send_batch(campaign_id=campaign.pk)

    assert mail.outbox[-1].subject == "La petición que usted firmó cambió: Cancelen el contrato"


def test_the_already_signed_mail_comes_in_the_language_she_signed_in(
    client, campaign, age_last_notice
):
    client.post(reverse("signatures:sign", args=[campaign.slug]), sign_data(), **SPANISH)
    age_last_notice(11)

    # Someone, perhaps she, types her address again from a browser set to English.
    client.post(reverse("signatures:sign", args=[campaign.slug]), sign_data(), **ENGLISH)

    repeat = mail.outbox[-1]
    assert repeat.subject == "Usted ya firmó: Cancel the contract"
    assert "Esta dirección ya firmó" in repeat.body
    assert "already signed" not in repeat.body
    assert OutboundEmail.objects.get(kind="signature-repeat").language == "es"
    # A stranger's submission never changes what the confirmed person chose.
    assert Signature.objects.get().language == "es"


def test_without_a_stored_language_the_already_signed_mail_follows_the_request(
    client, campaign, age_last_notice
):
    client.post(reverse("signatures:sign", args=[campaign.slug]), sign_data(), **SPANISH)
    Signature.objects.update(language="")  # signed before languages were stored
    age_last_notice(11)

    client.post(reverse("signatures:sign", args=[campaign.slug]), sign_data(), **ENGLISH)

    assert mail.outbox[-1].subject == "You have already signed: Cancel the contract"
    assert OutboundEmail.objects.get(kind="signature-repeat").language == "en"


def test_a_letter_signatory_is_told_of_a_repeat_signature_in_their_language(client, letter):  # noqa: F811
    sign = reverse("letters:sign", kwargs={"slug": letter.slug})
    client.post(sign, sign_form_data(letter), **SPANISH)
    client.post(verification_path_from_outbox(), **SPANISH)
    Signatory.objects.update(notified_at=F("notified_at") - timedelta(minutes=11))
    mail.outbox.clear()

    client.post(sign, sign_form_data(letter, name="Someone Else"), **ENGLISH)

    assert [message.subject for message in mail.outbox] == ["Su dirección ya está confirmada"]
    assert "It is already confirmed" not in mail.outbox[0].body
