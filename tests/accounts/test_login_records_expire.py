"""What a login leaves behind goes on a schedule, not only when someone next logs in: axes's
record of a failing username, client address and user agent once its lock-out is over, and
expired sessions (Django never deletes those by itself)."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from groundswell.accounts.tasks import login_records_expire_task

pytestmark = pytest.mark.django_db


def fail_to_log_in(client, *, username: str, address: str) -> None:
    client.post(reverse("login"), {"username": username, "password": "wrong"}, REMOTE_ADDR=address)


def test_a_failed_login_is_forgotten_once_its_lock_out_is_over(client, owner, settings):
    fail_to_log_in(client, username="ada@example.org", address="203.0.113.7")
    fail_to_log_in(client, username="owner", address="198.51.100.9")
    AccessAttempt.objects.filter(ip_address="203.0.113.7").update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    )

    login_records_expire_task()

    # No other login happened meanwhile, which is when axes itself would have cleaned up.
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["owner"]


def test_expired_sessions_are_deleted_and_live_ones_kept(client, owner, viewer):
    client.force_login(owner)
    gone = Session.objects.get()
    Session.objects.filter(pk=gone.pk).update(expire_date=timezone.now() - timedelta(seconds=1))
    client.force_login(viewer)
    live = Session.objects.exclude(pk=gone.pk).get()

    login_records_expire_task()

    assert list(Session.objects.values_list("pk", flat=True)) == [live.pk]


def test_the_scheduler_runs_it(settings):
    schedule = {
        entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }

    assert schedule["groundswell.accounts.tasks.login_records_expire_task"] <= 3600
