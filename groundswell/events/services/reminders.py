"""Reminders before an event: EVENT_REMINDER_DAY_BEFORE_HOURS and
EVENT_REMINDER_SHORTLY_BEFORE_HOURS before it starts, to every confirmed RSVP.

`groundswell beat` runs `event_reminders_send` every minute. Each reminder of each event is
claimed by one conditional UPDATE of its marker (`... WHERE <marker> IS NULL`) in the
transaction that stores its e-mails in the outbox: two workers never both send it, a worker
that dies before committing leaves it unclaimed for the next run, and the rows survive restarts.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models.functions import Coalesce
from django.utils import timezone

from groundswell.events.models import Event, EventStatus, Rsvp, RsvpStatus
from groundswell.events.services.notices import EmailKind, rsvp_email_queue


def _due(*, marker: str, hours: int, skip_within_hours: int, now: datetime) -> list[int]:
    if hours <= 0:
        return []
    queryset = Event.objects.filter(
        status=EventStatus.PUBLISHED,
        starts_at__gt=now,
        starts_at__lte=now + timedelta(hours=hours),
        **{f"{marker}__isnull": True},
    )
    if skip_within_hours > 0:
        # Too late for this one: the shorter reminder is (or was) due instead.
        queryset = queryset.filter(starts_at__gt=now + timedelta(hours=skip_within_hours))
    return list(queryset.values_list("pk", flat=True))


def event_reminders_send(*, now: datetime | None = None) -> int:
    """Claim and queue every reminder due now; the number of e-mails queued."""
    now = now or timezone.now()
    day_hours = settings.EVENT_REMINDER_DAY_BEFORE_HOURS
    short_hours = settings.EVENT_REMINDER_SHORTLY_BEFORE_HOURS
    queued = 0
    for event_id in _due(
        marker="shortly_before_reminded_at", hours=short_hours, skip_within_hours=0, now=now
    ):
        # The day-before one is never sent after the shorter one.
        queued += _claim_and_queue(
            event_id=event_id,
            marker="shortly_before_reminded_at",
            also={"day_before_reminded_at": Coalesce("day_before_reminded_at", now)},
            now=now,
        )
    for event_id in _due(
        marker="day_before_reminded_at",
        hours=day_hours,
        skip_within_hours=short_hours,
        now=now,
    ):
        queued += _claim_and_queue(
            event_id=event_id, marker="day_before_reminded_at", also={}, now=now
        )
    return queued


def _claim_and_queue(*, event_id: int, marker: str, also: dict[str, object], now: datetime) -> int:
    with transaction.atomic():
        claimed = Event.objects.filter(
            pk=event_id, status=EventStatus.PUBLISHED, **{f"{marker}__isnull": True}
        ).update(**{marker: now}, **also)
        if not claimed:
            return 0
        event = Event.objects.get(pk=event_id)
        rsvps = list(Rsvp.objects.filter(event=event, status=RsvpStatus.CONFIRMED, walk_in=False))
        for rsvp in rsvps:
            rsvp_email_queue(rsvp=rsvp, event=event, kind=EmailKind.REMINDER)
    return len(rsvps)
