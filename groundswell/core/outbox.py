"""The mail outbox: e-mails are rows first, messages second."""

import json
import logging
import smtplib
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import Count, Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation

from groundswell.core.jobs import between_batches, enqueue_on_commit
from groundswell.core.models import EmailFailure, OutboundEmail
from groundswell.core.page_cache import text_with_holes
from groundswell.core.text import one_line

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
# After a failure that may pass (the server unreachable, a 4xx), the next attempt waits this
# long, doubled each time: the eight attempts span about an hour, not a few seconds of drains.
FIRST_RETRY_DELAY = timedelta(seconds=30)
# Kept texts are keyed on everything they show, so this bounds memory rather than staleness.
TEXT_KEPT_SECONDS = 300


def claim_timeout() -> timedelta:
    """After this long, a row claimed by a sender that died (or lost its database) is free again.
    Longer than the SMTP timeout, so a slow but live sender is never doubled."""
    return timedelta(seconds=settings.OUTBOX_CLAIM_TIMEOUT_SECONDS)


def outbound_email_queue(
    *,
    to: str,
    subject: str,
    body: str,
    kind: str,
    signature_id: int | None = None,
    signatory_id: int | None = None,
    rsvp_id: int | None = None,
    campaign_id: int | None = None,
) -> OutboundEmail:
    """Store an e-mail in the current transaction; it is sent once that commits.

    An e-mail to a signer must name them (`signature_id`, `signatory_id`, or `rsvp_id` for
    someone who RSVP'd to an event): it is then deleted
    when they are. `campaign_id` names the campaign the e-mail is about, whose organizers see it
    if it fails.
    """
    email = OutboundEmail.objects.create(
        to=to,
        subject=subject,
        body=body,
        kind=kind,
        signature_id=signature_id,
        signatory_id=signatory_id,
        rsvp_id=rsvp_id,
        campaign_id=campaign_id,
    )
    outbound_email_send_soon(email_id=email.pk)
    return email


