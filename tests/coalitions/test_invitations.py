"""A host invites a partner: one link, for one person, once, before it expires."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from groundswell.accounts.models import Membership, Role, User
from groundswell.coalitions.models import Invitation, Partner
from groundswell.coalitions.services import partner_invitation_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def invitation_link(campaign, owner):
    _invitation, token = partner_invitation_create(
        campaign=campaign, name="Faith Communities United", slug="faith-united", created_by=owner
    )
    return reverse("invitation", args=[token])


def test_the_host_creates_an_invitation_link_from_the_partners_page(client, owner, campaign):
    client.force_login(owner)

    response = client.post(
        reverse("organizer:campaign_partners", args=[campaign.slug]),
        {"name": "Faith Communities United", "slug": "faith-united"},
    )

    body = response.content.decode()
    assert "/invitations/" in body
    invitation = Invitation.objects.get()
    assert invitation.organization.slug == "faith-united"
    assert invitation.token_hash not in body


def test_a_new_person_signs_up_accepts_and_lands_on_the_partner_dashboard(
    client, campaign, invitation_link
):
    response = client.post(
        invitation_link,
        {
            "username": "pat",
            "email": "pat@faith.example",
            "password1": "a-Long-pass-1",
            "password2": "a-Long-pass-1",
        },
    )
    assert response.status_code == 302

    response = client.post(invitation_link, {})

    assert response["Location"] == reverse("organizer:campaign_contribution", args=[campaign.slug])
    pat = User.objects.get(username="pat")
    membership = Membership.objects.get(user=pat)
    assert membership.organization.slug == "faith-united"
    assert membership.role == Role.OWNER
    assert Partner.objects.filter(campaign=campaign, organization__slug="faith-united").exists()


def test_an_invitation_works_only_once(client, make_user, campaign, invitation_link):
    first, second = make_user(), make_user()
    client.force_login(first)
    client.post(invitation_link, {})
    client.force_login(second)

    response = client.post(invitation_link, {})

    assert response.status_code == 400
    assert "already been used" in response.content.decode()
    assert not Membership.objects.filter(user=second).exists()


def test_an_expired_invitation_is_refused(client, make_user, invitation_link):
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    client.force_login(make_user())

    response = client.post(invitation_link, {})

    assert response.status_code == 400
    assert "expired" in response.content.decode()
    assert Partner.objects.count() == 0


def test_a_forged_invitation_link_is_refused(client):
    response = client.get(reverse("invitation", args=["made-up-token"]))

    assert response.status_code == 400
    assert "not valid" in response.content.decode()


def test_a_member_of_another_organization_must_confirm_explicitly(
    client, outsider, campaign, invitation_link
):
    client.force_login(outsider)

    page = client.get(invitation_link).content.decode()
    refused = client.post(invitation_link, {})

    assert "You already belong to Other group" in page
    assert "Confirm that you also want to join" in refused.content.decode()
    assert Membership.objects.filter(user=outsider).count() == 1

    client.post(invitation_link, {"confirm_other_memberships": "on"})

    assert Membership.objects.filter(user=outsider).count() == 2


def test_the_host_cannot_invite_itself_or_an_existing_partner(client, owner, campaign, partner_a):
    client.force_login(owner)
    url = reverse("organizer:campaign_partners", args=[campaign.slug])

    own = client.post(url, {"name": "Us", "slug": "just-tech"}).content.decode()
    again = client.post(url, {"name": "Them", "slug": "migrant-justice"}).content.decode()

    assert "cannot be its own partner" in own
    assert "already a partner" in again
    assert Invitation.objects.count() == 0


def test_invitation_input_is_validated(client, owner, campaign):
    client.force_login(owner)

    response = client.post(
        reverse("organizer:campaign_partners", args=[campaign.slug]),
        {"name": "<b>Evil</b>", "slug": "not a slug"},
    )

    body = response.content.decode()
    assert "Please remove HTML tags" in body
    assert "Enter a valid “slug”" in body
    assert Invitation.objects.count() == 0
