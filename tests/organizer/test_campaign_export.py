"""The host's export holds confirmed signers only, and a signer's contact details only if they
confirmed that the host may contact them."""

import csv
import io

import pytest
from django.urls import reverse

from groundswell.coalitions.models import Partner
from groundswell.signatures.consent import ConsentGiven

pytestmark = pytest.mark.django_db

# What lets the host reach a person (the name is not: the host runs the petition and delivers it).
CONTACT_COLUMNS = ("email", "postal_code")


def consent_to(organization) -> ConsentGiven:
    return ConsentGiven(organization_id=organization.pk, wording="May contact me", language="en")


def export(client, campaign) -> dict[str, dict[str, str]]:
    response = client.get(reverse("organizer:campaign_export", args=[campaign.slug]))
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    # A public id may begin with "-", which the export quotes against spreadsheet formulas.
    return {row["public_id"].removeprefix("'"): row for row in csv.DictReader(io.StringIO(text))}


def test_unconfirmed_signatures_are_not_exported(client, owner, campaign, signed):
    confirmed = signed(confirm=True, email="yes@example.org")
    pending = signed(confirm=False, email="typed-by-anyone@example.org", consents=[
        consent_to(campaign.organization)
    ])  # fmt: skip
    client.force_login(owner)

    rows = export(client, campaign)

    assert set(rows) == {confirmed.public_id}
    assert pending.public_id not in rows


def test_contact_columns_only_for_signers_who_confirmed_consent_to_the_host(
    client, owner, campaign, signed, make_org
):
    partner_org = make_org("Partner org", slug="partner-org")
    Partner.objects.create(campaign=campaign, organization=partner_org, slug="partner-org")
    host_fan = signed(
        email="host-fan@example.org", postal_code="N1 9GU", consents=[
            consent_to(campaign.organization)
        ],
    )  # fmt: skip
    nobody = signed(email="nobody@example.org", postal_code="75011")
    partner_fan = signed(
        email="partner-fan@example.org", postal_code="94110", consents=[consent_to(partner_org)]
    )
    client.force_login(owner)

    rows = export(client, campaign)

    assert rows[host_fan.public_id]["email"] == "host-fan@example.org"
    assert rows[host_fan.public_id]["postal_code"] == "N1 9GU"
    assert rows[host_fan.public_id]["contact_consent"] == "True"
    for signature in (nobody, partner_fan):
        row = rows[signature.public_id]
        assert all(row[column] == "" for column in CONTACT_COLUMNS)
        assert row["contact_consent"] == "False"
        assert row["name"] == "Ada Lovelace"
        assert row["country"] == "GB"
    text = str(rows)
    assert "nobody@example.org" not in text and "partner-fan@example.org" not in text


def test_a_consent_not_yet_confirmed_from_the_inbox_gives_no_contact(
    client, owner, campaign, signed, age_last_notice
):
    """A repeat visit ticked the host's box; until the signer confirms it, it is not consent."""
    from groundswell.signatures.services import signature_create
    from tests.conftest import signer_values

    signature = signed(email="later@example.org")
    age_last_notice(11)
    signature_create(
        campaign=campaign,
        **signer_values(email="later@example.org"),
        consents=[consent_to(campaign.organization)],
    )
    client.force_login(owner)

    rows = export(client, campaign)

    assert rows[signature.public_id]["email"] == ""
