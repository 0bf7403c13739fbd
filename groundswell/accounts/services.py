"""Changes to who belongs to an organization, and in which role."""

from django.db import transaction
from django.utils.translation import gettext as _

from groundswell.accounts.models import Membership, Role


class MembershipError(Exception):
    """A refused change; the message is safe to show."""


def _ensure_an_owner_remains(*, membership: Membership) -> None:
    owners = Membership.objects.select_for_update().filter(
        organization_id=membership.organization_id, role=Role.OWNER
    )
    if membership.role == Role.OWNER and owners.count() == 1:
        raise MembershipError(_("An organization needs at least one owner."))


def membership_role_change(
    *, membership: Membership, role: str, changed_by_role: str
) -> Membership:
    if role not in Role.values:
        raise MembershipError(_("Unknown role."))
    # Only owners make or unmake owners; admins manage everyone else.
    if Role.OWNER in (role, membership.role) and changed_by_role != Role.OWNER:
        raise MembershipError(_("Only an owner can change who is an owner."))
    with transaction.atomic():
        if role != Role.OWNER:
            _ensure_an_owner_remains(membership=membership)
        Membership.objects.filter(pk=membership.pk).update(role=role)
    membership.refresh_from_db()
    return membership


def membership_remove(*, membership: Membership, removed_by_role: str) -> None:
    if membership.role == Role.OWNER and removed_by_role != Role.OWNER:
        raise MembershipError(_("Only an owner can remove an owner."))
    with transaction.atomic():
        _ensure_an_owner_remains(membership=membership)
        Membership.objects.filter(pk=membership.pk).delete()
