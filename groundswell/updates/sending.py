"""Sending an update: the recipients are listed once (one INSERT ... SELECT), then sent in
claimed batches at UPDATE_SEND_RATE messages per second, each row marked sent right after the
SMTP server accepted its message.

The rows are the source of truth. One task at a time holds an update's lease (renewed every
batch); a worker that dies leaves its lease and claims to run out, and the sweep starts another
task, which sends what is still pending. SMTP has no two-phase commit: a message accepted in the
instant before its row is marked (one database round trip) would be sent again; it then has the
same Message-ID, by which mail systems recognise a repeat.
"""

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from groundswell.campaigns.models import TimelineKind
from groundswell.campaigns.timeline import timeline_entry_add
from groundswell.core.jobs import enqueue_now
from groundswell.core.outbox import permanent_failure
from groundswell.updates.addresses import address_hash
from groundswell.updates.audiences import HOST_SIGNERS, RECIPIENT_OWNERS, audience_people
from groundswell.updates.messages import (
    MessageBytes,
    RenderedUpdates,
    recipient_language,
    unsubscribe_url,
)
from groundswell.updates.models import (
    RecipientStatus,
    Suppression,
    Unsubscription,
    Update,
    UpdateRecipient,
    UpdateStatus,
)

logger = logging.getLogger(__name__)

SEND_TASK = "groundswell.updates.tasks.update_send_task"
BATCH_SIZE = 100
# A message the server refused for a reason that may pass is retried this many times in all.
MAX_ATTEMPTS = 3


def lease_length() -> timedelta:
    """How long a sender's lease and its claims last without renewal: longer than one batch
    at the slowest rate, so a live sender is never doubled."""
    return timedelta(seconds=settings.UPDATE_SEND_LEASE_SECONDS)


class Pacer:
    """Spaces sends to at most `rate` a second (0: as fast as the server takes them)."""

    def __init__(self, rate: int) -> None:
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self.next_at = time.monotonic()

    def wait(self) -> None:
        if not self.interval:
            return
        now = time.monotonic()
        if self.next_at > now:
            time.sleep(self.next_at - now)
        self.next_at = max(self.next_at, now) + self.interval


@dataclass
class SendOutcome:
    sent: int = 0
    failed: int = 0
    suppressed: int = 0
    finished: bool = False


def update_send(*, update_id: int, time_budget_seconds: float | None = None) -> SendOutcome:
    """Send what is pending of an update being sent, for up to `time_budget_seconds`; then
    queue the next run, so that one big update does not hold a worker for an hour."""
    outcome = SendOutcome()
    budget = time_budget_seconds or settings.UPDATE_SEND_TASK_SECONDS
    deadline = time.monotonic() + budget
    lease = _lease_take(update_id=update_id)
    if lease is None:
        return outcome
    try:
        update = Update.objects.select_related("organization", "campaign", "letter", "event").get(
            pk=update_id
        )
        if update.recipients_listed_at is None:
            update_recipients_list(update=update)
        # Each language the recipients read is rendered once, when the first of them comes up.
        renderings = RenderedUpdates(update)
        pacer = Pacer(settings.UPDATE_SEND_RATE)
        while True:
            lease = _lease_renew(update_id=update_id, lease=lease)
            if lease is None:  # cancelled, or (after a long stall) taken over
                return outcome
            batch = _batch_claim(update_id=update_id)
            if not batch:
                outcome.finished = update_finish_if_done(update_id=update_id)
                return outcome
            _batch_send(
                update=update, renderings=renderings, batch=batch, pacer=pacer, into=outcome
            )
            if time.monotonic() > deadline:
                _lease_release(update_id=update_id, lease=lease)
                lease = None
                enqueue_now(SEND_TASK, update_id)
                return outcome
    finally:
        if lease is not None:
            _lease_release(update_id=update_id, lease=lease)


def _lease_take(*, update_id: int) -> datetime | None:
    now = timezone.now()
    lease = now + lease_length()
    taken = (
        Update.objects.filter(pk=update_id, status=UpdateStatus.SENDING)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .update(lease_until=lease)
    )
    return lease if taken else None


def _lease_renew(*, update_id: int, lease: datetime) -> datetime | None:
    renewed = timezone.now() + lease_length()
    kept = Update.objects.filter(
        pk=update_id, status=UpdateStatus.SENDING, lease_until=lease
    ).update(lease_until=renewed)
    return renewed if kept else None


def _lease_release(*, update_id: int, lease: datetime) -> None:
    Update.objects.filter(pk=update_id, lease_until=lease).update(lease_until=None)


