"""The e-mails to people who RSVP'd: each is an outbox row that names its RSVP (deleted with it),
rendered in the person's language, with a link to their RSVP page and a cancel link."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import formats, translation
from django.utils.translation import gettext as _

from groundswell.core.outbox import outbound_email_queue
from groundswell.core.signed_links import absolute_url
from groundswell.events.calendars import google_calendar_url, outlook_calendar_url
from groundswell.events.links import (
    rsvp_cancel_url,
    rsvp_confirmation_url,
    rsvp_ticket_path,
    rsvp_ticket_url,
)
from groundswell.events.models import Event, Rsvp, RsvpStatus


class EmailKind:
    CONFIRM = "event-rsvp-confirm"
    CONFIRMED = "event-rsvp-confirmed"
    WAITLISTED = "event-rsvp-waitlisted"
    PROMOTED = "event-rsvp-promoted"
    REMINDER = "event-reminder"
    CHANGED = "event-changed"
    CANCELLED = "event-cancelled"
    RSVP_CANCELLED = "event-rsvp-cancelled"


def event_when(event: Event) -> str:
    """The start and end in the event's own time zone, named, in the active language."""
    starts = event.starts_at.astimezone(event.zone)
    ends = event.ends_at.astimezone(event.zone)
    if starts.date() == ends.date():
        text = (
            f"{formats.date_format(starts, 'DATETIME_FORMAT')} – "
            f"{formats.time_format(ends, 'TIME_FORMAT')}"
        )
    else:
        text = (
            f"{formats.date_format(starts, 'DATETIME_FORMAT')} – "
            f"{formats.date_format(ends, 'DATETIME_FORMAT')}"
        )
    return f"{text} ({event.time_zone})"


def _subject(kind: str, event: Event) -> str:
    subjects = {
        EmailKind.CONFIRM: _("Please confirm your RSVP: %(title)s"),
        EmailKind.CONFIRMED: _("You are coming: %(title)s"),
        EmailKind.WAITLISTED: _("You are on the waitlist: %(title)s"),
        EmailKind.PROMOTED: _("A place opened up for you: %(title)s"),
        EmailKind.REMINDER: _("Reminder: %(title)s"),
        EmailKind.CHANGED: _("Changed: %(title)s"),
        EmailKind.CANCELLED: _("Cancelled: %(title)s"),
        EmailKind.RSVP_CANCELLED: _("Your RSVP was cancelled: %(title)s"),
    }
    return subjects[kind] % {"title": event.title}


def rsvp_email_queue(*, rsvp: Rsvp, event: Event, kind: str) -> None:
    """Store the e-mail of `kind` to `rsvp` (in the current transaction); nothing for a walk-in
    without an address."""
    if not rsvp.email:
        return
    with translation.override(rsvp.language or settings.LANGUAGE_CODE):
        confirmed = rsvp.status == RsvpStatus.CONFIRMED
        ticket_path = rsvp_ticket_path(slug=event.slug, public_id=rsvp.public_id)
        online_url = event.online_url if confirmed else ""
        context = {
            "kind": kind,
            "name": rsvp.name,
            "event": event,
            "when": event_when(event),
            "place": ", ".join(p for p in (event.place_name, event.place_address) if p),
            "map_url": event.map_url,
            "event_url": absolute_url(event.get_absolute_url()),
            "online_url": online_url,
            "status": rsvp.status,
            "places": rsvp.places,
            "waitlist_position": rsvp.waitlist_position,
            "confirm_url": rsvp_confirmation_url(slug=event.slug, public_id=rsvp.public_id)
            if kind == EmailKind.CONFIRM
            else "",
            "ticket_url": rsvp_ticket_url(slug=event.slug, public_id=rsvp.public_id),
            "cancel_url": rsvp_cancel_url(slug=event.slug, public_id=rsvp.public_id),
            # The QR code of the check-in code, as an image on the RSVP's page (the outbox
            # sends plain text): opening it at the door is enough.
            "qr_url": absolute_url(f"{ticket_path}qr.png") if confirmed else "",
            "ics_url": absolute_url(f"{ticket_path}calendar.ics"),
            "checkin_code": rsvp.checkin_code if confirmed else "",
            "google_url": google_calendar_url(event=event, online_url=online_url),
            "outlook_url": outlook_calendar_url(event=event, online_url=online_url),
        }
        body = render_to_string("events/email/rsvp.txt", context)
        subject = _subject(kind, event)
    outbound_email_queue(
        to=rsvp.email,
        subject=subject,
        body=body,
        kind=kind,
        rsvp_id=rsvp.pk,
        campaign_id=event.campaign_id,
    )
