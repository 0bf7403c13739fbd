"""A supporters export lists only confirmed signers who confirmed, from their own inbox, that this
organization may contact them."""

import csv
import io

import pytest
from django.urls import reverse

from groundswell.accounts.models import Role
from groundswell.signatures.consent import ConsentGiven
from groundswell.signatures.services import signature_create
from tests.conftest import signer_values

pytestmark = pytest.mark.django_db


def consent_to(organization) -> ConsentGiven:
    return ConsentGiven(organization_id=organization.pk, wording="May contact me", language="en")


def exported_emails(client, campaign, user) -> set[str]:
    client.force_login(user)
    response = client.get(reverse("organizer:campaign_supporters_export", args=[campaign.slug]))
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    return {row["email"] for row in csv.DictReader(io.StringIO(text))}


def test_only_confirmed_signers_with_confirmed_consent_are_exported(
    client, campaign, partner_a, staff_of, signed, age_last_notice
):
    organization = partner_a.organization
    signed(email="fan@example.org", partner=partner_a, consents=[consent_to(organization)])
    signed(
        confirm=False, email="unconfirmed@example.org", partner=partner_a,
        consents=[consent_to(organization)],
    )  # fmt: skip
    signed(email="host-only@example.org", consents=[consent_to(campaign.organization)])
    signed(email="no-consent@example.org", partner=partner_a)
    # Ticked on a later visit and not yet confirmed from the inbox.
    signed(email="later@example.org")
    age_last_notice(11)
    signature_create(
        campaign=campaign, **signer_values(email="later@example.org"), partner=partner_a,
        consents=[consent_to(organization)],
    )  # fmt: skip

    assert exported_emails(client, campaign, staff_of(organization)) == {"fan@example.org"}


def test_the_host_export_of_supporters_follows_the_same_rule(client, campaign, signed, make_user):
    host = campaign.organization
    signed(email="fan@example.org", consents=[consent_to(host)])
    signed(confirm=False, email="unconfirmed@example.org", consents=[consent_to(host)])
    signed(email="no-consent@example.org")

    organizer = make_user(host, role=Role.ORGANIZER)

    assert exported_emails(client, campaign, organizer) == {"fan@example.org"}
