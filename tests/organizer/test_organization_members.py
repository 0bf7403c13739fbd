"""Owners and admins manage who belongs to their organization; nobody else can."""

import pytest
from django.urls import reverse

from groundswell.accounts.models import Membership, Role
from groundswell.coalitions.models import Invitation

pytestmark = pytest.mark.django_db


def members_url(organization):
    return reverse("organizer:organization_members", args=[organization.slug])


def change_url(membership):
    return reverse(
        "organizer:organization_member_change",
        args=[membership.organization.slug, membership.pk],
    )


def test_members_see_the_list_outsiders_do_not(client, host, owner, viewer, outsider):
    client.force_login(viewer)
    body = client.get(members_url(host)).content.decode()
    assert "owner" in body and "Invite someone" not in body

    client.force_login(outsider)
    assert client.get(members_url(host)).status_code == 404


def test_an_owner_invites_a_viewer(client, host, owner):
    client.force_login(owner)

    response = client.post(members_url(host), {"role": Role.VIEWER})

    assert "/invitations/" in response.content.decode()
    invitation = Invitation.objects.get()
    assert (invitation.organization, invitation.role, invitation.campaign) == (host, "viewer", None)


def test_an_owner_changes_a_role(client, host, owner, viewer):
    client.force_login(owner)
    membership = Membership.objects.get(user=viewer)

    client.post(change_url(membership), {"role": Role.ORGANIZER})

    membership.refresh_from_db()
    assert membership.role == Role.ORGANIZER


def test_the_last_owner_cannot_be_demoted_or_removed(client, host, owner):
    client.force_login(owner)
    membership = Membership.objects.get(user=owner)

    demote = client.post(change_url(membership), {"role": Role.VIEWER}, follow=True)
    remove = client.post(change_url(membership), {"action": "remove"}, follow=True)

    assert "at least one owner" in demote.content.decode()
    assert "at least one owner" in remove.content.decode()
    membership.refresh_from_db()
    assert membership.role == Role.OWNER


def test_admins_cannot_make_or_unmake_owners(client, host, owner, make_user):
    admin = make_user(host, role=Role.ADMIN)
    client.force_login(admin)
    own = Membership.objects.get(user=admin)

    client.post(change_url(own), {"role": Role.OWNER})
    client.post(change_url(Membership.objects.get(user=owner)), {"action": "remove"})

    own.refresh_from_db()
    assert own.role == Role.ADMIN
    assert Membership.objects.filter(user=owner).exists()


def test_viewers_and_organizers_cannot_change_anything(client, host, owner, viewer, make_user):
    organizer = make_user(host, role=Role.ORGANIZER)
    target = Membership.objects.get(user=viewer)
    for user in (viewer, organizer):
        client.force_login(user)
        assert client.post(change_url(target), {"role": Role.ADMIN}).status_code == 403
        assert client.post(members_url(host), {"role": Role.VIEWER}).status_code == 403
    target.refresh_from_db()
    assert target.role == Role.VIEWER


def test_an_unknown_role_is_refused(client, host, owner, viewer):
    client.force_login(owner)
    membership = Membership.objects.get(user=viewer)

    response = client.post(change_url(membership), {"role": "emperor"}, follow=True)

    assert "Unknown role" in response.content.decode()


def test_an_admin_cannot_invite_an_owner(client, host, owner, make_user):
    client.force_login(make_user(host, role=Role.ADMIN))

    response = client.post(members_url(host), {"role": Role.OWNER})

    assert "Only an owner can change who is an owner" in response.content.decode()
    assert Invitation.objects.count() == 0


def test_an_admin_cannot_promote_to_owner_nor_demote_an_owner(client, host, owner, make_user):
    client.force_login(make_user(host, role=Role.ADMIN))
    organizer = Membership.objects.get(user=make_user(host, role=Role.ORGANIZER))
    owners = Membership.objects.get(user=owner)

    promote = client.post(change_url(organizer), {"role": Role.OWNER}, follow=True)
    demote = client.post(change_url(owners), {"role": Role.VIEWER}, follow=True)

    assert "Only an owner can change who is an owner" in promote.content.decode()
    assert "Only an owner can change who is an owner" in demote.content.decode()
    organizer.refresh_from_db()
    owners.refresh_from_db()
    assert (organizer.role, owners.role) == (Role.ORGANIZER, Role.OWNER)


def test_the_role_services_check_the_person_acting_not_a_role_they_are_told(host, owner, viewer):
    from groundswell.accounts.services import (
        MembershipError,
        membership_remove,
        membership_role_change,
    )

    target = Membership.objects.get(user=owner)
    with pytest.raises(MembershipError):
        membership_role_change(membership=target, role=Role.VIEWER, changed_by=viewer)
    with pytest.raises(MembershipError):
        membership_remove(membership=target, removed_by=viewer)
    target.refresh_from_db()
    assert target.role == Role.OWNER


def test_only_superusers_edit_memberships_and_privileges_in_the_django_admin(
    client, host, owner, make_user
):
    from django.contrib.auth.models import Permission

    staff = make_user(username="staffer", is_staff=True)
    staff.user_permissions.set(
        Permission.objects.filter(
            codename__in=[
                "view_organization", "change_organization", "view_membership",
                "add_membership", "change_membership", "delete_membership",
                "view_user", "change_user",
            ]
        )
    )  # fmt: skip
    client.force_login(staff)
    organization_page = reverse("admin:accounts_organization_change", args=[host.pk])
    user_page = reverse("admin:accounts_user_change", args=[staff.pk])

    client.post(
        organization_page,
        {
            "name": host.name, "slug": host.slug, "website": "",
            "memberships-TOTAL_FORMS": "1", "memberships-INITIAL_FORMS": "0",
            "memberships-MIN_NUM_FORMS": "0", "memberships-MAX_NUM_FORMS": "1000",
            "memberships-0-user": staff.pk, "memberships-0-role": Role.OWNER,
        },
    )  # fmt: skip
    user_form = client.get(user_page).content.decode()
    client.post(
        user_page,
        {
            "username": "staffer", "is_active": "on", "is_staff": "on", "is_superuser": "on",
            "date_joined_0": "2026-01-01", "date_joined_1": "00:00:00",
        },
    )  # fmt: skip

    assert not Membership.objects.filter(user=staff).exists()
    assert 'name="is_superuser"' not in user_form
    staff.refresh_from_db()
    assert not staff.is_superuser


def test_a_staff_account_cannot_take_over_a_superusers_account(client, make_user):
    from django.contrib.auth.models import Permission

    from groundswell.accounts.models import User

    root = User.objects.create_superuser("root", "root@example.org", "pw")
    staff = make_user(username="staffer", is_staff=True)
    staff.user_permissions.set(Permission.objects.filter(codename__in=["view_user", "change_user"]))
    client.force_login(staff)

    response = client.post(
        reverse("admin:auth_user_password_change", args=[root.pk]),
        {"password1": "taken-Over-42", "password2": "taken-Over-42"},
    )

    assert response.status_code == 403
    root.refresh_from_db()
    assert root.check_password("pw")
