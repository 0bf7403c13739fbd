"""Invitations: one link, used once, before it expires.

A partner invitation brings an organization onto a campaign and makes nobody a member of
anything: one to an existing organization is accepted by one of its own owners or admins; one to
an organization not on Groundswell yet lets the person accepting create it (and own it) or choose
one they already manage. A member invitation is created by a manager, for a role no higher than
their own, and still needs that manager's right when it is accepted.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from groundswell.accounts.models import Membership, Organization, Role, User
from groundswell.coalitions.models import Invitation, Partner
from groundswell.coalitions.services import (
    CoalitionError,
    InvitationRefused,
    member_invitation_accept,
    member_invitation_create,
    partner_invitation_accept,
    partner_invitation_create,
)

pytestmark = pytest.mark.django_db

SIGNUP = {
    "username": "pat",
    "email": "pat@faith.example",
    "password1": "a-Long-pass-1",
    "password2": "a-Long-pass-1",
}


def link(token: str) -> str:
    return reverse("invitation", args=[token])


@pytest.fixture
def new_organization_link(campaign, owner):
    """An invitation to an organization that is not on Groundswell yet."""
    _invitation, token = partner_invitation_create(
        campaign=campaign, name="Faith Communities United", slug="faith-united", created_by=owner
    )
    return link(token)


@pytest.fixture
def faith(make_org):
    return make_org("Faith Communities United", slug="faith-united")


@pytest.fixture
def faith_owner(make_user, faith):
    return make_user(faith, role=Role.OWNER, username="faith-owner")


@pytest.fixture
def existing_organization_link(campaign, owner, faith, faith_owner):
    _invitation, token = partner_invitation_create(
        campaign=campaign, name="ignored", slug="faith-united", created_by=owner
    )
    return link(token)


# Creating partner invitations


def test_the_host_creates_an_invitation_link_from_the_partners_page(client, owner, campaign):
    client.force_login(owner)

    response = client.post(
        reverse("organizer:campaign_partners", args=[campaign.slug]),
        {"name": "Faith Communities United", "slug": "faith-united"},
    )

    body = response.content.decode()
    assert "/invitations/" in body
    invitation = Invitation.objects.get()
    assert (invitation.organization_name, invitation.organization_slug) == (
        "Faith Communities United",
        "faith-united",
    )
    assert invitation.token_hash not in body


def test_inviting_a_new_organization_creates_no_organization(new_organization_link):
    assert not Organization.objects.filter(slug="faith-united").exists()
    assert Invitation.objects.get().organization is None


def test_only_host_editors_create_partner_invitations(campaign, viewer, outsider):
    for person in (viewer, outsider):
        with pytest.raises(InvitationRefused):
            partner_invitation_create(
                campaign=campaign, name="Faith", slug="faith-united", created_by=person
            )
    assert Invitation.objects.count() == 0


def test_an_existing_organization_without_owner_or_admin_cannot_be_invited(
    client, owner, campaign, faith, make_user
):
    make_user(faith, role=Role.ORGANIZER)
    client.force_login(owner)

    response = client.post(
        reverse("organizer:campaign_partners", args=[campaign.slug]),
        {"name": "Faith", "slug": "faith-united"},
    )

    assert "has no owner or admin who could accept" in response.content.decode()
    assert Invitation.objects.count() == 0


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


# Accepting for an existing organization


def test_an_owner_of_the_invited_organization_accepts_and_nobody_joins_anything(
    client, campaign, faith, faith_owner, existing_organization_link
):
    memberships_before = set(Membership.objects.values_list("pk", "user", "organization", "role"))
    client.force_login(faith_owner)

    page = client.get(existing_organization_link)
    response = client.post(existing_organization_link, {})

    assert page.status_code == 200
    assert "Nobody joins Faith Communities United" in page.content.decode()
    assert response["Location"] == reverse("organizer:campaign_contribution", args=[campaign.slug])
    assert Partner.objects.filter(campaign=campaign, organization=faith).exists()
    assert (
        set(Membership.objects.values_list("pk", "user", "organization", "role"))
        == memberships_before
    )
    invitation = Invitation.objects.get()
    assert (invitation.accepted_by, invitation.created_organization) == (faith_owner, False)


def test_an_admin_of_the_invited_organization_may_accept(
    client, campaign, faith, make_user, existing_organization_link
):
    client.force_login(make_user(faith, role=Role.ADMIN))

    client.post(existing_organization_link, {})

    assert Partner.objects.filter(campaign=campaign, organization=faith).exists()


@pytest.mark.parametrize("who", ["faith_organizer", "faith_viewer", "host_owner", "outsider"])
def test_anyone_else_is_refused_and_nothing_changes(
    client, campaign, faith, make_user, owner, outsider, existing_organization_link, who
):
    person = {
        "faith_organizer": lambda: make_user(faith, role=Role.ORGANIZER),
        "faith_viewer": lambda: make_user(faith, role=Role.VIEWER),
        "host_owner": lambda: owner,
        "outsider": lambda: outsider,
    }[who]()
    memberships_before = set(Membership.objects.values_list("pk", "user", "organization", "role"))
    client.force_login(person)

    page = client.get(existing_organization_link)
    refused = client.post(existing_organization_link, {"confirm_other_memberships": "on"})

    for response in (page, refused):
        assert response.status_code == 403
        assert "Only an owner or admin of Faith Communities United" in response.content.decode()
    assert not Partner.objects.exists()
    assert Invitation.objects.get().accepted_at is None
    assert (
        set(Membership.objects.values_list("pk", "user", "organization", "role"))
        == memberships_before
    )


def test_the_service_itself_refuses_a_person_who_does_not_manage_the_organization(
    campaign, owner, existing_organization_link
):
    token = existing_organization_link.rstrip("/").rsplit("/", 1)[1]

    with pytest.raises(InvitationRefused):
        partner_invitation_accept(token=token, user=owner)

    assert not Partner.objects.exists()


@pytest.mark.parametrize("change", ["demoted", "removed"])
@pytest.mark.parametrize("invited", ["existing", "new"])
def test_a_partner_invitation_whose_inviter_lost_the_right_brings_nobody_on(
    client, campaign, host, make_user, faith, faith_owner, change, invited
):
    inviter = make_user(host, role=Role.ORGANIZER)
    _invitation, token = partner_invitation_create(
        campaign=campaign,
        name="Faith Communities United",
        slug="faith-united" if invited == "existing" else "faith-new",
        created_by=inviter,
    )
    if change == "demoted":
        Membership.objects.filter(user=inviter).update(role=Role.VIEWER)
    else:
        Membership.objects.filter(user=inviter).delete()
    client.force_login(faith_owner)

    response = client.post(
        link(token),
        {"organization": faith.pk} if invited == "new" else {},
    )

    assert response.status_code == 403
    assert "can no longer grant this" in response.content.decode()
    assert not Partner.objects.exists()
    assert Invitation.objects.get().accepted_at is None


def test_a_visitor_is_asked_to_log_in_and_offered_no_account(client, existing_organization_link):
    response = client.get(existing_organization_link)
    posted = client.post(existing_organization_link, SIGNUP)

    body = response.content.decode()
    assert "Log in to accept" in body
    assert "Create your account" not in body
    assert posted.status_code == 200
    assert not User.objects.filter(username="pat").exists()
    assert not Partner.objects.exists()


# Accepting for an organization not on Groundswell yet


def test_a_new_person_signs_up_creates_the_organization_and_owns_it(
    client, campaign, new_organization_link
):
    response = client.post(new_organization_link, SIGNUP)
    assert response.status_code == 302
    page = client.get(new_organization_link).content.decode()

    response = client.post(
        new_organization_link, {"organization": "", "name": "Faith United", "slug": "faith-united"}
    )

    assert 'value="Faith Communities United"' in page
    assert response["Location"] == reverse("organizer:campaign_contribution", args=[campaign.slug])
    pat = User.objects.get(username="pat")
    membership = Membership.objects.get(user=pat)
    assert (membership.organization.slug, membership.organization.name) == (
        "faith-united",
        "Faith United",
    )
    assert membership.role == Role.OWNER
    assert Partner.objects.filter(campaign=campaign, organization=membership.organization).exists()
    invitation = Invitation.objects.get()
    assert (invitation.organization, invitation.created_organization) == (
        membership.organization,
        True,
    )


def test_a_manager_may_bring_an_organization_they_already_manage(
    client, campaign, make_org, make_user, new_organization_link
):
    theirs = make_org("Faith Network", slug="faith-network")
    manager = make_user(theirs, role=Role.ADMIN)
    client.force_login(manager)

    page = client.get(new_organization_link).content.decode()
    client.post(new_organization_link, {"organization": theirs.pk, "name": "", "slug": ""})

    assert "Faith Network" in page
    assert Partner.objects.filter(campaign=campaign, organization=theirs).exists()
    assert not Organization.objects.filter(slug="faith-united").exists()
    assert Membership.objects.filter(user=manager).count() == 1


def test_only_organizations_one_manages_can_be_chosen(
    client, campaign, host, make_org, make_user, owner, new_organization_link
):
    theirs = make_org("Faith Network", slug="faith-network")
    person = make_user(theirs, role=Role.ORGANIZER)
    client.force_login(person)

    page = client.get(new_organization_link).content.decode()
    response = client.post(new_organization_link, {"organization": theirs.pk})

    assert "Faith Network" not in page
    assert "Select a valid choice" in response.content.decode()
    assert not Partner.objects.exists()

    client.force_login(owner)  # manages the host, which cannot be its own partner
    assert f'value="{host.pk}"' not in client.get(new_organization_link).content.decode()
    token = new_organization_link.rstrip("/").rsplit("/", 1)[1]
    with pytest.raises(CoalitionError):
        partner_invitation_accept(token=token, user=owner, organization=host)
    with pytest.raises(InvitationRefused):
        partner_invitation_accept(token=token, user=owner, organization=theirs)
    assert not Partner.objects.exists()


def test_a_short_name_taken_meanwhile_asks_for_another(
    client, campaign, make_org, make_user, new_organization_link
):
    make_org("Someone else", slug="faith-united")
    client.force_login(make_user())

    response = client.post(
        new_organization_link, {"organization": "", "name": "Faith", "slug": "faith-united"}
    )

    assert "The short name “faith-united” is taken" in response.content.decode()
    assert not Partner.objects.exists()
    assert Invitation.objects.get().accepted_at is None
    assert Organization.objects.filter(slug="faith-united").count() == 1


def test_a_new_organization_needs_a_name_and_short_name(client, make_user, new_organization_link):
    client.force_login(make_user())

    response = client.post(new_organization_link, {"organization": "", "name": "", "slug": ""})

    assert "Needed to create the new organization" in response.content.decode()
    assert not Partner.objects.exists()


# Once, before expiry


def test_an_invitation_works_only_once(client, make_user, campaign, new_organization_link):
    first, second = make_user(), make_user()
    client.force_login(first)
    client.post(new_organization_link, {"name": "Faith", "slug": "faith-united"})
    client.force_login(second)

    response = client.post(new_organization_link, {"name": "Faith", "slug": "faith-two"})

    assert response.status_code == 400
    assert "already been used" in response.content.decode()
    assert not Membership.objects.filter(user=second).exists()
    assert not Organization.objects.filter(slug="faith-two").exists()


def test_an_expired_invitation_is_refused(client, make_user, new_organization_link):
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    client.force_login(make_user())

    response = client.post(new_organization_link, {"name": "Faith", "slug": "faith-united"})

    assert response.status_code == 400
    assert "expired" in response.content.decode()
    assert Partner.objects.count() == 0


def test_a_forged_invitation_link_is_refused(client):
    response = client.get(reverse("invitation", args=["made-up-token"]))

    assert response.status_code == 400
    assert "not valid" in response.content.decode()


# Member invitations


def test_a_member_of_another_organization_must_confirm_explicitly(client, host, owner, outsider):
    _invitation, token = member_invitation_create(
        organization=host, created_by=owner, role=Role.VIEWER
    )
    client.force_login(outsider)

    page = client.get(link(token)).content.decode()
    refused = client.post(link(token), {})

    assert "You already belong to Other group" in page
    assert "Confirm that you also want to join" in refused.content.decode()
    assert Membership.objects.filter(user=outsider).count() == 1

    client.post(link(token), {"confirm_other_memberships": "on"})

    assert Membership.objects.get(user=outsider, organization=host).role == Role.VIEWER


@pytest.mark.parametrize(
    ("inviter_role", "role", "allowed"),
    [
        (Role.OWNER, Role.OWNER, True),
        (Role.ADMIN, Role.ADMIN, True),
        (Role.ADMIN, Role.OWNER, False),
        (Role.ORGANIZER, Role.VIEWER, False),
        (Role.VIEWER, Role.VIEWER, False),
    ],
)
def test_member_invitations_grant_no_role_above_the_inviters(
    host, make_user, inviter_role, role, allowed
):
    inviter = make_user(host, role=inviter_role)

    if allowed:
        member_invitation_create(organization=host, created_by=inviter, role=role)
    else:
        with pytest.raises(InvitationRefused):
            member_invitation_create(organization=host, created_by=inviter, role=role)

    assert Invitation.objects.count() == (1 if allowed else 0)


def test_an_outsider_cannot_create_a_member_invitation(host, outsider):
    with pytest.raises(InvitationRefused):
        member_invitation_create(organization=host, created_by=outsider, role=Role.VIEWER)


@pytest.mark.parametrize("change", ["demoted", "removed"])
def test_an_invitation_whose_inviter_lost_the_right_grants_nothing(
    client, host, owner, make_user, change
):
    admin = make_user(host, role=Role.ADMIN)
    _invitation, token = member_invitation_create(
        organization=host, created_by=admin, role=Role.ADMIN
    )
    if change == "demoted":
        Membership.objects.filter(user=admin).update(role=Role.ORGANIZER)
    else:
        Membership.objects.filter(user=admin).delete()
    newcomer = make_user()
    client.force_login(newcomer)

    response = client.post(link(token), {})

    assert response.status_code == 403
    assert "can no longer grant this" in response.content.decode()
    assert not Membership.objects.filter(user=newcomer).exists()
    assert Invitation.objects.get().accepted_at is None


def test_a_partner_link_cannot_be_used_as_a_member_invitation(
    campaign, make_user, new_organization_link
):
    token = new_organization_link.rstrip("/").rsplit("/", 1)[1]
    person = make_user()

    with pytest.raises(CoalitionError):
        member_invitation_accept(token=token, user=person, confirmed_other_memberships=True)

    assert not Membership.objects.filter(user=person).exists()
