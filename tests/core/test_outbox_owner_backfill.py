"""E-mails stored before e-mails named their owner are given one by a data migration, so that
erasing the signer erases them too."""

import importlib

import pytest
from django.apps import apps

from groundswell.core.models import OutboundEmail
from groundswell.signatures.services import withdrawal_url

pytestmark = pytest.mark.django_db

backfill = importlib.import_module("groundswell.core.migrations.0005_outbox_owners_backfill")


def test_old_emails_are_named_from_the_links_they_carry(campaign, signed):
    signature = signed()
    other = signed(email="other@example.org")
    OutboundEmail.objects.update(signature=None)
    url = withdrawal_url(campaign_slug=campaign.slug, public_id=signature.public_id)
    receipt = OutboundEmail.objects.create(
        to="ada@example.org", subject="Your receipt", body=f"...\n{url}\n", kind="signature-receipt"
    )
    notice = OutboundEmail.objects.create(
        to="ada@example.org", subject="Changed", body="no link", kind="signature-text-changed"
    )

    backfill.name_owners(apps, None)

    confirmations = OutboundEmail.objects.filter(kind="signature-confirm")
    assert {email.to: email.signature_id for email in confirmations} == {
        "ada@example.org": signature.pk,
        "other@example.org": other.pk,
    }
    receipt.refresh_from_db()
    notice.refresh_from_db()
    assert receipt.signature_id == signature.pk
    assert notice.signature_id is None
