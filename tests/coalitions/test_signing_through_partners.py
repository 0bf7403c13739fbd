"""A coalition's one count: attribution to the first partner, no double counting, consent."""

import pytest
from django.core import mail
from django.urls import reverse

from groundswell.campaigns.models import Campaign
from groundswell.coalitions.models import Partner
from groundswell.coalitions.services import partner_remove
from groundswell.signatures.models import CoalitionTally, Consent, PartnerReferral, Signature
from groundswell.signatures.tallies import coalition_tally_recount
from tests.coalitions.conftest import sign_through
from tests.conftest import confirmation_link_from_outbox

pytestmark = pytest.mark.django_db


def confirm_last(client):
    client.post(confirmation_link_from_outbox())


def change_link_from_outbox() -> str:
    """The path of the link, in the last e-mail, to agree to what a repeat submission asked."""
    body = mail.outbox[-1].body
    url = next(line for line in body.splitlines() if "/change/" in line).strip()
    return url.removeprefix("https://sign.example.org")


def public_json(client, campaign):
    return client.get(reverse("campaigns:petition_json", args=[campaign.slug])).json()


def test_the_partner_link_shows_both_consent_questions_unticked(client, campaign, partner_a):
    body = client.get(f"{campaign.get_absolute_url()}?partner=migrant-justice").content.decode()

    assert "Just Tech Coalition may contact me" in body
    assert "Migrant Justice Network may contact me" in body
    assert 'name="partner" value="migrant-justice"' in body
    assert "checked" not in body


def test_without_a_partner_only_the_host_is_asked(client, campaign, partner_a):
    body = client.get(campaign.get_absolute_url()).content.decode()

    assert "Just Tech Coalition may contact me" in body
    assert "Migrant Justice Network may contact me" not in body


def test_a_signature_is_attributed_to_the_partner_that_brought_it(client, campaign, partner_a):
    sign_through(client, campaign, partner="migrant-justice", source="newsletter")
    confirm_last(client)

    signature = Signature.objects.get()
    assert signature.partner == partner_a
    assert signature.source == "newsletter"
    partner_a.refresh_from_db()
    assert partner_a.signature_count == 1


def test_an_unknown_partner_code_is_ignored(client, campaign, partner_a):
    response = sign_through(client, campaign, partner="nobody-we-know")

    assert response.status_code == 302
    assert Signature.objects.get().partner is None


def test_a_removed_partners_link_no_longer_attributes(client, campaign, partner_a):
    partner_remove(partner=partner_a)

    sign_through(client, campaign, partner="migrant-justice")

    assert Signature.objects.get().partner is None


def test_each_consent_is_stored_per_organization_with_its_exact_words(client, campaign, partner_a):
    sign_through(
        client, campaign, partner="migrant-justice", contact_host="on", contact_partner="on"
    )

    consents = {c.organization.slug: c for c in Consent.objects.select_related("organization")}
    assert set(consents) == {"just-tech", "migrant-justice"}
    assert consents["migrant-justice"].wording == (
        "Migrant Justice Network may contact me by e-mail about this campaign and related work."
    )
    assert consents["migrant-justice"].language == "en"
    assert consents["migrant-justice"].given_at is not None
    assert consents["migrant-justice"].confirmed_at is None

    confirm_last(client)

    assert Consent.objects.filter(confirmed_at__isnull=True).count() == 0


def test_unticked_boxes_give_no_consent(client, campaign, partner_a):
    sign_through(client, campaign, partner="migrant-justice")

    assert Consent.objects.count() == 0


def test_signing_again_through_a_second_partner_adds_its_consent_once_the_owner_agrees(
    client, campaign, partner_a, partner_b, age_last_notice
):
    sign_through(client, campaign, partner="migrant-justice", contact_partner="on")
    confirm_last(client)
    mail.outbox.clear()
    age_last_notice(11)

    sign_through(client, campaign, partner="digital-rights", contact_partner="on")

    assert Signature.objects.count() == 1
    assert Signature.objects.get().partner == partner_a
    # Nothing is added until the owner of the address agrees from their inbox.
    assert set(Consent.objects.values_list("organization__slug", flat=True)) == {"migrant-justice"}
    assert "Digital Rights Collective may contact me" in mail.outbox[0].body
    client.post(change_link_from_outbox())
    assert Consent.objects.get(organization__slug="digital-rights").confirmed_at is not None
    assert Signature.objects.get().partner == partner_a
    campaign.refresh_from_db()
    assert campaign.signature_count == 1


