from dataclasses import dataclass
from datetime import datetime
from typing import cast

from django.conf import settings
from django.db.models import QuerySet

from groundswell.accounts.models import MANAGING_ROLES, Membership, Organization, User
from groundswell.accounts.selectors import organizations_for_user
from groundswell.campaigns.models import Campaign
from groundswell.coalitions.models import Invitation, Partner
from groundswell.core.process_cache import process_cached


def partner_for_link(*, campaign: Campaign, slug: str | None) -> Partner | None:
    """The active partner a `?partner=` code names; unknown codes are simply no partner."""
    if not slug:
        return None
    # Every signature brought by a partner's embed asks this: keep it as the campaign is kept.
    return process_cached(
        ("partner", campaign.pk, slug),
        settings.SIGNING_CAMPAIGN_CACHE_SECONDS,
        lambda: (
            Partner.objects.select_related("organization")
            .filter(campaign=campaign, slug=slug, removed_at__isnull=True)
            .first()
        ),
    )


def partner_organization_choices(*, campaign: Campaign, user: User) -> QuerySet[Organization]:
    """Organizations `user` manages that could still become partners of `campaign`."""
    return (
        organizations_for_user(user=user, roles=MANAGING_ROLES)
        .exclude(pk=campaign.organization_id)
        .exclude(partnerships__campaign=campaign)
        .order_by("name")
    )


def campaign_partners_active(*, campaign: Campaign) -> QuerySet[Partner]:
    return Partner.objects.filter(campaign=campaign, removed_at__isnull=True).select_related(
        "organization"
    )


def campaign_partners_ended(*, campaign: Campaign) -> QuerySet[Partner]:
    """Partners the host removed: they keep seeing what they brought, no longer act with it."""
    return Partner.objects.filter(campaign=campaign, removed_at__isnull=False).select_related(
        "organization"
    )


@dataclass(frozen=True)
class MembershipFromPartnerInvitation:
    """A membership that may have been gained through a partner invitation (issue 12): its person
    accepted a partner invitation into that organization, and it dates from then or later."""

    membership_id: int
    user_id: int
    username: str
    organization_slug: str
    role: str
    member_since: datetime
    invitation_id: int
    campaign_slug: str
    invited_by_id: int
    invited_at: datetime
    accepted_at: datetime

    @property
    def self_invited(self) -> bool:
        """The same person created and accepted the invitation: the attack's own signature."""
        return self.invited_by_id == self.user_id


def memberships_from_partner_invitations() -> list[MembershipFromPartnerInvitation]:
    """For the security review: until issue 12, accepting a partner invitation made the person a
    member of the invited organization (its owner when it had no members). Organizations the
    person created when accepting (`created_organization`) are theirs and are not listed; nor
    are memberships older than the acceptance."""
    invitations = list(
        Invitation.objects.filter(
            campaign__isnull=False,
            organization__isnull=False,
            accepted_by__isnull=False,
            created_organization=False,
        )
        .select_related("organization", "campaign", "accepted_by")
        .order_by("accepted_at", "pk")
    )
    memberships: dict[tuple[int | None, int | None], Membership] = {
        (membership.user_id, membership.organization_id): membership
        for membership in Membership.objects.filter(
            user_id__in={invitation.accepted_by_id for invitation in invitations},
            organization_id__in={invitation.organization_id for invitation in invitations},
        )
    }
    found = []
    for invitation in invitations:
        # Accepted partner invitations to an organization: all of these are set.
        accepted_by = cast(User, invitation.accepted_by)
        accepted_at = cast(datetime, invitation.accepted_at)
        organization = cast(Organization, invitation.organization)
        campaign = cast(Campaign, invitation.campaign)
        membership = memberships.get((invitation.accepted_by_id, invitation.organization_id))
        if membership is None or membership.created_at < accepted_at:
            continue
        found.append(
            MembershipFromPartnerInvitation(
                membership_id=membership.pk,
                user_id=accepted_by.pk,
                username=accepted_by.get_username(),
                organization_slug=organization.slug,
                role=membership.role,
                member_since=membership.created_at,
                invitation_id=invitation.pk,
                campaign_slug=campaign.slug,
                invited_by_id=invitation.created_by_id,
                invited_at=invitation.created_at,
                accepted_at=accepted_at,
            )
        )
    return found
