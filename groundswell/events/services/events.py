"""Creating, editing and moving events through their statuses, and recording the delivery an
event made. Editing the time or place tells everyone who RSVP'd, once per edit."""

from collections.abc import Iterable, Mapping
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from groundswell.accounts.models import Organization
from groundswell.campaigns.models import Campaign
from groundswell.coalitions.selectors import campaign_partners_active, campaign_partners_ended
from groundswell.core.text import markdown_to_safe_html
from groundswell.core.transitions import status_transition
from groundswell.delivery.models import Delivery
from groundswell.events.domain import EventFinished, event_finished
from groundswell.events.models import (
    EVENT_TRANSITIONS,
    NOTIFIED_RSVP_STATUSES,
    Event,
    EventStatus,
    Rsvp,
    RsvpStatus,
)
from groundswell.events.services.notices import EmailKind, rsvp_email_queue
from groundswell.events.services.rsvps import waitlist_promote

EDITABLE_FIELDS = (
    "slug", "kind", "title", "description_markdown", "starts_at", "ends_at", "time_zone",
    "place_name", "place_address", "online_url", "capacity", "campaign",
)  # fmt: skip
# A change to one of these is news for everyone who RSVP'd.
TIME_AND_PLACE = ("starts_at", "ends_at", "time_zone", "place_name", "place_address", "online_url")


class EventError(Exception):
    """Bad input or a refused step, with a message for the organizer; nothing was changed."""


def event_data_check(
    *,
    organization: Organization,
    data: Mapping[str, object],
    co_hosts: Iterable[Organization],
    named_already: Iterable[int] = (),
) -> None:
    """The rules an event's fields must keep together (the editor shows these as errors).
    Co-hosts are partners of the event's campaign; one the event names already (`named_already`)
    whose partnership ended stays until the host takes it off, as it keeps seeing the RSVPs who
    agreed to hear from it (`events.selectors.event_co_hosts_seeing`): saving the event must not
    end that by the way. Nobody is named anew who is not a partner now."""
    starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
    if isinstance(starts_at, datetime) and isinstance(ends_at, datetime) and ends_at <= starts_at:
        raise EventError(_("The event must end after it starts."))
    campaign = data.get("campaign")
    if campaign is not None and getattr(campaign, "organization_id", None) != organization.pk:
        raise EventError(_("The campaign must be one of the host organization's."))
    co_hosts = list(co_hosts)
    if co_hosts:
        if not isinstance(campaign, Campaign):
            raise EventError(_("Co-hosts must be partners of the event's campaign: pick one."))
        partner_ids = set(
            campaign_partners_active(campaign=campaign).values_list("organization_id", flat=True)
        ) | set(
            campaign_partners_ended(campaign=campaign)
            .filter(organization_id__in=list(named_already))
            .values_list("organization_id", flat=True)
        )
        strangers = [org.name for org in co_hosts if org.pk not in partner_ids]
        if strangers:
            raise EventError(
                _("Not a partner of this campaign, so not a possible co-host: %(names)s.")
                % {"names": ", ".join(strangers)}
            )


def event_create(
    *, organization: Organization, data: Mapping[str, object], co_hosts: Iterable[Organization]
) -> Event:
    co_hosts = list(co_hosts)
    event_data_check(organization=organization, data=data, co_hosts=co_hosts)
    fields = {name: data[name] for name in EDITABLE_FIELDS if name in data}
    with transaction.atomic():
        event = Event.objects.create(
            organization=organization,
            description_html=markdown_to_safe_html(str(data.get("description_markdown") or "")),
            **fields,
        )
        event.co_hosts.set(co_hosts)
    return event


def event_update(
    *,
    event: Event,
    data: Mapping[str, object],
    co_hosts: Iterable[Organization],
    now: datetime | None = None,
) -> Event:
    """Save the editor's fields. A new time or place e-mails every confirmed and waitlisted
    RSVP once; a new start re-arms the reminders; more capacity moves the waitlist up."""
    co_hosts = list(co_hosts)
    current = {name: getattr(event, name) for name in EDITABLE_FIELDS}
    event_data_check(
        organization=event.organization,
        data={**current, **data},
        co_hosts=co_hosts,
        named_already=event.co_hosts.values_list("pk", flat=True),
    )
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        if "slug" in data and data["slug"] != locked.slug and locked.rsvps.exists():
            raise EventError(
                _("The web address cannot change once people have RSVP'd: their links use it.")
            )
        changed_time_or_place = any(
            name in data and getattr(locked, name) != data[name] for name in TIME_AND_PLACE
        )
        new_start = "starts_at" in data and locked.starts_at != data["starts_at"]
        for name in EDITABLE_FIELDS:
            if name in data:
                setattr(locked, name, data[name])
        locked.description_html = markdown_to_safe_html(locked.description_markdown)
        if new_start:
            locked.day_before_reminded_at = None
            locked.shortly_before_reminded_at = None
        locked.save()
        locked.co_hosts.set(co_hosts)
        if locked.status == EventStatus.PUBLISHED:
            waitlist_promote(event=locked, now=now)
            if changed_time_or_place:
                for rsvp in Rsvp.objects.filter(event=locked, status__in=NOTIFIED_RSVP_STATUSES):
                    rsvp_email_queue(rsvp=rsvp, event=locked, kind=EmailKind.CHANGED)
    return locked


def event_transition(*, event: Event, action: str, now: datetime | None = None) -> Event:
    """publish, cancel (tells everyone who RSVP'd) or finish (publishes `event_finished`)."""
    with transaction.atomic():
        status_transition(
            model=Event,
            pk=event.pk,
            transitions=EVENT_TRANSITIONS,
            action=action,
            unknown=lambda: EventError(_("Unknown action.")),
            refused=lambda: EventError(
                _("Not possible from the event's current status (%(status)s): %(action)s.")
                % {"status": event.get_status_display(), "action": action}
            ),
        )
        event.refresh_from_db()
        if action == "cancel":
            for rsvp in Rsvp.objects.filter(
                event=event, status__in=[*NOTIFIED_RSVP_STATUSES, RsvpStatus.PENDING]
            ):
                rsvp_email_queue(rsvp=rsvp, event=event, kind=EmailKind.CANCELLED)
        if action == "finish":
            event_finished.publish(
                EventFinished(
                    event_id=event.pk,
                    campaign_id=event.campaign_id,
                    delivery_id=event.delivery_id,
                )
            )
    return event


def event_delivery_link(*, event: Event, delivery: Delivery | None) -> Event:
    """Record the delivery the event made: one of its campaign's."""
    if delivery is not None and delivery.campaign_id != event.campaign_id:
        raise EventError(_("That delivery is not one of this event's campaign."))
    Event.objects.filter(pk=event.pk).update(delivery=delivery, updated_at=timezone.now())
    event.delivery = delivery
    return event
