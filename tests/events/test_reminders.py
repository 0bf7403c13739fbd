"""Reminders the day before and shortly before, claimed so that none is ever sent twice; a new
start time re-arms them."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from groundswell.events.models import Event
from groundswell.events.services.events import event_update
from groundswell.events.services.reminders import event_reminders_send

pytestmark = pytest.mark.django_db


@pytest.fixture
def soon(make_event):
    def make(hours: float, **fields):
        starts_at = timezone.now() + timedelta(hours=hours)
        return make_event(starts_at=starts_at, ends_at=starts_at + timedelta(hours=2), **fields)

    return make


def reminders_sent():
    return [message for message in mail.outbox if message.subject.startswith("Reminder:")]


def test_the_day_before_everyone_confirmed_is_reminded_once(soon, rsvped, run_on_commit):
    event = soon(20, capacity=1)
    coming = rsvped(event)
    rsvped(event)  # waitlisted: no reminder
    rsvped(event, confirm=False)  # pending: none either

    with run_on_commit():
        first = event_reminders_send()
    with run_on_commit():
        second = event_reminders_send()

    assert (first, second) == (1, 0)
    assert [message.to for message in reminders_sent()] == [[coming.email]]
    assert "/cancel/" in reminders_sent()[0].body


def test_shortly_before_there_is_a_second_reminder(soon, rsvped, run_on_commit):
    event = soon(20)
    rsvped(event)
    with run_on_commit():
        event_reminders_send()
    Event.objects.filter(pk=event.pk).update(
        starts_at=timezone.now() + timedelta(hours=1), ends_at=timezone.now() + timedelta(hours=3)
    )

    with run_on_commit():
        event_reminders_send()

    assert len(reminders_sent()) == 2


def test_an_event_close_to_its_start_gets_only_the_short_reminder(soon, rsvped, run_on_commit):
    event = soon(1)
    rsvped(event)

    with run_on_commit():
        event_reminders_send()
        event_reminders_send()

    assert len(reminders_sent()) == 1


def test_reminders_can_be_turned_off(soon, rsvped, settings, run_on_commit):
    settings.EVENT_REMINDER_DAY_BEFORE_HOURS = 0
    settings.EVENT_REMINDER_SHORTLY_BEFORE_HOURS = 0
    rsvped(soon(1))

    with run_on_commit():
        assert event_reminders_send() == 0


def test_a_new_start_time_re_arms_the_reminders(soon, rsvped, run_on_commit):
    event = soon(20)
    rsvped(event)
    with run_on_commit():
        event_reminders_send()
    new_start = timezone.now() + timedelta(hours=22)

    with run_on_commit():
        event_update(
            event=event,
            data={"starts_at": new_start, "ends_at": new_start + timedelta(hours=1)},
            co_hosts=[],
        )
        event_reminders_send()

    assert len(reminders_sent()) == 2
    assert len([m for m in mail.outbox if m.subject.startswith("Changed:")]) == 1


def test_two_workers_claiming_at_once_send_one_reminder(soon, rsvped, run_on_commit):
    event = soon(20)
    rsvped(event)
    now = timezone.now()
    # The second worker read the event as due before the first one claimed it.
    from groundswell.events.services import reminders

    due = reminders._due(marker="day_before_reminded_at", hours=24, skip_within_hours=2, now=now)

    with run_on_commit():
        sent = [
            reminders._claim_and_queue(
                event_id=event_id, marker="day_before_reminded_at", also={}, now=now
            )
            for event_id in due * 2
        ]

    assert sent == [1, 0]


def test_reminders_set_the_wrong_way_round_are_warned_of(settings):
    from groundswell.events.checks import reminders_come_in_order

    settings.EVENT_REMINDER_DAY_BEFORE_HOURS = 2
    settings.EVENT_REMINDER_SHORTLY_BEFORE_HOURS = 24

    assert [warning.id for warning in reminders_come_in_order(None)] == ["events.W001"]
