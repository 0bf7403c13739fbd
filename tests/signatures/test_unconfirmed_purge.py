"""A signature never confirmed is erased once its last confirmation link has expired, with its
consents and e-mails, and the counts go down as for the withdrawal of a pending signature."""

from datetime import timedelta

import pytest
from django.db.models import F
from django.utils import timezone

from groundswell.coalitions.models import Partner
from groundswell.core.models import OutboundEmail
from groundswell.signatures.consent import ConsentGiven
from groundswell.signatures.models import Consent, PartnerReferral, Signature
from groundswell.signatures.services import signatures_unconfirmed_purge
from groundswell.signatures.tallies import tally_by_partner, tally_totals
from groundswell.signatures.tasks import signatures_unconfirmed_purge_task

pytestmark = pytest.mark.django_db


def age(signature, **delta) -> None:
    Signature.objects.filter(pk=signature.pk).update(
        created_at=F("created_at") - timedelta(**delta),
        notified_at=F("notified_at") - timedelta(**delta),
    )


def test_an_expired_pending_signature_goes_with_its_consents_and_emails(
    settings, campaign, signed, make_org
):
    partner = Partner.objects.create(
        campaign=campaign, organization=make_org("Partner"), slug="partner"
    )
    consent = ConsentGiven(organization_id=campaign.organization_id, wording="W", language="en")
    stale = signed(confirm=False, email="stale@example.org", partner=partner, consents=[consent])
    fresh = signed(confirm=False, email="fresh@example.org")
    confirmed = signed(email="confirmed@example.org")
    window = settings.SIGNATURE_CONFIRMATION_MAX_AGE
    for signature in (stale, confirmed):
        age(signature, seconds=window, hours=2)
    assert OutboundEmail.objects.filter(signature=stale).exists()
    before = tally_totals(campaign=campaign)

    assert signatures_unconfirmed_purge() == 1

    assert set(Signature.objects.values_list("pk", flat=True)) == {fresh.pk, confirmed.pk}
    assert not Consent.objects.filter(signature_id=stale.pk).exists()
    assert not PartnerReferral.objects.filter(signature_id=stale.pk).exists()
    assert not OutboundEmail.objects.filter(to="stale@example.org").exists()
    after = tally_totals(campaign=campaign)
    assert (after.signed, after.confirmed) == (before.signed - 1, before.confirmed)
    assert tally_by_partner(campaign=campaign)[partner.pk].signed == 0
    assert signatures_unconfirmed_purge() == 0  # idempotent


def test_a_repeat_email_gives_a_pending_signature_a_new_window(settings, campaign, signed):
    signature = signed(confirm=False)
    Signature.objects.filter(pk=signature.pk).update(
        created_at=timezone.now() - timedelta(days=60)
    )  # notified_at: a new confirmation link went out just now

    assert signatures_unconfirmed_purge() == 0
    assert Signature.objects.filter(pk=signature.pk).exists()


def test_the_link_must_have_expired_first(settings, campaign, signed):
    signature = signed(confirm=False)
    age(signature, seconds=settings.SIGNATURE_CONFIRMATION_MAX_AGE - 60)

    assert signatures_unconfirmed_purge() == 0


def test_the_purge_works_in_batches_and_is_scheduled(settings, campaign, signed):
    signatures = [signed(confirm=False, email=f"s{n}@example.org") for n in range(5)]
    for signature in signatures:
        age(signature, days=30)

    assert signatures_unconfirmed_purge(batch_size=2) == 5
    assert not Signature.objects.exists()
    assert tally_totals(campaign=campaign).signed == 0
    assert signatures_unconfirmed_purge_task() == 0
    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "groundswell.signatures.tasks.signatures_unconfirmed_purge_task" in schedule


def test_a_signature_erased_while_its_address_signs_again_is_taken_anew(
    campaign, signed, monkeypatch
):
    """The insert found her old signature, the purge erased it before the repeat path locked
    it: she is signed anew rather than shown an error."""
    from django.db import connection

    from groundswell.signatures import signing_statements
    from groundswell.signatures.services import signing
    from tests.conftest import signer_values

    old = signed(confirm=False)
    module, name = (
        (signing_statements, "insert_signature")
        if connection.vendor == "postgresql"
        else (signing, "_insert_signature_in_steps")
    )
    insert = getattr(module, name)
    calls = []

    def insert_then_purge(**kwargs):
        inserted = insert(**kwargs)
        if not calls:
            Signature.objects.filter(pk=old.pk).delete()
        calls.append(inserted)
        return inserted

    monkeypatch.setattr(module, name, insert_then_purge)

    outcome = signing.signature_create(campaign=campaign, **signer_values())

    assert outcome.created
    assert calls[0] is None
    assert Signature.objects.get().pk == outcome.signature_id != old.pk
