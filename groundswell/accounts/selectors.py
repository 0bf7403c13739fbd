from django.db.models import QuerySet

from groundswell.accounts.models import MANAGING_ROLES, Membership, Organization, User


def membership_get(*, user: User, organization: Organization) -> Membership | None:
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(user=user, organization=organization).first()


def organizations_for_user(*, user: User, roles: frozenset[str]) -> QuerySet[Organization]:
    return Organization.objects.filter(
        memberships__user=user, memberships__role__in=roles
    ).distinct()


def user_manages(*, user: User, organization: Organization) -> bool:
    """Whether `user` is an owner or admin of the organization (and so may act for it)."""
    membership = membership_get(user=user, organization=organization)
    return membership is not None and membership.role in MANAGING_ROLES