def update_recipients_list(*, update: Update, now: datetime | None = None) -> int:
    """One row per person of the audience, in one INSERT ... SELECT; idempotent (the unique
    constraints skip anyone listed already). Returns how many rows the update has."""
    now = now or timezone.now()
    people = audience_people(update=update)
    column = f"{RECIPIENT_OWNERS[people.model][0]}_id"
    select, params = (
        people.order_by().annotate(owner_id=F("pk")).values("owner_id").query.sql_with_params()
    )
    table = connection.ops.quote_name(UpdateRecipient._meta.db_table)
    with transaction.atomic():
        with connection.cursor() as cursor:
            # WHERE true: SQLite needs it to tell the upsert clause from a join.
            cursor.execute(
                f"INSERT INTO {table} (update_id, {column}, status, attempts, last_error) "  # noqa: S608
                f"SELECT %s, owner.owner_id, %s, 0, '' FROM ({select}) AS owner WHERE true "
                "ON CONFLICT DO NOTHING",
                [update.pk, RecipientStatus.PENDING, *params],
            )
        count = UpdateRecipient.objects.filter(update_id=update.pk).count()
        Update.objects.filter(pk=update.pk).update(recipients_listed_at=now, recipient_count=count)
    update.recipients_listed_at, update.recipient_count = now, count
    return count


def _batch_claim(*, update_id: int, size: int = BATCH_SIZE) -> list[int]:
    now = timezone.now()
    claimable = Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - lease_length())
    with transaction.atomic():
        ids = list(
            UpdateRecipient.objects.select_for_update(skip_locked=True)
            .filter(claimable, update_id=update_id, status=RecipientStatus.PENDING)
            .order_by("pk")
            .values_list("pk", flat=True)[:size]
        )
        if ids:
            UpdateRecipient.objects.filter(
                claimable, pk__in=ids, status=RecipientStatus.PENDING
            ).update(claimed_at=now)
    return ids


@dataclass(frozen=True)
class _Addressee:
    recipient_id: int
    address: str
    address_hash: str
    language: str


def _addressees(*, ids: list[int]) -> list[_Addressee]:
    """Each recipient's address and language, read from its owner row (only one of the three is
    set) in one query for the batch."""
    rows = UpdateRecipient.objects.filter(pk__in=ids).values_list(
        "pk",
        "signature__email",
        "signatory__personal_email",
        "rsvp__email",
        "signature__language",
        "signatory__language",
        "rsvp__language",
    )
    addressees = []
    for recipient_id, signature_email, signatory_email, rsvp_email, *languages in rows:
        address = signature_email or signatory_email or rsvp_email or ""
        language = recipient_language(next((code for code in languages if code), None))
        addressees.append(_Addressee(recipient_id, address, address_hash(address), language))
    return sorted(addressees, key=lambda addressee: addressee.recipient_id)


def _batch_send(
    *,
    update: Update,
    renderings: RenderedUpdates,
    batch: list[int],
    pacer: Pacer,
    into: SendOutcome,
) -> None:
    addressees = _addressees(ids=batch)
    hashes = {addressee.address_hash for addressee in addressees}
    blocked = set(
        Unsubscription.objects.filter(
            organization_id=update.organization_id, address_hash__in=hashes
        ).values_list("address_hash", flat=True)
    )
    blocked |= set(
        Suppression.objects.filter(address_hash__in=hashes).values_list("address_hash", flat=True)
    )
    suppressed = [a.recipient_id for a in addressees if a.address_hash in blocked or not a.address]
    if suppressed:
        UpdateRecipient.objects.filter(pk__in=suppressed, status=RecipientStatus.PENDING).update(
            status=RecipientStatus.SUPPRESSED, claimed_at=None
        )
        into.suppressed += len(suppressed)
    to_send = [a for a in addressees if a.recipient_id not in set(suppressed)]
    if not to_send:
        return
    with get_connection() as smtp, _marks_without_waiting_for_the_disk():
        # Made once a batch and language, so that the Date header stays current.
        fast_path = isinstance(smtp, SMTPBackend)
        fast_by_language: dict[str, MessageBytes | None] = {}
        for addressee in to_send:
            pacer.wait()
            rendered = renderings.in_language(addressee.language)
            if fast_path and addressee.language not in fast_by_language:
                fast_by_language[addressee.language] = MessageBytes.made(rendered)
            fast = fast_by_language.get(addressee.language)
            link = unsubscribe_url(
                organization_id=update.organization_id,
                organization_slug=update.organization.slug,
                address_hash=addressee.address_hash,
                language=addressee.language,
            )
            message_id = f"update-{update.pk}.{addressee.recipient_id}"
            data = (
                fast.for_recipient(
                    to=addressee.address, unsubscribe_url=link, message_id=message_id
                )
                if fast
                else None
            )
            try:
                if fast and data is not None:
                    fast.send(smtp, to=addressee.address, data=data)
                else:
                    rendered.message(
                        to=addressee.address,
                        unsubscribe_url=link,
                        message_id=message_id,
                        connection=smtp,
                    ).send()
            except Exception as error:
                into.failed += _failure_record(recipient_id=addressee.recipient_id, error=error)
                continue
            _mark_sent(recipient_id=addressee.recipient_id)
            into.sent += 1


