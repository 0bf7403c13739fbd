"""Reads of events and RSVPs for pages, JSON, the door and other apps."""

from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from groundswell.accounts.models import Organization
from groundswell.campaigns.models import Campaign
from groundswell.core.databases import reporting_database
from groundswell.events.models import PUBLIC_EVENT_STATUSES, Event, EventStatus, Rsvp, RsvpStatus


def event_public_get(*, slug: str) -> Event:
    """A published, cancelled or finished event (drafts are nobody's business), or 404."""
    event = (
        Event.objects.select_related("organization", "campaign")
        .filter(slug=slug, status__in=PUBLIC_EVENT_STATUSES)
        .first()
    )
    if event is None:
        raise Http404("No such event")
    return event


def event_co_hosts_standing(*, event: Event) -> QuerySet[Organization]:
    """The co-hosts the host named that are still partners of the event's campaign: the ones
    the event shows and asks consent for. The host names partners of its campaign only
    (`event_data_check`), so a partner it removed is neither shown nor asked for on the event
    any more, as it is no longer shown as a co-sponsor of the campaign nor credited by its
    links. Bringing the partner back (inviting it again) brings this back; the consents people
    gave it are never touched."""
    if event.campaign_id is None:
        return Organization.objects.none()
    return event.co_hosts.filter(
        partnerships__campaign_id=event.campaign_id, partnerships__removed_at__isnull=True
    )


def event_co_hosts(*, event: Event) -> list[Organization]:
    """`event_co_hosts_standing`, for a page, by name."""
    return list(event_co_hosts_standing(event=event).order_by("name"))


def waitlist_count(*, event: Event) -> int:
    """Places waited for (people and their guests) on the waitlist."""
    return waitlist_counts(event_ids=[event.pk]).get(event.pk, 0)


def waitlist_counts(*, event_ids: list[int]) -> dict[int, int]:
    """`waitlist_count` of several events in one query (events nobody waits for are absent)."""
    rows = (
        Rsvp.objects.filter(event_id__in=event_ids, status=RsvpStatus.WAITLISTED)
        .values("event_id")
        .annotate(waiting=Sum("guests") + Count("pk"))
        .order_by()
    )
    return {row["event_id"]: int(row["waiting"] or 0) for row in rows}


def event_public_summary(*, event: Event) -> dict[str, object]:
    return {
        "slug": event.slug,
        "title": event.title,
        "kind": event.kind,
        "status": event.status,
        "starts_at": event.starts_at.isoformat(),
        "ends_at": event.ends_at.isoformat(),
        "time_zone": event.time_zone,
        "place": {"name": event.place_name, "address": event.place_address},
        "online": bool(event.online_url),
        "capacity": event.capacity,
        "rsvp_count": event.places_taken,
        "walk_in_count": event.walk_in_places,
        "waitlist_count": waitlist_count(event=event),
        "campaign": event.campaign.slug if event.campaign_id else None,  # type: ignore[union-attr]
        "url": event.get_absolute_url(),
    }


def events_public_for_campaign(*, campaign: Campaign, limit: int = 10) -> QuerySet[Event]:
    """The campaign's published events still to come or under way, soonest first."""
    return Event.objects.filter(
        campaign=campaign, status=EventStatus.PUBLISHED, ends_at__gt=timezone.now()
    ).order_by("starts_at")[:limit]


def events_public_upcoming(*, limit: int = 50) -> QuerySet[Event]:
    """Every published event still to come, for a public directory."""
    return (
        Event.objects.select_related("campaign")
        .filter(status=EventStatus.PUBLISHED, ends_at__gt=timezone.now())
        .order_by("starts_at")[:limit]
    )


def events_public_upcoming_search(*, query: str = "", limit: int = 500) -> QuerySet[Event]:
    """Published events still to come whose title or place contains `query` (any case),
    soonest first: what the public directory lists."""
    events = Event.objects.filter(status=EventStatus.PUBLISHED, ends_at__gt=timezone.now())
    if query:
        events = events.filter(
            Q(title__icontains=query)
            | Q(place_name__icontains=query)
            | Q(place_address__icontains=query)
        )
    return events.select_related("organization").order_by("starts_at", "pk")[:limit]


def event_next_for_campaign(*, campaign_id: int) -> Event | None:
    """The campaign's next published event still to come or under way, or None."""
    return (
        Event.objects.filter(
            campaign_id=campaign_id, status=EventStatus.PUBLISHED, ends_at__gt=timezone.now()
        )
        .order_by("starts_at", "pk")
        .first()
    )