def test_signers_through_two_partners_count_once_and_show_as_overlap(
    client, campaign, partner_a, partner_b, age_last_notice
):
    for number in range(3):
        sign_through(client, campaign, partner="migrant-justice", email=f"p{number}@example.org")
        confirm_last(client)
    age_last_notice(11)
    sign_through(client, campaign, partner="digital-rights", email="p0@example.org")
    client.post(change_link_from_outbox())
    sign_through(client, campaign, partner="digital-rights", email="p9@example.org")
    confirm_last(client)
    sign_through(client, campaign, email="alone@example.org")
    confirm_last(client)

    data = public_json(client, campaign)

    assert data["signature_count"] == 5
    counts = {partner["slug"]: partner["signature_count"] for partner in data["partners"]}
    assert counts == {"migrant-justice": 3, "digital-rights": 1}
    assert sum(counts.values()) + data["unattributed_count"] == data["signature_count"]
    tally = CoalitionTally.objects.get(campaign=campaign)
    assert tally.multi_partner_count == 1
    assert tally.referral_count == 5
    assert coalition_tally_recount(campaign=campaign) == {}


def test_a_signer_who_came_first_without_a_partner_stays_unattributed(
    client, campaign, partner_a, age_last_notice
):
    """Attribution never moves: a later visit through a partner's link, once its owner agrees,
    is an overlap figure, not a signature for that partner."""
    sign_through(client, campaign)
    confirm_last(client)
    age_last_notice(11)

    sign_through(client, campaign, partner="migrant-justice")
    client.post(change_link_from_outbox())

    partner_a.refresh_from_db()
    assert Signature.objects.get().partner is None
    assert partner_a.signature_count == 0
    data = public_json(client, campaign)
    assert data["unattributed_count"] == 1
    assert CoalitionTally.objects.get(campaign=campaign).referral_count == 1
    assert coalition_tally_recount(campaign=campaign) == {}


def test_removing_a_partner_keeps_its_signatures_counted(client, campaign, partner_a):
    sign_through(client, campaign, partner="migrant-justice")
    confirm_last(client)

    partner_remove(partner=partner_a)

    data = public_json(client, campaign)
    assert data["signature_count"] == 1
    assert data["partners"] == [
        {"slug": "migrant-justice", "name": "Migrant Justice Network", "signature_count": 1}
    ]
    body = client.get(campaign.get_absolute_url()).content.decode()
    assert "Migrant Justice Network" not in body


def test_active_partners_are_listed_as_cosponsors(client, campaign, partner_a, partner_b):
    body = client.get(campaign.get_absolute_url()).content.decode()

    assert "Co-sponsored by" in body
    assert "Migrant Justice Network" in body and "Digital Rights Collective" in body


def test_the_recount_finds_and_repairs_drift(client, campaign, partner_a):
    sign_through(client, campaign, partner="migrant-justice")
    confirm_last(client)
    Partner.objects.filter(pk=partner_a.pk).update(signature_count=40)
    CoalitionTally.objects.filter(pk=campaign.pk).update(unattributed_count=3)

    changes = coalition_tally_recount(campaign=campaign)

    assert changes == {"partner:migrant-justice": (40, 1), "unattributed_count": (3, 0)}
    partner_a.refresh_from_db()
    assert partner_a.signature_count == 1


def test_the_json_reads_counters_not_rows(
    client, campaign, partner_a, partner_b, django_assert_max_num_queries
):
    for number in range(10):
        sign_through(client, campaign, partner="migrant-justice", email=f"p{number}@example.org")
        confirm_last(client)

    # The fourth: the channels breakdown, one query over the signatures not taken online only
    # (a partial index holds them: none here).
    with django_assert_max_num_queries(4):
        client.get(reverse("campaigns:petition_json", args=[campaign.slug]))
    assert PartnerReferral.objects.count() == 10
    assert Campaign.objects.get(pk=campaign.pk).signature_count == 10
