"""Appending to a campaign's transparency log, and signing checkpoints of it.

What must stay true:
- A confirmed signature enters the log once (LogEntry.signature is unique) and a signature leaf
  is revoked at most once (one tombstone per leaf index); leaves and nodes are never rewritten.
- Appends lock the campaign's LogHead row and nothing else, so a confirmation never waits for the
  log: appends happen after it commits, in the worker when there is a broker (the log hears of
  confirmations and erasures through the signatures app's events: see subscribers.py).
- `LogHead.live_count` (signature leaves minus tombstones) changes in the same transaction as
  the leaves. When no confirmed signature is waiting to be appended, it equals
  `Campaign.signature_count`.
"""

import logging
import time
from datetime import datetime, timedelta
from typing import cast

from django.db import IntegrityError, transaction
from django.utils import timezone

from groundswell.campaigns.models import Campaign
from groundswell.signatures.models import Signature, SignatureChannel
from groundswell.transparency.checkpoints import Checkpoint as CheckpointStatement
from groundswell.transparency.checkpoints import key_id, sign_checkpoint
from groundswell.transparency.commitments import TombstoneReason as LeafTombstoneReason
from groundswell.transparency.commitments import (
    new_salt,
    signature_commitment,
    signature_leaf_of,
    tombstone_leaf,
)
from groundswell.transparency.log_entries import (
    ENTRY_REASONS,
    Channel,
    SignatureEntry,
    TombstoneEntry,
    parse_entry,
)
from groundswell.transparency.log_store import DatabaseNodeStore, NodeAppender, rows_insert
from groundswell.transparency.merkle import leaf_hash, root_hash
from groundswell.transparency.models import Checkpoint, EntryNode, LeafKind, LogEntry, LogHead
from groundswell.transparency.services.receipts import (
    AppendedSignature,
    ReceiptRecipient,
    receipt_emails_queue,
)
from groundswell.transparency.services.signed_checkpoints import signed_checkpoint_create
from groundswell.transparency.signing_key import checkpoint_signing_key

logger = logging.getLogger(__name__)

EXTEND_BATCH_SIZE = 5000
SIGNATURE_ENTRY_FIELDS = [
    "campaign", "index", "kind", "leaf_hash", "appended_at", "signature", "public_id", "salt",
    "confirmed_at", "reason", "entry",
]  # fmt: skip
# Signature.channel as the log's entries publish it. A signature recorded through the API came
# from a partner's site or tool: the entry format has one byte for both.
CHANNELS = {
    SignatureChannel.ONLINE: Channel.ONLINE,
    SignatureChannel.PAPER: Channel.PAPER,
    SignatureChannel.API: Channel.PARTNER_TOOL,
    SignatureChannel.PARTNER_TOOL: Channel.PARTNER_TOOL,
}
# A scan for new leaves looks back this long before the previous scan began: a confirmation that
# was not yet committed then is found now, if its transaction took less than this (plus any clock
# difference between web servers and workers). Later stragglers are found by a full scan, which
# the sweep and every checkpoint run.
RESCAN_WINDOW = timedelta(seconds=30)


def entry_channel_for(channel: str) -> Channel:
    """The channel byte of a signature's version 1 entry, from its `Signature.channel`."""
    return CHANNELS[SignatureChannel(channel)]


def log_head_lock(*, campaign_id: int) -> LogHead:
    """The campaign's log head, locked until the transaction ends; created on first use."""
    head = LogHead.objects.select_for_update().filter(pk=campaign_id).first()
    if head is not None:
        return head
    slug = Campaign.objects.values_list("slug", flat=True).get(pk=campaign_id)
    try:
        with transaction.atomic():
            LogHead.objects.create(campaign_id=campaign_id, log_name=slug)
    except IntegrityError:
        pass  # created by a concurrent append, which we now wait for
    return LogHead.objects.select_for_update().get(pk=campaign_id)