def event_published_get(*, slug: str) -> Event:
    """A published event (not a draft, nor one cancelled or over), or 404: what a poster may
    advertise."""
    event = Event.objects.filter(slug=slug, status=EventStatus.PUBLISHED).first()
    if event is None:
        raise Http404("No such event")
    return event


def events_hosted_or_co_hosted(*, organization_id: int) -> QuerySet[Event]:
    """What an organization's API key lists: every event it hosts (drafts too, as its staff see
    them), and the events it co-hosts once they are out of draft (published, cancelled or
    finished): the rule of `event_co_hosts_seeing`. Unordered: the caller pages it."""
    co_hosted = Event.co_hosts.through.objects.filter(organization_id=organization_id).values(
        "event_id"
    )
    return Event.objects.select_related("organization", "campaign").filter(
        Q(organization_id=organization_id) | Q(pk__in=co_hosted, status__in=PUBLIC_EVENT_STATUSES)
    )


def event_co_hosts_seeing(*, event: Event) -> QuerySet[Organization]:
    """The co-hosts whose staff see the event's organizer page and the RSVPs who agreed to hear
    from their own organization (its export, the API): those the host named, once the event is
    out of draft (a draft is the host's until published). A partner the host has removed since
    keeps this, as a removed partner of a campaign keeps seeing what it brought and its own
    consenting supporters (`api.webhook_events._organizations`): those consents are the
    attendees' own word to it, not a right the host gave. What it did in the event's name
    stops (`event_co_hosts_acting`)."""
    if event.status not in PUBLIC_EVENT_STATUSES:
        return Organization.objects.none()
    return event.co_hosts.all()


def event_co_hosts_acting(*, event: Event) -> QuerySet[Organization]:
    """The co-hosts who act in the event's name: their staff run its door and write to its
    attendees (the thank-you). Named by the host (who holds those rights), still partners of
    the event's campaign (`event_co_hosts_standing`), once the event is out of draft. Taking a
    co-host off the event, or ending its partnership, ends both at once."""
    if event.status not in PUBLIC_EVENT_STATUSES:
        return Organization.objects.none()
    return event_co_hosts_standing(event=event)


def event_co_hosts_ended(*, event: Event) -> QuerySet[Organization]:
    """The co-hosts the host named whose partnership with the event's campaign ended since:
    they still see the event (`event_co_hosts_seeing`) but no longer act in its name. The
    editor keeps them, marked, until the host unticks them (`event_data_check`)."""
    return event.co_hosts.exclude(pk__in=event_co_hosts_standing(event=event).values("pk"))


def rsvp_co_hosts_told(*, rsvp: Rsvp) -> list[int]:
    """The co-hosts told of this RSVP (the `rsvp.created` webhook: its identifier, status and
    guests, never the person): those acting in the event's name (`event_co_hosts_acting`), whose
    door shows every RSVP, and the others that still see the event (`event_co_hosts_seeing`: a
    partner the host removed since) only if the RSVP is one their export and the API show
    them (`rsvps_consenting`). Nobody is asked for a removed partner, so no new RSVP is one of
    theirs: what is left to them is what people agreed to give them. Nothing of a draft."""
    event = rsvp.event
    acting = set(event_co_hosts_acting(event=event).values_list("pk", flat=True))
    told = []
    for organization_id in (
        event_co_hosts_seeing(event=event).order_by("pk").values_list("pk", flat=True)
    ):
        if (
            organization_id in acting
            or rsvps_consenting(event=event, organization_id=organization_id)
            .filter(pk=rsvp.pk)
            .exists()
        ):
            told.append(organization_id)
    return told


def events_co_hosted_at_the_door(
    *, organization_ids: list[int], hosts_left_out: list[int]
) -> QuerySet[Event]:
    """The events whose door these organizations may run as co-hosts (the rule of
    `event_co_hosts_acting`), leaving out those hosted by `hosts_left_out`."""
    return (
        Event.objects.select_related("organization")
        .filter(
            status__in=PUBLIC_EVENT_STATUSES,
            co_hosts__pk__in=organization_ids,
            co_hosts__partnerships__campaign=F("campaign"),
            co_hosts__partnerships__removed_at__isnull=True,
        )
        .exclude(organization_id__in=hosts_left_out)
        .distinct()
        .order_by("-starts_at")
    )


def events_for_organizations(*, organization_ids: list[int]) -> QuerySet[Event]:
    return (
        Event.objects.select_related("organization", "campaign")
        .filter(organization_id__in=organization_ids)
        .order_by("-starts_at")
    )


