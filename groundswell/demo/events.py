"""The demo's delivery rally: the event that carries the signatures to Northwind's headquarters,
announced a few days ago and held in ten days, with confirmed RSVPs (some of them signers of the
petition) and a waitlist, its capacity being small enough to fill. Nobody is checked in: the
rally has not happened yet (the door page is there to try)."""

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from groundswell.accounts.models import Organization
from groundswell.campaigns.models import Campaign
from groundswell.core.email_keys import email_key
from groundswell.demo.story import HEADQUARTERS_ADDRESS, HEADQUARTERS_NAME
from groundswell.events.models import Event, EventKind, EventStatus, Rsvp, RsvpConsent, RsvpStatus
from groundswell.events.services.events import event_create
from groundswell.signatures.consent import consent_wording
from groundswell.signatures.models import Signature

RALLY_SLUG = "deliver-the-signatures"
RALLY_CAPACITY = 40
CONFIRMED_PEOPLE = 34  # with their guests, they fill the capacity
WAITLISTED_PEOPLE = 6
# Announced (the row created) before its first RSVP, three days ago.
ANNOUNCED_DAYS_AGO = 4

DESCRIPTION = """\
We carry every signature to Northwind Cloud's headquarters and hand them to the CEO's office.

- Meet at the plaza at noon; we walk together to the entrance.
- Bring a sign, and your friends.
- The delivery is streamed for those who cannot come.
"""


@transaction.atomic
def events_demo_seed(*, campaign: Campaign, co_host_slug: str | None = None) -> Event:
    """Create the rally once; running it again changes nothing. It is co-hosted by the partner
    `co_host_slug` (the one the demo's partner login belongs to, who can then run its door),
    else by the first partner by name."""
    existing = Event.objects.filter(slug=RALLY_SLUG).first()
    if existing is not None:
        return existing
    zone = "America/Los_Angeles"
    day = (timezone.now() + timedelta(days=10)).date()
    starts_at = datetime.combine(day, time(12, 0)).replace(tzinfo=Event(time_zone=zone).zone)
    partners = Organization.objects.filter(
        partnerships__campaign=campaign, partnerships__removed_at__isnull=True
    ).order_by("name")
    if co_host_slug is not None:
        partners = partners.filter(slug=co_host_slug)
    co_hosts = list(partners[:1])
    event = event_create(
        organization=campaign.organization,
        co_hosts=co_hosts,
        data={
            "slug": RALLY_SLUG,
            "kind": EventKind.DELIVERY,
            "title": "Deliver the signatures to Northwind HQ",
            "description_markdown": DESCRIPTION,
            "starts_at": starts_at,
            "ends_at": starts_at + timedelta(hours=2),
            "time_zone": zone,
            "place_name": HEADQUARTERS_NAME,
            "place_address": HEADQUARTERS_ADDRESS,
            "online_url": "https://stream.example.org/northwind-delivery",
            "capacity": RALLY_CAPACITY,
            "campaign": campaign,
        },
    )
    _seed_rsvps(event=event, campaign=campaign, organizations=[campaign.organization, *co_hosts])
    return event


def _seed_rsvps(*, event: Event, campaign: Campaign, organizations: list[Organization]) -> None:
    """Rows as the RSVP services would leave them, without mailing the demo's invented people."""
    now = timezone.now()
    signers = list(
        Signature.objects.filter(campaign=campaign, confirmed_at__isnull=False)
        .order_by("pk")
        .values_list("pk", "name", "email")[: CONFIRMED_PEOPLE + WAITLISTED_PEOPLE]
    )
    people: list[tuple[int | None, str, str]] = [(pk, name, email) for pk, name, email in signers]
    for number in range(len(people), CONFIRMED_PEOPLE + WAITLISTED_PEOPLE):
        people.append((None, f"Rally Goer {number + 1}", f"rally{number + 1}@example.org"))
    places = 0
    waitlist_position = 0
    rsvps = []
    for index, (signature_id, name, email) in enumerate(people):
        guests = 1 if index % 6 == 0 else 0
        fits = index < CONFIRMED_PEOPLE and places + 1 + guests <= RALLY_CAPACITY
        if fits:
            places += 1 + guests
        else:
            waitlist_position += 1
        rsvps.append(
            Rsvp(
                event=event,
                name=name,
                email=email,
                email_key=email_key(email),
                guests=guests,
                status=RsvpStatus.CONFIRMED if fits else RsvpStatus.WAITLISTED,
                waitlist_position=None if fits else waitlist_position,
                signature_id=signature_id,
                language="en",
                confirmed_at=now - timedelta(days=3, minutes=-index),
            )
        )
    created = Rsvp.objects.bulk_create(rsvps)
    RsvpConsent.objects.bulk_create(
        RsvpConsent(
            rsvp=rsvp,
            organization=organizations[index % len(organizations)],
            wording=consent_wording(
                organization_name=organizations[index % len(organizations)].name
            ),
            language="en",
            given_at=rsvp.confirmed_at or now,
            confirmed_at=rsvp.confirmed_at,
        )
        for index, rsvp in enumerate(created)
        if index % 2 == 0
    )
    Event.objects.filter(pk=event.pk).update(
        status=EventStatus.PUBLISHED,
        places_taken=places,
        waitlist_next=waitlist_position + 1,
        created_at=now - timedelta(days=ANNOUNCED_DAYS_AGO),
    )