def outbound_email_send_soon(*, email_id: int) -> None:
    """Without a broker, send right after commit. With one, leave it to `outbox_drain`, which
    `groundswell beat` starts every OUTBOX_DRAIN_SECONDS: a busy request then costs no broker
    round trip, and a broker outage delays mail without losing any."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        enqueue_on_commit("groundswell.core.tasks.outbound_email_send_task", email_id)


def outbox_drain(*, time_budget_seconds: float = 50.0, batch_size: int = 200) -> int:
    """Send every unsent e-mail, oldest first, in claimed batches, until none is left or the
    time is up. Several drains (one per worker) may run at once: a batch is claimed with
    SKIP LOCKED before it is sent, and one SMTP connection carries the whole batch."""
    deadline = time.monotonic() + time_budget_seconds
    sent = 0
    while time.monotonic() < deadline:
        batch = _claim_batch(size=batch_size)
        if not batch:
            break
        sent += _send_batch(batch)
        if len(batch) == batch_size:
            between_batches()
    return sent


def outbound_emails_send(*, among: QuerySet[OutboundEmail], batch_size: int = 200) -> int:
    """Send the unsent e-mails `among` these as the drain sends: in batches claimed together
    (SKIP LOCKED: rows another sender holds are skipped, never sent twice), each over one SMTP
    connection and recorded as sent in one statement. How many were sent now."""
    sent = 0
    while batch := _claim_batch(size=batch_size, among=among):
        sent += _send_batch(batch)
        if len(batch) < batch_size:
            break
    return sent


def _claim_batch(*, size: int, among: QuerySet[OutboundEmail] | None = None) -> list[OutboundEmail]:
    now = timezone.now()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Walk the unsent-rows index in order. Each row sent leaves a dead entry there until
            # VACUUM; an index scan marks the entries it finds dead so later scans skip them,
            # where the bitmap scan the planner tends to pick revisits them all (100 ms per
            # batch after a burst of 100,000 e-mails, against 2 ms).
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL enable_bitmapscan = off")
        batch = list(
            (OutboundEmail.objects.all() if among is None else among)
            .select_for_update(skip_locked=True)
            .filter(sent_at__isnull=True, failed_at__isnull=True, attempts__lt=MAX_ATTEMPTS)
            .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - claim_timeout()))
            .order_by("pk")[:size]
        )
        OutboundEmail.objects.filter(pk__in=[email.pk for email in batch]).update(claimed_at=now)
    return batch


def _send_batch(batch: list[OutboundEmail]) -> int:
    sent: list[OutboundEmail] = []
    with get_connection() as smtp:
        for email in batch:
            try:
                email.body = email.body or _render_body(email)
                _message(email, body=email.body, connection=smtp).send()
            except Exception as error:
                _record_failure(email=email, error=error)
                continue
            sent.append(email)
    if sent:
        _with_database_retries(
            lambda: _mark_batch_sent(sent, now=timezone.now()),
            what=f"{len(sent)} e-mails sent but not yet recorded",
        )
    return len(sent)


def _mark_batch_sent(sent: list[OutboundEmail], *, now: datetime) -> None:
    """One statement for the whole batch. On PostgreSQL the bodies travel as an array: Django's
    bulk_update builds a CASE expression per row, which cost more than sending the e-mails."""
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(OutboundEmail._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} AS o SET sent_at = %s, attempts = o.attempts + 1, "  # noqa: S608
                "last_error = '', body = v.body "
                "FROM unnest(%s::bigint[], %s::text[]) AS v(id, body) WHERE o.id = v.id",
                [now, [email.pk for email in sent], [email.body for email in sent]],
            )
        return
    for email in sent:
        email.sent_at, email.attempts, email.last_error = now, email.attempts + 1, ""
    OutboundEmail.objects.bulk_update(sent, ["sent_at", "attempts", "last_error", "body"])


def outbound_email_send(*, email_id: int, now: datetime | None = None) -> bool:
    """Send one stored e-mail unless it was sent or another sender holds it. True if sent now."""
    now = now or timezone.now()
    claimable = Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - claim_timeout())
    claimed = (
        OutboundEmail.objects.filter(claimable, pk=email_id, sent_at__isnull=True)
        .filter(failed_at__isnull=True, attempts__lt=MAX_ATTEMPTS)
        .update(claimed_at=now)
    )
    if not claimed:
        return False
    email = OutboundEmail.objects.get(pk=email_id)
    try:
        body = email.body or _render_body(email)
        _message(email, body=body).send()
    except Exception as error:
        _record_failure(email=email, error=error)
        return False
    _mark_sent(email_id=email_id, attempts=email.attempts + 1, body=body)
    return True


def outbound_emails_expire(
    *, now: datetime | None = None, batch_size: int = 1000, time_budget_seconds: float = 50.0
) -> int:
    """Delete the e-mails sent more than EMAIL_RETENTION_DAYS ago, and those given up on that
    were stored that long ago. Returns how many; safe to run anywhere, any number of times.

    Rows are deleted rather than blanked: nothing reads a sent e-mail, and a blanked row would
    still say that someone was e-mailed about a given campaign on a given day.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.EMAIL_RETENTION_DAYS)
    expired = Q(sent_at__lt=cutoff) | Q(failed_at__isnull=False, created_at__lt=cutoff)
    deadline = time.monotonic() + time_budget_seconds
    deleted = 0
    while time.monotonic() < deadline:
        with transaction.atomic():
            ids = list(
                OutboundEmail.objects.filter(expired)
                .select_for_update(skip_locked=True)
                .values_list("pk", flat=True)[:batch_size]
            )
            if not ids:
                break
            OutboundEmail.objects.filter(pk__in=ids).delete()
        deleted += len(ids)
    return deleted


def _message(email: OutboundEmail, *, body: str, connection: object = None) -> EmailMessage:
    # The subject is built by the code from a title: flattened, so that a line break in it (from
    # before titles refused them) can no longer keep anyone's e-mail from being sent.
    return EmailMessage(
        subject=one_line(email.subject),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
        connection=connection,
    )


# A context may name, under this key, the values that differ from one recipient to the next
# (a name, a personal link), printed as they are by its template. The rest of the text is then
# rendered once per process for everyone who shares it: a spike's confirmation e-mails differ
# only in those few strings, and rendering each in full was most of the sender's work.
PER_RECIPIENT = "_per_recipient"


