"""Wen verifies her work address; a mail scanner opening the link verifies nothing."""

from datetime import timedelta

import pytest
from django.core import mail, signing
from django.db.models import F
from django.urls import reverse

from groundswell.core.models import OutboundEmail
from groundswell.letters.models import (
    DisplayChoice,
    Letter,
    LetterCategory,
    LetterStatus,
    Signatory,
    SignatoryStatus,
)
from groundswell.letters.services.signing import VERIFICATION_SALT, verification_token_make
from tests.letters.conftest import sign_form_data, verification_path_from_outbox

pytestmark = pytest.mark.django_db


def sign(client, letter, **overrides):
    response = client.post(
        reverse("letters:sign", kwargs={"slug": letter.slug}), sign_form_data(letter, **overrides)
    )
    assert response.status_code == 302
    return verification_path_from_outbox()


def counts(letter):
    letter = Letter.objects.get(pk=letter.pk)
    by_slug = dict(
        LetterCategory.objects.filter(letter=letter).values_list("slug", "signatory_count")
    )
    return letter.signatory_count, by_slug


def test_a_scanner_opening_the_link_verifies_nothing(client, letter):
    link = sign(client, letter)

    for method in (client.get, client.head, client.options):
        method(link)

    signatory = Signatory.objects.get()
    assert signatory.status == SignatoryStatus.UNVERIFIED
    assert signatory.work_verified_at is None
    assert not signatory.is_listed
    assert counts(letter)[0] == 0


def test_the_link_opens_a_page_with_a_button_that_names_nothing(client, letter):
    """The employer's scanners fetch it: no letter, category, organizer or signer on it."""
    link = sign(client, letter)

    body = client.get(link).content.decode()

    assert '<form method="post">' in body
    assert "Confirm your address" in body
    for revealing in ("Northwind", "contract", "Employees", "Ada", "Lovelace", "letter"):
        assert revealing.lower() not in body.lower(), revealing
    assert letter.slug not in body


def test_the_button_shows_what_was_signed_and_how_to_undo_it(client, letter):
    link = sign(client, letter)

    body = client.post(link).content.decode()

    assert letter.title in body
    assert "Employees of Northwind Cloud" in body
    assert "Ada Lovelace" in body  # she chose to be named publicly anyway
    assert "/address/cancel/" in body


def test_the_page_of_a_withheld_signer_does_not_show_the_name(client, letter):
    link = sign(client, letter, name="Wen Okafor", display=DisplayChoice.WITHHELD)

    before, after = client.get(link).content.decode(), client.post(link).content.decode()

    assert "Okafor" not in before and "Okafor" not in after
    assert "name withheld" in after


def test_pressing_the_button_verifies_and_counts_once(client, letter):
    link = sign(client, letter)

    first = client.post(link)
    again = client.post(link)

    assert first.status_code == again.status_code == 200
    assert "your work address is verified" in first.content.decode()
    signatory = Signatory.objects.get()
    assert signatory.status == SignatoryStatus.APPROVED
    assert signatory.work_verified_at is not None
    assert signatory.is_listed
    assert counts(letter) == (1, {"employees": 1, "scholars": 0, "supporters": 0})


def test_a_verified_scholar_waits_for_moderation_and_is_not_counted(client, letter):
    link = sign(client, letter, category="scholars")

    response = client.post(link)

    assert "The organizers also check each signatory" in response.content.decode()
    signatory = Signatory.objects.get()
    assert signatory.status == SignatoryStatus.AWAITING_MODERATION
    assert not signatory.is_listed
    assert counts(letter)[0] == 0


def test_verifying_blanks_the_work_address_in_the_outbox(client, letter, monkeypatch):
    from groundswell.core import tasks
    from groundswell.letters import tasks as letter_tasks

    # A broker outage: the e-mail stays unsent in the outbox, address and all.
    monkeypatch.setattr(tasks.outbound_email_send_task, "delay", lambda *a: None)
    monkeypatch.setattr(letter_tasks.work_address_email_send_task, "delay", lambda *a: None)
    client.post(reverse("letters:sign", kwargs={"slug": letter.slug}), sign_form_data(letter))
    email = OutboundEmail.objects.get()
    assert email.to == "ada@northwind.example"
    signatory = Signatory.objects.get()
    token = verification_token_make(public_id=signatory.public_id)

    client.post(reverse("letters:verify", kwargs={"slug": letter.slug, "token": token}))

    email.refresh_from_db()
    assert email.to == ""


