"""The attack of issue 12 (1): a host editor invites an existing organization by its short name,
opens the link themself, and must gain nothing: no membership, no partner, no supporters."""

import re

import pytest
from django.urls import reverse

from groundswell.accounts.models import Membership, Role
from groundswell.coalitions.models import Invitation, Partner
from tests.coalitions.conftest import sign_through
from tests.conftest import confirmation_link_from_outbox

pytestmark = pytest.mark.django_db


@pytest.fixture
def victim(make_org):
    return make_org("Faith Communities United", slug="faith-united")


@pytest.fixture
def victims_campaign(client, make_campaign, victim):
    """The victim's own petition, with one confirmed signer who agreed to hear from it."""
    campaign = make_campaign(organization=victim, slug="faith-petition")
    sign_through(client, campaign, email="believer@example.org", contact_host="on")
    client.post(confirmation_link_from_outbox())
    return campaign


@pytest.fixture
def host_editor(make_user, host):
    return make_user(host, role=Role.ORGANIZER, username="mallory")


def invite_by_short_name(client, campaign, slug: str) -> str:
    response = client.post(
        reverse("organizer:campaign_partners", args=[campaign.slug]),
        {"name": "Anything", "slug": slug},
    )
    found = re.search(
        r"https://sign\.example\.org(/invitations/[^/<\s]+/)", response.content.decode()
    )
    return found.group(1) if found else ""


@pytest.mark.parametrize("victim_has_members", [True, False])
def test_a_host_editor_cannot_join_an_existing_organization_through_a_partner_invitation(
    client, campaign, host_editor, victim, victims_campaign, make_user, victim_has_members
):
    if victim_has_members:
        make_user(victim, role=Role.OWNER, username="victim-owner")
    members_before = set(Membership.objects.filter(organization=victim).values_list("pk", "role"))
    client.force_login(host_editor)

    link = invite_by_short_name(client, campaign, "faith-united")
    if link:
        client.get(link)
        client.post(link, {})
        client.post(link, {"confirm_other_memberships": "on"})

    assert not Membership.objects.filter(user=host_editor, organization=victim).exists()
    assert (
        set(Membership.objects.filter(organization=victim).values_list("pk", "role"))
        == members_before
    )
    assert not Partner.objects.filter(organization=victim).exists()
    assert not Invitation.objects.filter(accepted_at__isnull=False).exists()
    for name in ("organizer:campaign_export", "organizer:campaign_supporters_export"):
        response = client.get(reverse(name, args=[victims_campaign.slug]))
        assert response.status_code == 404, name
        assert b"believer@example.org" not in b"".join(getattr(response, "streaming_content", []))
