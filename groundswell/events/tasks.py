"""Scheduled work of events, started by `groundswell beat` (settings.CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from groundswell.events.services.reminders import event_reminders_send
from groundswell.events.services.rsvps import rsvps_unconfirmed_purge


@shared_task(name="groundswell.events.tasks.event_reminders_send_task")
def event_reminders_send_task() -> int:
    return event_reminders_send()


@shared_task(name="groundswell.events.tasks.rsvps_unconfirmed_purge_task")
def rsvps_unconfirmed_purge_task() -> int:
    """RSVPs never confirmed are erased once their confirmation link has expired."""
    return rsvps_unconfirmed_purge()
