"""What a key's organization may reach: the campaigns it hosts or co-sponsors (as its staff do in
the back office), and, in each, what `organizer.permissions` would let its staff see; the events
it hosts or co-hosts."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from groundswell.api.errors import ApiError
from groundswell.api.models import ApiKey
from groundswell.campaigns.models import Campaign
from groundswell.coalitions.models import Partner
from groundswell.events.models import Event
from groundswell.events.selectors import event_co_hosts_seeing


@dataclass(frozen=True)
class CampaignAccess:
    campaign: Campaign
    # None for the host; the key's partnership otherwise.
    partner: Partner | None

    @property
    def is_host(self) -> bool:
        return self.partner is None


def not_found(what: str) -> ApiError:
    return ApiError(404, "not_found", _("No such %(what)s for this API key.") % {"what": what})


def campaign_for_key(*, api_key: ApiKey, slug: str) -> CampaignAccess:
    """The campaign, if the key's organization hosts or co-sponsors it; 404 otherwise, so that
    a key never learns whether another organization's draft exists."""
    campaign = Campaign.objects.select_related("organization").filter(slug=slug).first()
    if campaign is None:
        raise not_found(_("petition"))
    if campaign.organization_id == api_key.organization_id:
        return CampaignAccess(campaign=campaign, partner=None)
    partner = Partner.objects.filter(
        campaign=campaign, organization_id=api_key.organization_id
    ).first()
    if partner is None:
        raise not_found(_("petition"))
    return CampaignAccess(campaign=campaign, partner=partner)


@dataclass(frozen=True)
class EventAccessForKey:
    event: Event
    is_host: bool


def event_for_key(*, api_key: ApiKey, slug: str) -> EventAccessForKey:
    """The event, if the key's organization hosts it (any status, as its staff see it) or
    co-hosts it once out of draft; 404 otherwise, so that a key never learns whether another
    organization's draft exists."""
    event = Event.objects.select_related("organization", "campaign").filter(slug=slug).first()
    if event is None:
        raise not_found(_("event"))
    if event.organization_id == api_key.organization_id:
        return EventAccessForKey(event=event, is_host=True)
    if event_co_hosts_seeing(event=event).filter(pk=api_key.organization_id).exists():
        return EventAccessForKey(event=event, is_host=False)
    raise not_found(_("event"))
