"""What the delivery app shows on the petition page (see signatures.petition_sections): the
deliveries, where the target stands since (it needs the delivery's date, hence here) and the
campaign's timeline."""

from groundswell.campaigns.models import Campaign, TimelineEntry, TimelineKind
from groundswell.campaigns.responses import target_stance, target_stance_json
from groundswell.delivery.selectors import deliveries_public, timeline_shown
from groundswell.signatures.petition_sections import (
    Slot,
    petition_json_field_register,
    petition_section_register,
)


def deliveries_section(campaign: Campaign) -> dict[str, object] | None:
    """The public deliveries of a campaign, newest first (one query); nothing without any."""
    deliveries = list(deliveries_public(campaign=campaign))
    return {"deliveries": deliveries} if deliveries else None


def _timeline(campaign: Campaign) -> list[TimelineEntry]:
    """The campaign's timeline, read once per rendering: the stance and the timeline sections
    (and the JSON) all need it. Public deliveries are in it, with their dates."""
    cached = campaign.__dict__.get("_story_timeline")
    if cached is None:
        cached = campaign.__dict__["_story_timeline"] = list(timeline_shown(campaign=campaign))
    return cached


def _stance(campaign: Campaign) -> dict[str, object]:
    entries = _timeline(campaign)
    deliveries = [entry.at for entry in entries if entry.kind == TimelineKind.DELIVERY]
    if not any(entry.kind == TimelineKind.RESPONSE for entry in entries):
        # No response recorded (each has its entry): no query for them.
        return target_stance(
            campaign=campaign, delivered_at=min(deliveries, default=None), responses=[]
        )
    return target_stance(campaign=campaign, delivered_at=min(deliveries, default=None))


def target_stance_section(campaign: Campaign) -> dict[str, object] | None:
    """Where the target stands at a glance, and since when; nothing before a delivery or a
    response (there is no silence to speak of yet)."""
    stance = _stance(campaign)
    if stance["since"] is None:
        return None
    return {"stance": stance}


def target_response_json(campaign: Campaign) -> dict[str, object]:
    return target_stance_json(_stance(campaign))


def timeline_section(campaign: Campaign) -> dict[str, object] | None:
    entries = _timeline(campaign)
    return {"entries": entries} if entries else None


def register() -> None:
    petition_section_register(
        name="target_response",
        slot=Slot.COUNT,
        template="delivery/_target_response.html",
        context=target_stance_section,
        order=40,
    )
    petition_section_register(
        name="deliveries",
        slot=Slot.MAIN,
        template="delivery/_timeline.html",
        context=deliveries_section,
        order=50,
    )
    petition_section_register(
        name="timeline",
        slot=Slot.MAIN,
        template="delivery/_campaign_timeline.html",
        context=timeline_section,
        order=60,
    )
    petition_json_field_register(key="target_response", value=target_response_json)