def _mark_sent(*, recipient_id: int) -> None:
    UpdateRecipient.objects.filter(pk=recipient_id).update(
        status=RecipientStatus.SENT,
        sent_at=timezone.now(),
        attempts=F("attempts") + 1,
        last_error="",
    )


@contextmanager
def _marks_without_waiting_for_the_disk() -> Iterator[None]:
    """Each row is marked sent right after the server accepted its message, in a commit of its
    own. On PostgreSQL these commits do not wait for the WAL to reach the disk (6 ms a message on
    this machine, more than the rest of the sending): a mark is visible to every other sender
    at once, so a worker's crash loses nothing; only a crash of PostgreSQL itself could lose
    the last fraction of a second of marks (at most 3 x wal_writer_delay), whose messages would
    be sent again. The lease renewal before each batch is an ordinary commit, which flushes
    every mark before it."""
    postgresql = connection.vendor == "postgresql"
    if postgresql:
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit = off")
    try:
        yield
    finally:
        if postgresql:
            with connection.cursor() as cursor:
                cursor.execute("RESET synchronous_commit")


def _failure_record(*, recipient_id: int, error: Exception) -> int:
    """1 if the recipient failed for good, 0 if it will be retried once its claim runs out."""
    reason = type(error).__name__
    smtp_code = getattr(error, "smtp_code", None)
    if smtp_code:
        reason = f"{reason} {smtp_code}"
    recipient = UpdateRecipient.objects.filter(pk=recipient_id).only("attempts").first()
    if recipient is None:  # erased meanwhile
        return 0
    attempts = recipient.attempts + 1
    final = permanent_failure(error) is not None or attempts >= MAX_ATTEMPTS
    changes: dict[str, object] = {"attempts": attempts, "last_error": reason[:200]}
    if final:
        changes.update(status=RecipientStatus.FAILED, claimed_at=None)
    else:
        changes["claimed_at"] = timezone.now()
    UpdateRecipient.objects.filter(pk=recipient_id, status=RecipientStatus.PENDING).update(
        **changes
    )
    logger.warning("update recipient #%s not sent: %s", recipient_id, reason)
    return 1 if final else 0


def recipient_status_counts(*, update_id: int) -> dict[str, int]:
    counts = {status.value: 0 for status in RecipientStatus}
    rows = (
        UpdateRecipient.objects.filter(update_id=update_id)
        .values("status")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for row in rows:
        counts[row["status"]] = row["count"]
    return counts


def update_finish_if_done(*, update_id: int, now: datetime | None = None) -> bool:
    """Mark the update sent once no recipient is pending; True if it is (now or before)."""
    counts = recipient_status_counts(update_id=update_id)
    if counts[RecipientStatus.PENDING]:
        return False
    # Exactly one call moves the update to sent: what must happen once when an update has
    # been sent (its entry on the campaign's timeline) belongs where `finished` is 1.
    now = now or timezone.now()
    finished = Update.objects.filter(pk=update_id, status=UpdateStatus.SENDING).update(
        status=UpdateStatus.SENT,
        finished_at=now,
        sent_count=counts[RecipientStatus.SENT],
        failed_count=counts[RecipientStatus.FAILED],
        suppressed_count=counts[RecipientStatus.SUPPRESSED],
        lease_until=None,
    )
    if finished:
        logger.info("update #%s sent", update_id)
        _timeline_entry_for(update_id=update_id, at=now)
    return True


def _timeline_entry_for(*, update_id: int, at: datetime) -> None:
    """The host's news to signers is a step of the campaign's public story (its subject only:
    what partners write to their own supporters, and letters' and events' news, are not)."""
    update = Update.objects.select_related("campaign").get(pk=update_id)
    campaign = update.campaign
    if campaign is None or update.organization_id != campaign.organization_id:
        return
    if update.audience != HOST_SIGNERS:
        return
    timeline_entry_add(
        campaign=campaign, kind=TimelineKind.UPDATE, key=str(update.pk), at=at, title=update.subject
    )


def updates_sweep(*, now: datetime | None = None) -> int:
    """Queue a send task for every update being sent that no live task holds (its worker died,
    or its message was lost); returns how many. The scheduler runs it every minute."""
    now = now or timezone.now()
    orphans = list(
        Update.objects.filter(status=UpdateStatus.SENDING)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .values_list("pk", flat=True)
    )
    for update_id in orphans:
        enqueue_now(SEND_TASK, update_id)
    return len(orphans)
