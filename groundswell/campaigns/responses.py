"""The target's answers: recorded by organizers, shown on the petition page and in its JSON."""

from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404

from groundswell.accounts.models import User
from groundswell.campaigns.events import TargetResponded, target_responded
from groundswell.campaigns.models import Campaign, ResponseStance, TargetResponse, TimelineKind
from groundswell.campaigns.timeline import (
    timeline_entry_add,
    timeline_entry_remove,
    timeline_entry_update,
)

RESPONSE_FIELDS = (
    "responder_name",
    "responder_title",
    "responded_at",
    "quote",
    "source_url",
    "stance",
)


def _timeline_title(response: TargetResponse) -> str:
    """Worded when shown ("… responded"): only the name is stored."""
    return response.responder_name


def target_response_record(
    *,
    campaign: Campaign,
    responder_name: str,
    responded_at: datetime,
    stance: str,
    responder_title: str = "",
    quote: str = "",
    source_url: str = "",
    recorded_by: User | None = None,
) -> TargetResponse:
    """Record a response (ValidationError on a bad stance, link or text: nothing stored), add it
    to the timeline and publish `target_responded` once the transaction commits."""
    response = TargetResponse(
        campaign=campaign,
        responder_name=responder_name,
        responder_title=responder_title,
        responded_at=responded_at,
        quote=quote,
        source_url=source_url,
        stance=stance,
        recorded_by=recorded_by,
    )
    response.full_clean()
    with transaction.atomic():
        response.save()
        timeline_entry_add(
            campaign=campaign,
            kind=TimelineKind.RESPONSE,
            key=str(response.pk),
            at=response.responded_at,
            title=_timeline_title(response),
            url=response.source_url,
        )
        target_responded.publish(
            TargetResponded(response_id=response.pk, campaign_id=campaign.pk, stance=stance)
        )
    return response


def target_response_update(*, response: TargetResponse, data: dict[str, Any]) -> TargetResponse:
    """Correct a response (ValidationError: nothing changed); its timeline entry follows."""
    stored = TargetResponse.objects.get(pk=response.pk)
    for field in RESPONSE_FIELDS:
        if field in data:
            setattr(stored, field, data[field])
    stored.full_clean()
    with transaction.atomic():
        stored.save(update_fields=list(RESPONSE_FIELDS))
        timeline_entry_update(
            campaign=stored.campaign,
            kind=TimelineKind.RESPONSE,
            key=str(stored.pk),
            at=stored.responded_at,
            title=_timeline_title(stored),
            url=stored.source_url,
        )
    return stored


def target_response_delete(*, response: TargetResponse) -> None:
    with transaction.atomic():
        timeline_entry_remove(
            campaign=response.campaign, kind=TimelineKind.RESPONSE, key=str(response.pk)
        )
        response.delete()


def target_responses(*, campaign: Campaign) -> QuerySet[TargetResponse]:
    """Newest first."""
    return TargetResponse.objects.filter(campaign=campaign).order_by("-responded_at", "-pk")


def target_response_get(*, campaign: Campaign, response_id: int) -> TargetResponse:
    response = TargetResponse.objects.filter(campaign=campaign, pk=response_id).first()
    if response is None:
        raise Http404("No such response")
    return response


def target_stance(
    *,
    campaign: Campaign,
    delivered_at: datetime | None,
    responses: list[TargetResponse] | None = None,
) -> dict[str, object]:
    """Where the target stands at a glance, for the petition page and JSON: the latest
    response's stance since it was given, or `no_response` since the first delivery (None
    when the petition has not been delivered either)."""
    if responses is None:
        responses = list(target_responses(campaign=campaign))
    since: datetime | None
    if responses:
        latest = responses[0]
        stance, since = latest.stance, latest.responded_at
    else:
        stance, since = ResponseStance.NO_RESPONSE.value, delivered_at
    return {
        "stance": stance,
        "stance_label": str(ResponseStance(stance).label),
        "since": since,
        "responses": responses,
    }


def target_stance_json(stance: dict[str, Any]) -> dict[str, object]:
    since = stance["since"]
    return {
        "stance": stance["stance"],
        "since": since.isoformat() if since else None,
        "responses": [
            {
                "name": response.responder_name,
                "title": response.responder_title,
                "at": response.responded_at.isoformat(),
                "quote": response.quote,
                "source_url": response.source_url,
                "stance": response.stance,
            }
            for response in stance["responses"]
        ],
    }
