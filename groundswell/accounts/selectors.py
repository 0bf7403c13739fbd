from django.db.models import QuerySet

from groundswell.accounts.models import Membership, Organization, User


def membership_get(*, user: User, organization: Organization) -> Membership | None:
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(user=user, organization=organization).first()


def organizations_for_user(*, user: User, roles: frozenset[str]) -> QuerySet[Organization]:
    return Organization.objects.filter(
        memberships__user=user, memberships__role__in=roles
    ).distinct()