def transparency_log_extend(
    *,
    campaign_id: int,
    full_scan: bool = False,
    batch_size: int = EXTEND_BATCH_SIZE,
    now: datetime | None = None,
) -> int:
    """Append one batch of confirmed signatures not yet in the log. Returns how many.

    Leaves go in order of confirmation time (then id). Each appended signer whose confirmation is
    recent is e-mailed a receipt, in the same transaction.
    """
    now = now or timezone.now()
    with transaction.atomic():
        head = log_head_lock(campaign_id=campaign_id)
        pending = Signature.objects.filter(
            campaign_id=campaign_id, confirmed_at__isnull=False, log_entry__isnull=True
        )
        if not full_scan and head.appended_through and head.scanned_at:
            # Waiting are: signatures the previous batch left for later (confirmed after the last
            # one appended) and signatures committed since the previous scan began (confirmed at
            # most RESCAN_WINDOW before it). Older ones would make every scan read the whole log.
            since = min(head.appended_through, head.scanned_at - RESCAN_WINDOW)
            pending = pending.filter(confirmed_at__gte=since)
        scan_started = timezone.now()
        # Confirmed signatures: confirmed_at is set.
        rows = cast(
            list[tuple[int, str, datetime, str, str, str]],
            list(
                pending.order_by("confirmed_at", "pk").values_list(
                    "pk", "public_id", "confirmed_at", "name", "email", "channel"
                )[:batch_size]
            ),
        )
        if not rows:
            LogHead.objects.filter(pk=campaign_id).update(scanned_at=scan_started)
            return 0
        appender = NodeAppender.load(campaign_id=campaign_id, size=head.size)
        entry_appender = NodeAppender.load(campaign_id=campaign_id, size=head.size, model=EntryNode)
        entry_rows = []
        recipients = []
        for signature_id, public_id, confirmed_at, name, email, channel in rows:
            salt = new_salt()
            commitment = signature_commitment(
                public_id=public_id,
                campaign_slug=head.log_name,
                confirmed_at=confirmed_at,
                salt=salt,
            )
            digest = leaf_hash(signature_leaf_of(commitment))
            index = appender.append(digest)
            entry = SignatureEntry(commitment, entry_channel_for(channel))
            entry_bytes = entry.to_bytes()
            entry_appender.append(leaf_hash(entry_bytes))
            # The columns of SIGNATURE_ENTRY_FIELDS; plain tuples, since model instances would
            # cost a third of the batch.
            entry_rows.append(
                (campaign_id, index, LeafKind.SIGNATURE.value, digest, now, signature_id,
                 public_id, salt, confirmed_at, "", entry_bytes)
            )  # fmt: skip
            recipients.append(
                ReceiptRecipient(
                    leaf=AppendedSignature(
                        index=index, public_id=public_id, confirmed_at=confirmed_at, salt=salt
                    ),
                    signature_id=signature_id,
                    name=name,
                    email=email,
                )
            )
        rows_insert(LogEntry, SIGNATURE_ENTRY_FIELDS, entry_rows)
        appender.save()
        entry_appender.save()
        latest = max(row[2] for row in rows)
        if head.appended_through is not None:
            latest = max(latest, head.appended_through)
        LogHead.objects.filter(pk=campaign_id).update(
            size=appender.size,
            live_count=head.live_count + len(entry_rows),
            appended_through=latest,
            scanned_at=scan_started,
            updated_at=now,
        )
        campaign = Campaign.objects.get(pk=campaign_id)
        receipt_emails_queue(
            campaign=campaign, log_name=head.log_name, recipients=recipients, now=now
        )
    logger.info("appended %s signature leaves to the log of campaign %s", len(rows), campaign_id)
    return len(rows)


def transparency_log_extend_all(
    *,
    campaign_id: int,
    full_scan: bool = False,
    batch_size: int = EXTEND_BATCH_SIZE,
    deadline: float | None = None,
) -> int:
    """Append every waiting signature, one batch per transaction so the head is never held long.

    With `full_scan`, a last pass looks through all of the campaign's confirmed signatures rather
    than recent ones only, and so also finds stragglers. With a `deadline` (`time.monotonic()`),
    no batch starts after it: the rest waits for the next run.
    """
    total = 0
    while True:
        appended = transparency_log_extend(campaign_id=campaign_id, batch_size=batch_size)
        total += appended
        if appended < batch_size or (deadline is not None and time.monotonic() > deadline):
            break
    while full_scan:
        if deadline is not None and time.monotonic() > deadline:
            break
        appended = transparency_log_extend(
            campaign_id=campaign_id, full_scan=True, batch_size=batch_size
        )
        total += appended
        if appended < batch_size:
            break
    return total


