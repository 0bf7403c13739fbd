"""Every e-mail is a stored row first; a lost task or a failed send is retried by the sweep."""

from datetime import timedelta
from smtplib import SMTPServerDisconnected

import pytest
from django.core import mail
from django.utils import timezone

from groundswell.core.models import OutboundEmail
from groundswell.core.outbox import outbound_email_send, outbox_drain

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

    assert outbox_drain() == 1
    email.refresh_from_db()
    assert email.sent_at is not None


def test_the_drain_sends_every_unsent_unclaimed_email_once():
    hour_ago = timezone.now() - timedelta(hours=1)
    stored_email(to="lost@example.org")
    stored_email(to="done@example.org", sent_at=hour_ago)
    stored_email(to="busy@example.org", claimed_at=timezone.now())
    stored_email(to="stale@example.org", claimed_at=hour_ago)

    assert outbox_drain() == 2
    assert outbox_drain() == 0

    assert sorted(message.to[0] for message in mail.outbox) == [
        "lost@example.org",
        "stale@example.org",
    ]


def test_with_a_broker_requests_leave_sending_to_the_drain(settings, run_on_commit):
    from groundswell.core.outbox import outbound_email_queue

    settings.CELERY_TASK_ALWAYS_EAGER = False
    with run_on_commit():
        outbound_email_queue(to="a@example.org", subject="Hi", body="Body", kind="test")

    assert len(mail.outbox) == 0
    assert outbox_drain() == 1


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


def test_a_body_left_to_the_sender_is_rendered_in_the_signers_language_and_kept():
    email = stored_email(
        body="",
        template="signatures/email/confirm.txt",
        context={
            "name": "Ada",
            "title": "Cancel it",
            "target": "Dana",
            "confirm_url": "https://x/c/",
            "petition_url": "https://x/p/",
            "max_age_days": 14,
            "pending_consents": [],
            "confirmed": False,
        },
        language="en",
    )

    outbound_email_send(email_id=email.pk)

    assert "Hello Ada," in mail.outbox[0].body
    assert "https://x/c/" in mail.outbox[0].body
    email.refresh_from_db()
    assert email.body == mail.outbox[0].body


def test_the_drain_records_each_email_sent_with_its_own_body_in_one_go():
    context = {
        "title": "Cancel it", "target": "Dana", "petition_url": "https://x/p/",
        "max_age_days": 14, "pending_consents": [], "confirmed": False,
    }  # fmt: skip
    rendered = [
        stored_email(
            to=f"s{number}@example.org",
            body="",
            template="signatures/email/confirm.txt",
            context={
                **context,
                "name": f"Signer {number}",
                "confirm_url": f"https://x/c/{number}/",
            },
            language="en",
            attempts=number,
        )
        for number in range(3)
    ]
    written = stored_email(body="Written by hand")

    assert outbox_drain() == 4

    for number, email in enumerate(rendered):
        email.refresh_from_db()
        assert email.sent_at is not None
        assert email.attempts == number + 1
        assert email.last_error == ""
        assert f"Signer {number}" in email.body
        assert f"https://x/c/{number}/" in email.body
    written.refresh_from_db()
    assert (written.body, written.attempts) == ("Written by hand", 1)


REPEAT_ASKED = {"asked_consents": ["Ours may contact me."], "asked_visit": "Theirs"}


@pytest.mark.parametrize(
    ("template", "shared", "holes"),
    [
        ("signatures/email/confirm.txt", {}, ["name", "confirm_url"]),
        ("signatures/email/already_signed.txt", {"confirmed": False}, ["confirm_url"]),
        ("signatures/email/already_signed.txt", {"confirmed": True}, []),
        (
            "signatures/email/already_signed.txt",
            {"confirmed": True, "has_change": True, **REPEAT_ASKED},
            ["change_url"],
        ),
        (
            "signatures/email/already_signed.txt",
            {"confirmed": False, "has_change": True, **REPEAT_ASKED},
            ["confirm_url", "change_url"],
        ),
    ],
)
def test_an_email_kept_but_for_its_recipients_values_reads_as_if_rendered_in_full(
    template, shared, holes
):
    from django.template.loader import render_to_string

    from groundswell.core.outbox import PER_RECIPIENT

    context = {
        "title": "Cancel <it> & \"now\"", "target": "Dana", "petition_url": "https://x/p/",
        "max_age_days": 14, **shared,
    }  # fmt: skip
    recipients = [
        {"name": "Ada", "confirm_url": "https://x/c/1:a/", "change_url": "https://x/x/1:a/"},
        {
            "name": "Bé <b>&amp; %(title)s {{ name }}",
            "confirm_url": "https://x/c/2:b/",
            "change_url": "https://x/x/2:b/",
        },
    ]
    recipients = [{name: values[name] for name in holes} for values in recipients]
    emails = [
        stored_email(
            to=f"s{number}@example.org",
            body="",
            template=template,
            language="en",
            context={**context, **personal, PER_RECIPIENT: holes},
        )
        for number, personal in enumerate(recipients)
    ]

    assert outbox_drain() == 2

    for email, personal in zip(emails, recipients, strict=True):
        email.refresh_from_db()
        assert email.body == render_to_string(template, {**context, **personal})
        for value in personal.values():
            assert value in email.body
