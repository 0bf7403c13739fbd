"""The outbox keeps no work address once its e-mail is done with."""

from datetime import timedelta

import pytest
from django.utils import timezone

from groundswell.core.models import OutboundEmail
from groundswell.core.outbox import MAX_ATTEMPTS, outbound_emails_expire
from groundswell.letters.tasks import work_address_emails_sweep

pytestmark = pytest.mark.django_db


def email(kind="letter-verify", **fields):
    return OutboundEmail.objects.create(
        to="ada@northwind.example", subject="s", body="b", kind=kind, **fields
    )


def test_the_sweep_blanks_work_addresses_that_are_done_with():
    now = timezone.now()
    sent = email(sent_at=now)
    failed = email(attempts=MAX_ATTEMPTS)
    expired = email()
    OutboundEmail.objects.filter(pk=expired.pk).update(created_at=now - timedelta(days=30))
    already = email(kind="letter-already-signed", sent_at=now)
    waiting = email()
    petition = email(kind="signature-confirm", sent_at=now)

    assert work_address_emails_sweep() == 4

    blanked = {row.pk for row in OutboundEmail.objects.filter(to="")}
    assert blanked == {sent.pk, failed.pk, expired.pk, already.pk}
    assert waiting.pk not in blanked and petition.pk not in blanked


def test_a_blanked_email_is_still_marked_sent_if_retried():
    from groundswell.core.outbox import outbound_email_send

    row = email()
    OutboundEmail.objects.filter(pk=row.pk).update(to="")

    assert outbound_email_send(email_id=row.pk) is True


def test_a_deleted_verification_email_unlinks_its_signatory(letter, sign_letter):
    signatory = sign_letter(letter, verify=False)
    assert signatory.verification_email_id is not None
    OutboundEmail.objects.update(sent_at=timezone.now() - timedelta(days=40))

    outbound_emails_expire()

    signatory.refresh_from_db()
    assert signatory.verification_email_id is None


def test_old_verification_emails_are_named_by_their_signatory(letter, sign_letter):
    import importlib

    from django.apps import apps

    backfill = importlib.import_module("groundswell.core.migrations.0005_outbox_owners_backfill")
    signatory = sign_letter(letter, verify=False)
    OutboundEmail.objects.update(signatory=None)

    backfill.name_owners(apps, None)

    assert OutboundEmail.objects.get(pk=signatory.verification_email_id).signatory == signatory
