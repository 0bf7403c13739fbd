"""Sent e-mails keep no address or text after EMAIL_RETENTION_DAYS: the rows are deleted."""

from datetime import timedelta

import pytest
from django.utils import timezone

from groundswell.core.models import EmailFailure, OutboundEmail
from groundswell.core.outbox import MAX_ATTEMPTS, outbound_emails_expire
from groundswell.core.tasks import outbound_emails_expire_task

pytestmark = pytest.mark.django_db


def stored_email(**fields):
    defaults = {"to": "a@example.org", "subject": "Hi", "body": "Hello Ada", "kind": "test"}
    defaults.update(fields)
    email = OutboundEmail.objects.create(**defaults)
    if "created_at" in fields:
        OutboundEmail.objects.filter(pk=email.pk).update(created_at=fields["created_at"])
    return email


def test_sent_emails_older_than_the_retention_are_deleted(settings):
    settings.EMAIL_RETENTION_DAYS = 30
    now = timezone.now()
    old_sent = stored_email(sent_at=now - timedelta(days=31))
    old_given_up = stored_email(
        attempts=MAX_ATTEMPTS,
        failed_at=now - timedelta(days=30),
        failure=EmailFailure.GAVE_UP,
        created_at=now - timedelta(days=31),
    )
    recent_sent = stored_email(sent_at=now - timedelta(days=29))
    old_still_trying = stored_email(attempts=2, created_at=now - timedelta(days=31))
    unsent = stored_email()

    assert outbound_emails_expire(batch_size=1) == 2

    left = set(OutboundEmail.objects.values_list("pk", flat=True))
    assert left == {recent_sent.pk, old_still_trying.pk, unsent.pk}
    assert old_sent.pk not in left and old_given_up.pk not in left
    assert outbound_emails_expire() == 0


def test_the_retention_is_a_setting_and_the_purge_is_scheduled(settings):
    settings.EMAIL_RETENTION_DAYS = 1
    stored_email(sent_at=timezone.now() - timedelta(days=2))

    assert outbound_emails_expire_task() == 1
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "groundswell.core.tasks.outbound_emails_expire_task" in tasks