def rsvps_for_event(*, event: Event) -> QuerySet[Rsvp]:
    return Rsvp.objects.filter(event=event).order_by(
        "status", "waitlist_position", "created_at", "pk"
    )


def rsvps_search(*, event: Event, query: str, limit: int = 30) -> list[Rsvp]:
    """For the door: RSVPs with a confirmed place (or already in) whose name contains `query`."""
    queryset = Rsvp.objects.filter(event=event, status=RsvpStatus.CONFIRMED)
    if query:
        queryset = queryset.filter(name__icontains=query)
    return list(queryset.order_by("checked_in_at", "name", "pk")[:limit])


@dataclass(frozen=True)
class DoorCounts:
    rsvps: int  # confirmed RSVPs (people who RSVP'd, walk-ins left out)
    places: int  # the places they take, guests included
    checked_in: int  # RSVPs checked in, walk-ins included
    walk_ins: int
    waitlisted: int
    capacity: int | None  # None: no limit
    walk_in_places: int  # the places walk-ins fill (walk-ins cancelled by organizers left out)

    @property
    def places_filled(self) -> int:
        return self.places + self.walk_in_places

    @property
    def full(self) -> bool:
        """Whether the door should warn: every place is filled, or more than every place."""
        return self.capacity is not None and self.places_filled >= self.capacity

    @property
    def over_capacity(self) -> int:
        return 0 if self.capacity is None else max(self.places_filled - self.capacity, 0)

    def as_json(self) -> dict[str, int]:
        return {
            "rsvps": self.rsvps,
            "places": self.places,
            "checked_in": self.checked_in,
            "walk_ins": self.walk_ins,
            "waitlisted": self.waitlisted,
        }


def door_counts(*, event: Event) -> DoorCounts:
    figures = Rsvp.objects.filter(event=event).aggregate(
        rsvps=Count("pk", filter=Q(status=RsvpStatus.CONFIRMED, walk_in=False)),
        checked_in=Count("pk", filter=Q(checked_in_at__isnull=False)),
        walk_ins=Count("pk", filter=Q(walk_in=True)),
        waitlisted=Count("pk", filter=Q(status=RsvpStatus.WAITLISTED)),
    )
    return DoorCounts(
        places=event.places_taken,
        capacity=event.capacity,
        walk_in_places=event.walk_in_places,
        **figures,
    )


def attendee_recipients(*, event: Event, organization_id: int | None = None) -> QuerySet[Rsvp]:
    """Who may get the event's thank-you from `organization_id` (the host by default): people
    checked in or with a confirmed place, who confirmed consent to hear from that organization
    and gave an address. For the updates app's audiences."""
    organization_id = organization_id or event.organization_id
    return (
        Rsvp.objects.filter(event=event)
        .filter(Q(status=RsvpStatus.CONFIRMED) | Q(checked_in_at__isnull=False))
        .exclude(email="")
        .filter(consents__organization_id=organization_id, consents__confirmed_at__isnull=False)
        .distinct()
        .order_by("pk")
    )


RSVP_EXPORT_COLUMNS = [
    "first_name", "last_name", "email", "phone", "status", "guests", "waitlist_position",
    "walk_in", "checked_in_at", "created",
]  # fmt: skip


def rsvps_consenting(*, event: Event, organization_id: int) -> QuerySet[Rsvp]:
    """RSVPs (confirmed or waitlisted) who confirmed consent to this organization: the only
    people an organization sees of an event's RSVPs, in its export and through the API, like
    its supporters export of a campaign. One consent per RSVP and organization: no doubles."""
    return Rsvp.objects.filter(
        event_id=event.pk,
        status__in=[RsvpStatus.CONFIRMED, RsvpStatus.WAITLISTED],
        consents__organization_id=organization_id,
        consents__confirmed_at__isnull=False,
    )


def rsvps_for_export(
    *, event: Event, organization_id: int, batch_size: int = 2000
) -> Iterator[list[object]]:
    """`rsvps_consenting`, as the export's rows. Read from the reporting database (the replica,
    when there is one), in batches."""
    rows = (
        rsvps_consenting(event=event, organization_id=organization_id)
        .using(reporting_database())
        .order_by("pk")
        .values_list(
            "name",
            "email",
            "phone",
            "status",
            "guests",
            "waitlist_position",
            "walk_in",
            "checked_in_at",
            "created_at",
        )
    )
    for name, *rest in rows.iterator(chunk_size=batch_size):
        first_name, _space, last_name = name.partition(" ")
        yield [first_name, last_name, *rest]