def _render_body(email: OutboundEmail) -> str:
    with translation.override(email.language or settings.LANGUAGE_CODE):
        context = dict(email.context)
        personal = context.pop(PER_RECIPIENT, None)
        if not personal:
            return render_to_string(email.template, context)
        holes = {name: str(context.pop(name)) for name in personal}
        shared = json.dumps(context, sort_keys=True)
        return text_with_holes(
            email.template, context, holes=holes, key=shared, seconds=TEXT_KEPT_SECONDS
        )


def permanent_failure(error: Exception) -> str | None:
    """The EmailFailure that `error` means for good, or None when a later attempt may succeed.

    A refusal of our own sender or login is a configuration error that fails every e-mail alike
    until someone fixes it: retried, not failed.
    """
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in error.recipients.values()]
        refused = bool(codes) and all(code >= 500 for code in codes)
        return EmailFailure.RECIPIENT_REFUSED if refused else None
    if isinstance(error, smtplib.SMTPDataError):
        return EmailFailure.MESSAGE_REFUSED if error.smtp_code >= 500 else None
    if isinstance(error, ValueError):  # BadHeaderError, an address that cannot be encoded
        return EmailFailure.INVALID_MESSAGE
    return None


def _record_failure(*, email: OutboundEmail, error: Exception) -> None:
    reason = type(error).__name__
    smtp_code = getattr(error, "smtp_code", None)
    if smtp_code:
        reason = f"{reason} {smtp_code}"
    now = timezone.now()
    attempts = email.attempts + 1
    failure = permanent_failure(error)
    if failure is None and attempts >= MAX_ATTEMPTS:
        failure = EmailFailure.GAVE_UP
    changes: dict[str, object] = {"attempts": attempts, "last_error": reason[:200]}
    if failure:
        changes.update(claimed_at=None, failed_at=now, failure=failure)
        logger.warning("e-mail #%s (%s) failed for good: %s", email.pk, email.kind, reason)
    else:
        # Held as if claimed until the retry is due: claimable once claimed_at is older than the
        # claim timeout (see _claim_batch).
        delay = FIRST_RETRY_DELAY * 2 ** (attempts - 1)
        changes["claimed_at"] = now - claim_timeout() + delay
        logger.warning("e-mail #%s (%s) not sent, will retry: %s", email.pk, email.kind, reason)
    OutboundEmail.objects.filter(pk=email.pk).update(**changes)


def _mark_sent(*, email_id: int, attempts: int, body: str) -> None:
    _with_database_retries(
        lambda: OutboundEmail.objects.filter(pk=email_id).update(
            sent_at=timezone.now(), attempts=attempts, last_error="", body=body
        ),
        what=f"e-mail #{email_id} sent but not yet recorded",
    )


def _with_database_retries(write: Callable[[], object], *, what: str) -> None:
    """Record sends the SMTP server accepted, retrying through a database outage.

    Until this write lands, the claim is all that stops another drain from sending the message
    again; so keep trying for half the claim timeout before giving up (and risking a duplicate).
    """
    deadline = time.monotonic() + claim_timeout().total_seconds() / 2
    pause = 0.5
    while True:
        try:
            write()
            return
        except (OperationalError, InterfaceError):
            if time.monotonic() + pause > deadline:
                raise
            logger.warning("%s; retrying", what)
            connection.close()
            time.sleep(pause)
            pause = min(pause * 2, 5)


@dataclass(frozen=True)
class FailureCount:
    reason: str
    count: int


@dataclass(frozen=True)
class EmailFailures:
    total: int
    by_reason: list[FailureCount]


def outbound_email_failures(*, campaign_id: int) -> EmailFailures:
    """How many of a campaign's e-mails will never be sent, by reason: counts only, never who
    they were for, so that every member of the campaign may see them."""
    return email_failures_counted(OutboundEmail.objects.filter(campaign_id=campaign_id))


def email_failures_counted(emails: QuerySet[OutboundEmail]) -> EmailFailures:
    rows = (
        emails.filter(failed_at__isnull=False)
        .values("failure")
        .annotate(count=Count("pk"))
        .order_by("-count", "failure")
    )
    labels = dict(EmailFailure.choices)
    by_reason = [
        FailureCount(reason=str(labels.get(row["failure"], row["failure"])), count=row["count"])
        for row in rows
    ]
    return EmailFailures(total=sum(item.count for item in by_reason), by_reason=by_reason)
