"""An event in people's calendars: .ics files (with the event's time zone, VTIMEZONE included)
and "add to Google Calendar / Outlook" links."""

from datetime import UTC, datetime
from urllib.parse import urlencode

import icalendar

from groundswell.core.signed_links import absolute_url
from groundswell.events.models import Event


def _location(event: Event, *, online_url: str) -> str:
    place = ", ".join(part for part in (event.place_name, event.place_address) if part)
    return place or online_url


def event_ics(*, event: Event, online_url: str = "", rsvp_public_id: str = "") -> bytes:
    """One VEVENT in the event's own time zone (TZID, with its VTIMEZONE). `online_url` only for
    a confirmed RSVP's file; `rsvp_public_id` makes that file's UID the person's own."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Groundswell//events//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    vevent = icalendar.Event()
    uid = f"event-{event.pk}" + (f"-{rsvp_public_id}" if rsvp_public_id else "")
    vevent.add("uid", f"{uid}@groundswell")
    vevent.add("dtstamp", datetime.now(UTC))
    vevent.add("dtstart", event.starts_at.astimezone(event.zone))
    vevent.add("dtend", event.ends_at.astimezone(event.zone))
    vevent.add("summary", event.title)
    url = absolute_url(event.get_absolute_url())
    vevent.add("url", url)
    description = event.description_markdown
    if online_url:
        description = f"{description}\n\n{online_url}".strip()
    vevent.add("description", f"{description}\n\n{url}".strip())
    location = _location(event, online_url=online_url)
    if location:
        vevent.add("location", location)
    vevent.add("status", "CANCELLED" if event.status == "cancelled" else "CONFIRMED")
    vevent.add("sequence", int(event.updated_at.timestamp()) if event.updated_at else 0)
    calendar.add_component(vevent)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _utc_stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def google_calendar_url(*, event: Event, online_url: str = "") -> str:
    query = {
        "action": "TEMPLATE",
        "text": event.title,
        "dates": f"{_utc_stamp(event.starts_at)}/{_utc_stamp(event.ends_at)}",
        "ctz": event.time_zone,
        "details": absolute_url(event.get_absolute_url()),
        "location": _location(event, online_url=online_url),
    }
    return f"https://calendar.google.com/calendar/render?{urlencode(query)}"


def outlook_calendar_url(*, event: Event, online_url: str = "") -> str:
    query = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": event.title,
        "startdt": event.starts_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "enddt": event.ends_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "body": absolute_url(event.get_absolute_url()),
        "location": _location(event, online_url=online_url),
    }
    return f"https://outlook.live.com/calendar/0/action/compose?{urlencode(query)}"
