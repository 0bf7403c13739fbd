from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from groundswell.accounts.models import User
from groundswell.campaigns.models import (
    OUTCOME_STATUSES,
    PUBLIC_STATUSES,
    Campaign,
    CampaignStatus,
    CampaignTranslation,
)
from groundswell.core.process_cache import process_cached


def campaign_public_get(*, slug: str) -> Campaign:
    """A campaign the public may see; drafts are 404 so their existence does not leak."""
    try:
        return Campaign.objects.select_related("organization").get(
            slug=slug, status__in=PUBLIC_STATUSES
        )
    except Campaign.DoesNotExist:
        raise Http404("No such petition") from None


def campaign_for_signing(*, slug: str) -> Campaign:
    """A public campaign for the signing and confirming paths, from a copy kept in this process
    for SIGNING_CAMPAIGN_CACHE_SECONDS: one query saved on every signature of a viral spike."""
    return process_cached(
        ("campaign", slug),
        settings.SIGNING_CAMPAIGN_CACHE_SECONDS,
        lambda: campaign_public_get(slug=slug),
    )


def campaign_public_summary(*, campaign: Campaign) -> dict[str, object]:
    updated_at = max(filter(None, [campaign.updated_at, campaign.last_signed_at]))
    return {
        "slug": campaign.slug,
        "title": campaign.title,
        "status": campaign.shown_status,
        "goal": campaign.goal,
        "signature_count": campaign.signature_count,
        "target": {
            "name": campaign.target_name,
            "title": campaign.target_title,
            "organization": campaign.target_organization,
        },
        "url": campaign.get_absolute_url(),
        "updated_at": updated_at.isoformat(),
    }


def campaigns_for_user(*, user: User) -> QuerySet[Campaign]:
    """Every campaign hosted or co-sponsored by an organization the user is a member of."""
    return (
        Campaign.objects.filter(
            Q(organization__memberships__user=user)
            # Removed partners keep seeing what they brought, and their consented supporters.
            | Q(partners__organization__memberships__user=user)
        )
        .select_related("organization")
        .distinct()
        .order_by("-created_at")
    )


def campaigns_for_organization(*, organization_id: int) -> QuerySet[Campaign]:
    """Every campaign the organization hosts or co-sponsors (removed partners included: they
    keep seeing what they brought), as campaigns_for_user finds them for its members."""
    return (
        Campaign.objects.filter(
            Q(organization_id=organization_id) | Q(partners__organization_id=organization_id)
        )
        .select_related("organization")
        .distinct()
    )


def campaigns_public_open(*, limit: int = 50) -> QuerySet[Campaign]:
    """Open campaigns still before their closing time (the periodic task closes the others)."""
    return (
        Campaign.objects.filter(status=CampaignStatus.OPEN)
        .filter(Q(closes_at__isnull=True) | Q(closes_at__gt=timezone.now()))
        .select_related("organization")[:limit]
    )


def campaigns_public_ended(*, limit: int = 50) -> dict[str, list[Campaign]]:
    """Won and lost campaigns, which stay listed under their outcome, newest change first."""
    ended = (
        Campaign.objects.filter(status__in=OUTCOME_STATUSES)
        .select_related("organization")
        .order_by("-updated_at")[:limit]
    )
    grouped: dict[str, list[Campaign]] = {CampaignStatus.WON: [], CampaignStatus.LOST: []}
    for campaign in ended:
        grouped[campaign.status].append(campaign)
    return grouped


def campaigns_public_search(
    *, query: str = "", limit: int = 500, language: str | None = None
) -> QuerySet[Campaign]:
    """Open, won and closed campaigns whose title or target contains `query` (any case), open
    ones first, then by their published count: what the public directory lists. The title
    searched is the original's and, for a reader of `language`, the organizers' translation."""
    campaigns = Campaign.objects.filter(
        status__in=[CampaignStatus.OPEN, CampaignStatus.WON, CampaignStatus.CLOSED]
    )
    if query:
        matches = (
            Q(title__icontains=query)
            | Q(target_name__icontains=query)
            | Q(target_title__icontains=query)
            | Q(target_organization__icontains=query)
        )
        if language:
            matches |= Q(
                Exists(
                    CampaignTranslation.objects.filter(
                        campaign=OuterRef("pk"), language=language, title__icontains=query
                    )
                )
            )
        campaigns = campaigns.filter(matches)
    return campaigns.select_related("organization").order_by("-signature_count", "-created_at")[
        :limit
    ]
