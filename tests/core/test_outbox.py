"""Every e-mail is a stored row first; a lost task or a failed send is retried by the sweep."""

from datetime import timedelta
from smtplib import SMTPServerDisconnected

import pytest
from django.core import mail
from django.utils import timezone

from groundswell.core.models import OutboundEmail
from groundswell.core.outbox import outbound_email_send
from groundswell.core.tasks import outbox_sweep

pytestmark = pytest.mark.django_db


def stored_email(**fields):
    defaults = {"to": "a@example.org", "subject": "Hi", "body": "Body", "kind": "test"}
    defaults.update(fields)
    return OutboundEmail.objects.create(**defaults)


def test_a_stored_email_is_sent_once_however_often_its_task_runs():
    email = stored_email()

    assert outbound_email_send(email_id=email.pk) is True
    assert outbound_email_send(email_id=email.pk) is False

    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert email.sent_at is not None


def test_an_email_claimed_by_a_live_sender_is_left_alone():
    email = stored_email(claimed_at=timezone.now())

    assert outbound_email_send(email_id=email.pk) is False
    assert len(mail.outbox) == 0


def test_a_failed_send_is_recorded_without_the_address_and_retried_later(monkeypatch):
    email = stored_email()

    def fail(self, *args, **kwargs):
        raise SMTPServerDisconnected("lost a@example.org")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", fail)
    assert outbound_email_send(email_id=email.pk) is False
    email.refresh_from_db()
    assert email.sent_at is None
    assert email.attempts == 1
    assert email.last_error == "SMTPServerDisconnected"
    monkeypatch.undo()

    OutboundEmail.objects.filter(pk=email.pk).update(created_at=timezone.now() - timedelta(hours=1))
    assert outbox_sweep() == 1
    email.refresh_from_db()
    assert email.sent_at is not None


def test_the_sweep_requeues_only_old_unsent_unclaimed_emails():
    hour_ago = timezone.now() - timedelta(hours=1)
    lost = stored_email()
    fresh = stored_email()
    done = stored_email(sent_at=hour_ago)
    OutboundEmail.objects.filter(pk__in=[lost.pk, done.pk]).update(created_at=hour_ago)

    assert outbox_sweep() == 1

    assert [message.to for message in mail.outbox] == [["a@example.org"]]
    fresh.refresh_from_db()
    assert fresh.sent_at is None


def test_a_send_is_recorded_even_if_the_database_drops_out_right_after_it(monkeypatch, settings):
    from django.db import OperationalError
    from django.db.models import QuerySet

    settings.OUTBOX_CLAIM_TIMEOUT_SECONDS = 20
    email = stored_email()
    real_update = QuerySet.update
    failures = {"left": 2}

    def flaky_update(self, **values):
        if "sent_at" in values and failures["left"]:
            failures["left"] -= 1
            raise OperationalError("server closed the connection unexpectedly")
        return real_update(self, **values)

    monkeypatch.setattr(QuerySet, "update", flaky_update)
    monkeypatch.setattr("groundswell.core.outbox.time.sleep", lambda seconds: None)
    monkeypatch.setattr("groundswell.core.outbox.connection.close", lambda: None)

    assert outbound_email_send(email_id=email.pk) is True

    email.refresh_from_db()
    assert email.sent_at is not None
    assert len(mail.outbox) == 1
