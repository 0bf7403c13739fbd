"""Changes to who belongs to an organization, and in which role.

A right over an organization is granted only by someone who already holds it: every change here
names the person making it, and their own membership (owner or admin, ranking at least as high as
the role involved) is checked here, not in the views.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from groundswell.accounts.models import (
    MANAGING_ROLES,
    ROLE_RANK,
    Membership,
    Organization,
    Role,
    User,
)


class MembershipError(Exception):
    """A refused change; the message is safe to show."""


def _manager_role(*, organization_id: int, user: User) -> str:
    """The role of `user` in the organization, if it lets them manage people; else refused."""
    membership = (
        Membership.objects.filter(organization_id=organization_id, user_id=user.pk).first()
        if user.is_authenticated
        else None
    )
    if membership is None or membership.role not in MANAGING_ROLES:
        raise MembershipError(_("Only an owner or admin of the organization can do that."))
    return membership.role


def _ensure_rank(*, acting_role: str, role: str) -> None:
    if ROLE_RANK[role] > ROLE_RANK[acting_role]:
        if role == Role.OWNER:
            raise MembershipError(_("Only an owner can change who is an owner."))
        raise MembershipError(_("Nobody can grant a role higher than their own."))


def membership_grant_check(*, organization: Organization, granted_by: User, role: str) -> None:
    """Refuse unless `granted_by` manages the organization with a role at least as high."""
    if role not in Role.values:
        raise MembershipError(_("Unknown role."))
    _ensure_rank(
        acting_role=_manager_role(organization_id=organization.pk, user=granted_by), role=role
    )


def membership_create(
    *, organization: Organization, user: User, role: str, granted_by: User
) -> Membership:
    """Let `user` join with `role`, granted by a manager (checked now, not when they asked).

    Someone who already belongs keeps the role they have.
    """
    with transaction.atomic():
        membership_grant_check(organization=organization, granted_by=granted_by, role=role)
        membership, _created = Membership.objects.get_or_create(
            user=user, organization=organization, defaults={"role": role}
        )
    return membership


def organization_create(*, name: str, slug: str, owner: User) -> Organization:
    """A new organization, owned by the person creating it (nobody else held any right over it)."""
    organization = Organization(name=name, slug=slug)
    try:
        organization.full_clean()
    except ValidationError as error:
        if "slug" in error.message_dict and Organization.objects.filter(slug=slug).exists():
            raise MembershipError(
                _("The short name “%(slug)s” is taken. Choose another one.") % {"slug": slug}
            ) from None
        raise MembershipError(
            "; ".join(message for messages in error.message_dict.values() for message in messages)
        ) from None
    try:
        with transaction.atomic():
            organization.save()
    except IntegrityError:  # taken between the check and the insert
        raise MembershipError(
            _("The short name “%(slug)s” is taken. Choose another one.") % {"slug": slug}
        ) from None
    Membership.objects.create(user=owner, organization=organization, role=Role.OWNER)
    return organization


def _ensure_an_owner_remains(*, membership: Membership) -> None:
    owners = Membership.objects.select_for_update().filter(
        organization_id=membership.organization_id, role=Role.OWNER
    )
    if membership.role == Role.OWNER and owners.count() == 1:
        raise MembershipError(_("An organization needs at least one owner."))


def membership_role_change(*, membership: Membership, role: str, changed_by: User) -> Membership:
    if role not in Role.values:
        raise MembershipError(_("Unknown role."))
    with transaction.atomic():
        acting_role = _manager_role(organization_id=membership.organization_id, user=changed_by)
        # Both the role taken away and the role given must rank no higher than one's own.
        _ensure_rank(acting_role=acting_role, role=membership.role)
        _ensure_rank(acting_role=acting_role, role=role)
        if role != Role.OWNER:
            _ensure_an_owner_remains(membership=membership)
        Membership.objects.filter(pk=membership.pk).update(role=role)
    membership.refresh_from_db()
    return membership


def membership_remove(*, membership: Membership, removed_by: User) -> None:
    with transaction.atomic():
        acting_role = _manager_role(organization_id=membership.organization_id, user=removed_by)
        if ROLE_RANK[membership.role] > ROLE_RANK[acting_role]:
            raise MembershipError(_("Only an owner can remove an owner."))
        _ensure_an_owner_remains(membership=membership)
        Membership.objects.filter(pk=membership.pk).delete()
