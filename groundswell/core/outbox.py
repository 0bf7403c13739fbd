"""The mail outbox: e-mails are rows first, messages second."""

import logging
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import InterfaceError, OperationalError, connection
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from groundswell.core.jobs import enqueue_on_commit
from groundswell.core.models import OutboundEmail

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8


def claim_timeout() -> timedelta:
    """After this long, a row claimed by a sender that died (or lost its database) is free again.
    Longer than the SMTP timeout, so a slow but live sender is never doubled."""
    return timedelta(seconds=settings.OUTBOX_CLAIM_TIMEOUT_SECONDS)


def outbound_email_queue(*, to: str, subject: str, body: str, kind: str) -> OutboundEmail:
    """Store an e-mail in the current transaction; it is sent once that commits."""
    email = OutboundEmail.objects.create(to=to, subject=subject, body=body, kind=kind)
    outbound_email_send_soon(email_id=email.pk)
    return email


def outbound_email_send_soon(*, email_id: int) -> None:
    """Without a broker, send right after commit. With one, leave it to `outbox_drain`, which
    `groundswell beat` starts every OUTBOX_DRAIN_SECONDS: a busy request then costs no broker
    round trip, and a broker outage delays mail without losing any."""
    from groundswell.core.tasks import outbound_email_send_task

    if settings.CELERY_TASK_ALWAYS_EAGER:
        enqueue_on_commit(outbound_email_send_task, email_id)


def outbox_drain(*, time_budget_seconds: float = 50.0, batch_size: int = 200) -> int:
    """Send every unsent e-mail, oldest first, until none is left or the time is up.

    Several drains (one per worker) may run at once: each row is claimed before it is sent.
    """
    deadline = time.monotonic() + time_budget_seconds
    sent = 0
    while time.monotonic() < deadline:
        ids = outbox_unsent_ids(older_than=timedelta(0))[:batch_size]
        if not ids:
            break
        for email_id in ids:
            sent += outbound_email_send(email_id=email_id)
            if time.monotonic() >= deadline:
                break
    return sent


def outbound_email_send(*, email_id: int, now: datetime | None = None) -> bool:
    """Send one stored e-mail unless it was sent or another sender holds it. True if sent now."""
    now = now or timezone.now()
    claimable = Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - claim_timeout())
    claimed = (
        OutboundEmail.objects.filter(claimable, pk=email_id, sent_at__isnull=True)
        .filter(attempts__lt=MAX_ATTEMPTS)
        .update(claimed_at=now)
    )
    if not claimed:
        return False
    email = OutboundEmail.objects.get(pk=email_id)
    body = email.body or _render_body(email)
    message = EmailMessage(
        subject=email.subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
    )
    try:
        message.send()
    except Exception as error:
        reason = type(error).__name__
        smtp_code = getattr(error, "smtp_code", None)
        if smtp_code:
            reason = f"{reason} {smtp_code}"
        OutboundEmail.objects.filter(pk=email_id).update(
            claimed_at=None, attempts=email.attempts + 1, last_error=reason[:200]
        )
        logger.warning("e-mail #%s (%s) not sent: %s", email_id, email.kind, reason)
        return False
    _mark_sent(email_id=email_id, attempts=email.attempts + 1, body=body)
    return True


def _render_body(email: OutboundEmail) -> str:
    with translation.override(email.language or settings.LANGUAGE_CODE):
        return render_to_string(email.template, email.context)


def _mark_sent(*, email_id: int, attempts: int, body: str) -> None:
    """Record a send that the SMTP server accepted, retrying through a database outage.

    Until this update lands, the claim is all that stops the sweep from sending the message
    again; so keep trying for half the claim timeout before giving up (and risking a duplicate).
    """
    deadline = time.monotonic() + claim_timeout().total_seconds() / 2
    pause = 0.5
    while True:
        try:
            OutboundEmail.objects.filter(pk=email_id).update(
                sent_at=timezone.now(), attempts=attempts, last_error="", body=body
            )
            return
        except (OperationalError, InterfaceError):
            if time.monotonic() + pause > deadline:
                raise
            logger.warning("e-mail #%s sent but not yet recorded; retrying", email_id)
            connection.close()
            time.sleep(pause)
            pause = min(pause * 2, 5)


def outbox_unsent_ids(*, older_than: timedelta, now: datetime | None = None) -> list[int]:
    now = now or timezone.now()
    return list(
        OutboundEmail.objects.filter(
            sent_at__isnull=True, created_at__lt=now - older_than, attempts__lt=MAX_ATTEMPTS
        )
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - claim_timeout()))
        .order_by("created_at")
        .values_list("pk", flat=True)[:5000]
    )
