"""Events (OSDI `osdi:events`) and their RSVPs (`osdi:attendances`).

A key lists the events its organization hosts (drafts too) or co-hosts (once published). Of an
event's RSVPs it sees only those of people who confirmed consent to its own organization, host
or co-host alike: the rule of the event's RSVP export (`events.selectors.rsvps_consenting`).
"""

from datetime import datetime

from django.http import HttpRequest
from django.urls import reverse
from ninja import Query, Router
from pydantic import Field

from groundswell.api.access import event_for_key
from groundswell.api.auth import read_auth, request_key
from groundswell.api.cursors import absolute, collection, keyset_page, page_request
from groundswell.api.resources.petitions import ListQuery, petition_path
from groundswell.api.schemas import (
    ERRORS,
    ApiSchema,
    EmailAddress,
    Link,
    collection_schema,
    person_name,
)
from groundswell.events.models import Event, Rsvp
from groundswell.events.selectors import (
    events_hosted_or_co_hosted,
    rsvps_consenting,
    waitlist_count,
    waitlist_counts,
)

PREFIX = "/events"
router = Router(tags=["events"])


class LocationOut(ApiSchema):
    venue: str
    address: str


class EventOut(ApiSchema):
    identifiers: list[str]
    origin_system: str = "Groundswell"
    title: str
    description: str
    kind: str
    status: str
    start_date: datetime
    end_date: datetime
    time_zone: str
    capacity: int | None
    location: LocationOut
    browser_url: str
    rsvp_count: int
    walk_in_count: int
    waitlist_count: int
    created_date: datetime
    modified_date: datetime
    links: dict[str, Link] = Field(alias="_links")


class PhoneNumber(ApiSchema):
    number: str
    primary: bool = True


class AttendeeOut(ApiSchema):
    given_name: str
    family_name: str
    email_addresses: list[EmailAddress]
    phone_numbers: list[PhoneNumber]


class AttendanceOut(ApiSchema):
    identifiers: list[str]
    status: str
    guests: int
    waitlist_position: int | None
    walk_in: bool
    checked_in: bool
    created_date: datetime
    modified_date: datetime
    # Only people who confirmed consent to the key's organization are listed at all.
    person: AttendeeOut
    links: dict[str, Link] = Field(alias="_links")


EventCollection = collection_schema("EventCollection", "osdi:events", EventOut)
AttendanceCollection = collection_schema("AttendanceCollection", "osdi:attendances", AttendanceOut)


def event_path(event: Event) -> str:
    return reverse("api-v1:event", kwargs={"slug": event.slug})


def event_out(
    request: HttpRequest, event: Event, *, waiting: int | None = None
) -> dict[str, object]:
    """`waiting`: the event's waitlist count when the caller read it (a list reads them all at
    once); read here otherwise."""
    links: dict[str, dict[str, str]] = {
        "self": {"href": absolute(request, event_path(event))},
        "osdi:attendances": {
            "href": absolute(
                request, reverse("api-v1:event_attendances", kwargs={"slug": event.slug})
            )
        },
    }
    if event.campaign is not None:
        links["osdi:petition"] = {"href": absolute(request, petition_path(event.campaign))}
    return {
        "identifiers": [f"groundswell:{event.slug}"],
        "title": event.title,
        # Rendered from the organizers' Markdown and sanitised when saved.
        "description": event.description_html,
        "kind": event.kind,
        "status": event.status,
        "start_date": event.starts_at,
        "end_date": event.ends_at,
        "time_zone": event.time_zone,
        "capacity": event.capacity,
        "location": {"venue": event.place_name, "address": event.place_address},
        "browser_url": request.build_absolute_uri(event.get_absolute_url()),
        "rsvp_count": event.places_taken,
        "walk_in_count": event.walk_in_places,
        "waitlist_count": waitlist_count(event=event) if waiting is None else waiting,
        "created_date": event.created_at,
        "modified_date": event.updated_at,
        "_links": links,
    }


def attendance_out(request: HttpRequest, rsvp: Rsvp, *, event: Event) -> dict[str, object]:
    given, family = person_name(rsvp.name)
    return {
        # The identifier `rsvp.created` webhooks carry, so that a partner can match them.
        "identifiers": [f"groundswell:rsvp:{rsvp.pk}"],
        "status": rsvp.status,
        "guests": rsvp.guests,
        "waitlist_position": rsvp.waitlist_position,
        "walk_in": rsvp.walk_in,
        "checked_in": rsvp.checked_in_at is not None,
        "created_date": rsvp.created_at,
        "modified_date": rsvp.created_at,
        "person": {
            "given_name": given,
            "family_name": family,
            "email_addresses": [{"address": rsvp.email, "primary": True}] if rsvp.email else [],
            "phone_numbers": [{"number": rsvp.phone, "primary": True}] if rsvp.phone else [],
        },
        "_links": {"osdi:event": {"href": absolute(request, event_path(event))}},
    }


@router.get(
    "",
    auth=read_auth,
    response={200: EventCollection, **ERRORS},
    by_alias=True,
    url_name="events",
    summary="The events the key's organization hosts, or co-hosts once published",
)
def events(request: HttpRequest, query: Query[ListQuery]) -> dict[str, object]:
    page = page_request(**query.dict())
    found = keyset_page(
        events_hosted_or_co_hosted(organization_id=request_key(request).organization_id),
        modified="updated_at",
        page=page,
    )
    waiting = waitlist_counts(event_ids=[event.pk for event in found.rows])
    return collection(
        request,
        relation="osdi:events",
        page=found,
        page_request=page,
        item=lambda event: event_out(request, event, waiting=waiting.get(event.pk, 0)),
        query={"modified_since": query.modified_since, "filter": query.filter},
    )


@router.get(
    "/{slug}", auth=read_auth, response={200: EventOut, **ERRORS}, by_alias=True, url_name="event"
)
def event(request: HttpRequest, slug: str) -> dict[str, object]:
    return event_out(request, event_for_key(api_key=request_key(request), slug=slug).event)


@router.get(
    "/{slug}/attendances",
    auth=read_auth,
    response={200: AttendanceCollection, **ERRORS},
    by_alias=True,
    url_name="event_attendances",
    summary="RSVPs of people who confirmed consent to the key's organization (the export's rule)",
)
def attendances(request: HttpRequest, slug: str, query: Query[ListQuery]) -> dict[str, object]:
    api_key = request_key(request)
    happening = event_for_key(api_key=api_key, slug=slug).event
    page = page_request(**query.dict())
    found = keyset_page(
        rsvps_consenting(event=happening, organization_id=api_key.organization_id),
        modified="created_at",
        page=page,
    )
    return collection(
        request,
        relation="osdi:attendances",
        page=found,
        page_request=page,
        item=lambda rsvp: attendance_out(request, rsvp, event=happening),
        query={"modified_since": query.modified_since, "filter": query.filter},
        extra_links={"osdi:event": {"href": absolute(request, event_path(happening))}},
    )