def test_the_same_work_address_cannot_sign_twice(client, letter):
    first_link = sign(client, letter, name="Ada Lovelace")
    Signatory.objects.update(notified_at=F("notified_at") - timedelta(minutes=11))
    second_link = sign(client, letter, name="Someone Else")
    assert first_link != second_link

    client.post(first_link)
    response = client.post(second_link)

    assert response.status_code == 400
    assert "already been used to sign this letter" in response.content.decode()
    assert counts(letter)[0] == 1
    assert Signatory.objects.filter(work_verified_at__isnull=False).count() == 1


def test_signing_again_after_verifying_creates_nothing_and_tells_the_inbox(client, letter):
    client.post(sign(client, letter))
    Signatory.objects.update(notified_at=F("notified_at") - timedelta(minutes=11))
    mail.outbox.clear()

    response = client.post(
        reverse("letters:sign", kwargs={"slug": letter.slug}),
        sign_form_data(letter, work_email="ADA+again@northwind.example", name="Someone Else"),
    )

    # The same next step as a first signature: the page does not tell whether the address signed.
    assert response["Location"].endswith("?step=verify")
    assert Signatory.objects.count() == 1
    assert len(mail.outbox) == 1
    assert "It is already confirmed" in mail.outbox[0].body
    assert "/verify/" not in mail.outbox[0].body
    assert OutboundEmail.objects.filter(kind="letter-already-signed").get().to == ""


def test_a_rejected_signer_may_verify_again_with_the_same_address(client, letter, owner):
    from groundswell.letters.services.moderation import signatories_reject

    client.post(sign(client, letter))
    signatories_reject(
        letter=letter,
        public_ids=[Signatory.objects.get().public_id],
        user=owner,
        reason="Wrong category",
    )
    Signatory.objects.update(notified_at=F("notified_at") - timedelta(minutes=11))

    response = client.post(sign(client, letter))

    assert response.status_code == 200
    assert counts(letter)[0] == 1


def test_a_tampered_link_is_refused(client, letter):
    link = sign(client, letter)

    response = client.post(link.rstrip("/") + "x/")

    assert response.status_code == 400
    assert "not valid" in response.content.decode()
    assert Signatory.objects.get().status == SignatoryStatus.UNVERIFIED


def test_an_expired_link_is_refused(client, letter, monkeypatch):
    client.post(reverse("letters:sign", kwargs={"slug": letter.slug}), sign_form_data(letter))
    signatory = Signatory.objects.get()
    monkeypatch.setattr(signing.time, "time", lambda: 1_000_000_000)
    token = signing.TimestampSigner(salt=VERIFICATION_SALT).sign(signatory.public_id)
    monkeypatch.undo()

    response = client.post(reverse("letters:verify", kwargs={"slug": letter.slug, "token": token}))

    assert response.status_code == 400
    assert "expired" in response.content.decode()
    assert Signatory.objects.get().status == SignatoryStatus.UNVERIFIED


def test_an_old_link_naming_another_letter_is_refused(client, letter, make_letter):
    sign(client, letter)
    other = make_letter()
    token = verification_token_make(public_id=Signatory.objects.get().public_id)

    response = client.post(reverse("letters:verify", kwargs={"slug": other.slug, "token": token}))

    assert response.status_code == 400
    assert Signatory.objects.get().status == SignatoryStatus.UNVERIFIED


def test_a_letter_closed_before_verification_refuses_it(client, letter):
    link = sign(client, letter)
    Letter.objects.filter(pk=letter.pk).update(status=LetterStatus.CLOSED)

    response = client.post(link)

    assert response.status_code == 400
    assert "closed before your address was verified" in response.content.decode()
    assert counts(letter)[0] == 0
