"""What the events app shows on the petition page (see signatures.petition_sections): the
campaign's coming events, and an `events` field in the petition's JSON."""

from groundswell.campaigns.models import Campaign
from groundswell.events.selectors import events_public_for_campaign
from groundswell.signatures.petition_sections import (
    Slot,
    petition_json_field_register,
    petition_section_register,
)


def events_section(campaign: Campaign) -> dict[str, object] | None:
    events = list(events_public_for_campaign(campaign=campaign))
    return {"events": events} if events else None


def events_json(campaign: Campaign) -> list[dict[str, object]]:
    return [
        {
            "slug": event.slug,
            "title": event.title,
            "kind": event.kind,
            "starts_at": event.starts_at.isoformat(),
            "time_zone": event.time_zone,
            "url": event.get_absolute_url(),
        }
        for event in events_public_for_campaign(campaign=campaign)
    ]


def register() -> None:
    petition_section_register(
        name="events",
        slot=Slot.MAIN,
        template="events/_petition_events.html",
        context=events_section,
        order=40,
    )
    petition_json_field_register(key="events", value=events_json)
