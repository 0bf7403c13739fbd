"""What happens to events and their RSVPs, for the apps above this one (see
groundswell.core.domain_events). No app subscribes yet; the updates app will (a thank-you to
attendees once an event is finished)."""

from dataclasses import dataclass

from groundswell.core.domain_events import DomainEvent


@dataclass(frozen=True)
class RsvpCreated:
    event_id: int
    rsvp_id: int


@dataclass(frozen=True)
class EventFinished:
    event_id: int
    campaign_id: int | None
    delivery_id: int | None


# A person said they are coming (stored pending until they confirm from their inbox), or was
# added at the door as a walk-in.
rsvp_created = DomainEvent[RsvpCreated]("rsvp_created")
# Organizers marked the event finished.
event_finished = DomainEvent[EventFinished]("event_finished")
