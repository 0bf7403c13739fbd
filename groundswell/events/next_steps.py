"""The step events offer a petition's signers after they confirm: RSVP to the campaign's next
event (registered in EventsConfig.ready(); see groundswell.campaigns.what_next)."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from groundswell.campaigns.models import Campaign
from groundswell.campaigns.what_next import NextStep
from groundswell.core.process_cache import process_cached
from groundswell.events.models import Event
from groundswell.events.selectors import event_next_for_campaign
from groundswell.events.services.notices import event_when

LABEL = _("RSVP to the campaign's next event")


def rsvp_to_the_event(campaign: Campaign, partner_id: int | None) -> NextStep | None:
    """The campaign's next published event still to come, if it has one."""
    event: Event | None = process_cached(
        ("campaign-next-event", campaign.pk),
        settings.SIGNING_CAMPAIGN_CACHE_SECONDS,
        lambda: event_next_for_campaign(campaign_id=campaign.pk),
    )
    if event is None:
        return None
    return NextStep(
        label=_("RSVP: %(title)s") % {"title": event.title},
        url=event.get_absolute_url(),
        description=" · ".join(part for part in (event_when(event), event.place_name) if part),
    )