def transparency_signature_withdrawn(
    *, signature_id: int, campaign_id: int, reason: str, now: datetime | None = None
) -> LogEntry | None:
    """Append the tombstone of a signature that stops counting, if its leaf is in the log.

    Must run inside the transaction that deletes or invalidates the signature, and before that
    transaction locks the signature row: the head is always locked first (appends lock the head,
    then reference signature rows), so the two can never wait for each other.
    """
    now = now or timezone.now()
    head = log_head_lock(campaign_id=campaign_id)
    revoked = (
        LogEntry.objects.filter(signature_id=signature_id).values_list("index", flat=True).first()
    )
    if revoked is None:
        return None
    if LogEntry.objects.filter(campaign_id=campaign_id, revoked_index=revoked).exists():
        return None
    return _tombstone_append(head=head, revoked_index=revoked, reason=reason, now=now)


def _tombstone_append(*, head: LogHead, revoked_index: int, reason: str, now: datetime) -> LogEntry:
    appender = NodeAppender.load(campaign_id=head.campaign_id, size=head.size)
    entry_appender = NodeAppender.load(
        campaign_id=head.campaign_id, size=head.size, model=EntryNode
    )
    revoked_entry = bytes(
        cast(
            bytes,
            LogEntry.objects.filter(campaign_id=head.campaign_id, index=revoked_index)
            .values_list("entry", flat=True)
            .get(),
        )
    )
    entry_bytes = TombstoneEntry(
        revoked_index, ENTRY_REASONS[reason], parse_entry(revoked_entry).commitment
    ).to_bytes()
    entry_appender.append(leaf_hash(entry_bytes))
    leaf = tombstone_leaf(
        leaf_index=revoked_index,
        campaign_slug=head.log_name,
        reason=cast(LeafTombstoneReason, reason),
        at=now,
    )
    digest = leaf_hash(leaf)
    entry = LogEntry.objects.create(
        campaign_id=head.campaign_id,
        index=appender.append(digest),
        kind=LeafKind.TOMBSTONE,
        leaf_hash=digest,
        appended_at=now,
        revoked_index=revoked_index,
        reason=reason,
        revoked_at=now,
        entry=entry_bytes,
    )
    appender.save()
    entry_appender.save()
    LogHead.objects.filter(pk=head.campaign_id).update(
        size=appender.size, live_count=head.live_count - 1, updated_at=now
    )
    head.size = appender.size
    head.live_count -= 1
    return entry


def checkpoint_create(*, campaign: Campaign, now: datetime | None = None) -> Checkpoint:
    """Append everything confirmed so far, then sign the log at its new size.

    The same size is signed once: asking again with nothing new returns the existing checkpoint.
    """
    transparency_log_extend_all(campaign_id=campaign.pk, full_scan=True)
    now = now or timezone.now()
    with transaction.atomic():
        head = log_head_lock(campaign_id=campaign.pk)
        existing = Checkpoint.objects.filter(campaign=campaign, tree_size=head.size).first()
        if existing is not None:
            return existing
        store = DatabaseNodeStore(campaign_id=campaign.pk)
        store.prefetch(lambda nodes: root_hash(nodes, tree_size=head.size))
        statement = CheckpointStatement(
            campaign=head.log_name,
            tree_size=head.size,
            root_hash=root_hash(store, tree_size=head.size),
            live_count=head.live_count,
            timestamp=now,
        )
        private_key = checkpoint_signing_key()
        checkpoint = Checkpoint.objects.create(
            campaign=campaign,
            log_name=statement.campaign,
            tree_size=statement.tree_size,
            root_hash=statement.root_hash,
            live_count=statement.live_count,
            timestamp=statement.timestamp,
            signature=sign_checkpoint(statement, private_key),
            key_id=key_id(private_key.public_key()).hex(),
        )
    logger.info("checkpoint of campaign %s at tree size %s", campaign.pk, checkpoint.tree_size)
    # The C2SP checkpoint of the same size, over the published entries.
    signed_checkpoint_create(campaign_id=campaign.pk, now=now)
    return checkpoint
