"""Reads of the transparency log: proofs, checkpoints, the log's head, receipts."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from groundswell.campaigns.models import Campaign
from groundswell.signatures.models import Signature
from groundswell.transparency.audit_sample import SAMPLE_FORMAT, Opening, sample_indexes
from groundswell.transparency.commitments import TombstoneReason as LeafTombstoneReason
from groundswell.transparency.log_store import DatabaseNodeStore
from groundswell.transparency.merkle import consistency_proof, inclusion_proof
from groundswell.transparency.models import (
    Checkpoint,
    LeafKind,
    LogEntry,
    LogHead,
    SignedCheckpoint,
)
from groundswell.transparency.proof_documents import (
    ConsistencyProof,
    InclusionProof,
    TombstoneEntry,
    consistency_proof_to_json,
    inclusion_proof_to_json,
)


class ProofRequestError(ValueError):
    """A proof was asked for with sizes or indexes the log cannot prove; safe to show."""


# Proofs and checkpoints ------------------------------------------------------------------------


def checkpoints_for_campaign(*, campaign: Campaign) -> QuerySet[Checkpoint]:
    return Checkpoint.objects.filter(campaign=campaign).order_by("tree_size")


def checkpoint_at_size(*, campaign: Campaign, tree_size: int) -> Checkpoint:
    checkpoint = Checkpoint.objects.filter(campaign=campaign, tree_size=tree_size).first()
    if checkpoint is None:
        raise ProofRequestError(
            _(
                "No checkpoint of this log has tree size %(size)s; proofs are given only for "
                "the sizes listed in checkpoints.json."
            )
            % {"size": tree_size}
        )
    return checkpoint


def checkpoint_latest(*, campaign: Campaign) -> Checkpoint | None:
    return Checkpoint.objects.filter(campaign=campaign).order_by("-tree_size").first()


def checkpoint_counting_furthest(*, campaign: Campaign) -> Checkpoint | SignedCheckpoint | None:
    """Of the log's own checkpoints (C2SP, signed on a schedule) and the JSON ones an organizer
    or a delivery made, the one of the largest tree: how far a signer's entry is counted."""
    latest: list[Checkpoint | SignedCheckpoint | None] = [
        checkpoint_latest(campaign=campaign),
        SignedCheckpoint.objects.filter(campaign=campaign).order_by("-tree_size").first(),
    ]
    return max(
        (checkpoint for checkpoint in latest if checkpoint is not None),
        key=lambda checkpoint: checkpoint.tree_size,
        default=None,
    )


def inclusion_proof_document(
    *, campaign: Campaign, leaf_index: int, tree_size: int | None = None
) -> dict[str, object]:
    """The proof that leaf `leaf_index` is in a checkpointed tree, with the leaf's tombstone.

    Without `tree_size`, the latest checkpoint is used. The tombstone (if the leaf was revoked
    within that tree) comes with its own audit path, so a verifier sees the revocation is real.
    """
    if tree_size is None:
        latest = checkpoint_latest(campaign=campaign)
        if latest is None:
            raise ProofRequestError(_("This log has no checkpoint yet."))
        tree_size = latest.tree_size
    else:
        checkpoint_at_size(campaign=campaign, tree_size=tree_size)
    if leaf_index >= tree_size:
        raise ProofRequestError(
            _(
                "Leaf %(index)s is not in the tree of size %(size)s: it was appended later. "
                "Use a later checkpoint."
            )
            % {"index": leaf_index, "size": tree_size}
        )
    tombstones = list(
        LogEntry.objects.filter(
            campaign=campaign,
            kind=LeafKind.TOMBSTONE,
            revoked_index=leaf_index,
            index__lt=tree_size,
        ).values_list("index", "reason", "revoked_at")
    )
    store = DatabaseNodeStore(campaign_id=campaign.pk)
    indexes = [leaf_index, *(index for index, _reason, _at in tombstones)]
    store.prefetch(
        *(
            lambda nodes, index=index: inclusion_proof(nodes, index=index, tree_size=tree_size)
            for index in indexes
        )
    )
    proof = InclusionProof(
        tree_size=tree_size,
        leaf_index=leaf_index,
        audit_path=tuple(inclusion_proof(store, index=leaf_index, tree_size=tree_size)),
        tombstones=tuple(
            TombstoneEntry(
                leaf_index=index,
                revoked_leaf_index=leaf_index,
                reason=cast(LeafTombstoneReason, reason),
                at=cast(datetime, revoked_at),
                audit_path=tuple(inclusion_proof(store, index=index, tree_size=tree_size)),
            )
            for index, reason, revoked_at in tombstones
        ),
    )
    return inclusion_proof_to_json(proof)


def consistency_proof_document(
    *, campaign: Campaign, old_size: int, new_size: int
) -> dict[str, object]:
    """The proof that the checkpointed tree of `old_size` is a prefix of that of `new_size`."""
    if old_size > new_size:
        raise ProofRequestError(
            _("The old size %(old)s is larger than the new size %(new)s: a log never shrinks.")
            % {"old": old_size, "new": new_size}
        )
    for size in (old_size, new_size):
        checkpoint_at_size(campaign=campaign, tree_size=size)
    store = DatabaseNodeStore(campaign_id=campaign.pk)
    store.prefetch(lambda nodes: consistency_proof(nodes, old_size=old_size, new_size=new_size))
    path = consistency_proof(store, old_size=old_size, new_size=new_size)
    return consistency_proof_to_json(
        ConsistencyProof(old_size=old_size, new_size=new_size, path=tuple(path))
    )


def log_head_get(*, campaign: Campaign) -> LogHead | None:
    return LogHead.objects.filter(pk=campaign.pk).first()


def log_live_count_recount(*, campaign_id: int) -> int:
    """The live count recomputed from the entries themselves, not from the head."""
    counts = dict(
        LogEntry.objects.filter(campaign_id=campaign_id)
        .values_list("kind")
        .annotate(count=Count("pk"))
        .values_list("kind", "count")
    )
    return counts.get(LeafKind.SIGNATURE, 0) - counts.get(LeafKind.TOMBSTONE, 0)


def campaign_ids_with_pending_leaves(
    *, quiet_for: timedelta, now: datetime | None = None
) -> list[int]:
    """Campaigns whose count says a confirmed signature is not in the log yet.

    Only campaigns without a confirmation for `quiet_for` are named: during a burst the queued
    extension tasks keep up, and what the sweep looks for is work whose task was lost.
    """
    now = now or timezone.now()
    logged = dict(LogHead.objects.values_list("campaign_id", "live_count"))
    candidates = Campaign.objects.filter(signature_count__gt=0).values_list(
        "pk", "signature_count", "last_signed_at"
    )
    return [
        campaign_id
        for campaign_id, count, last_signed_at in candidates
        if count != logged.get(campaign_id, 0)
        and (last_signed_at is None or last_signed_at < now - quiet_for)
    ]


# Receipts ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReceiptState:
    """What the receipt page can say about one signature."""

    entry: LogEntry | None
    tombstone: LogEntry | None
    # True while the signature is confirmed but its leaf is not appended yet.
    pending: bool
    log_name: str


def receipt_state_get(*, campaign: Campaign, public_id: str) -> ReceiptState | None:
    """None when nothing by that public id was ever confirmed on this campaign."""
    entry = (
        LogEntry.objects.filter(campaign=campaign, kind=LeafKind.SIGNATURE, public_id=public_id)
        .only("index", "public_id", "salt", "confirmed_at")
        .first()
    )
    head = log_head_get(campaign=campaign)
    if entry is not None:
        tombstone = LogEntry.objects.filter(campaign=campaign, revoked_index=entry.index).first()
        # A leaf was appended, so the log has its head.
        log_name = cast(LogHead, head).log_name
        return ReceiptState(entry=entry, tombstone=tombstone, pending=False, log_name=log_name)
    confirmed = Signature.objects.filter(
        campaign=campaign, public_id=public_id, confirmed_at__isnull=False
    ).exists()
    if not confirmed:
        return None
    return ReceiptState(
        entry=None, tombstone=None, pending=True, log_name=head.log_name if head else ""
    )


# The tiled log -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TiledLog:
    log_name: str
    checkpoint: SignedCheckpoint


def tiled_log_get(*, campaign: Campaign) -> TiledLog | None:
    """The campaign's log as published: its latest signed checkpoint (None before the first)."""
    latest = SignedCheckpoint.objects.filter(campaign=campaign).order_by("-tree_size").first()
    if latest is None:
        return None
    # The origin is <host>/p/<log name>: one query, the petition page runs this on every render.
    return TiledLog(log_name=latest.origin.rsplit("/p/", 1)[1], checkpoint=latest)


# Anti-fabrication sampling -----------------------------------------------------------------------


class AuditSampleError(Exception):
    """No checkpoint to sample from, or a sample size that makes no sense."""


def audit_sample_indexes(
    *, campaign: Campaign, tree_size: int | None = None, sample_size: int = 50
) -> tuple[SignedCheckpoint, list[int]]:
    """The signed checkpoint (the latest, or the one of `tree_size`) and the entry indexes its
    root samples (audit_sample). No personal data: what a delivery may print for the record."""
    if sample_size < 1:
        raise AuditSampleError("the sample size is at least 1")
    checkpoints = SignedCheckpoint.objects.filter(campaign=campaign)
    if tree_size is not None:
        checkpoints = checkpoints.filter(tree_size=tree_size)
    checkpoint = checkpoints.order_by("-tree_size").first()
    if checkpoint is None:
        raise AuditSampleError(
            "this log has no signed checkpoint"
            + ("" if tree_size is None else f" at size {tree_size}")
        )
    size = checkpoint.tree_size
    within = LogEntry.objects.filter(campaign=campaign, index__lt=size)
    signatures = set(within.filter(kind=LeafKind.SIGNATURE).values_list("index", flat=True))
    revoked = set(within.filter(kind=LeafKind.TOMBSTONE).values_list("revoked_index", flat=True))
    live = signatures - revoked
    indexes = sample_indexes(
        root_hash=bytes(checkpoint.root_hash),
        tree_size=size,
        count=sample_size,
        is_live=live.__contains__,
    )
    return checkpoint, indexes


def audit_sample_document(
    *, campaign: Campaign, tree_size: int | None = None, sample_size: int = 50
) -> dict[str, object]:
    """The openings of the signatures sampled by a signed checkpoint's root (audit_sample).

    Holds personal data (names, e-mail addresses): for the organizer to hand to an auditor only.
    Tombstoned entries are never sampled, so an erased signer's data is never asked for.
    """
    checkpoint, indexes = audit_sample_indexes(
        campaign=campaign, tree_size=tree_size, sample_size=sample_size
    )
    within = LogEntry.objects.filter(campaign=campaign, index__lt=checkpoint.tree_size)
    rows = {
        entry.index: entry for entry in within.filter(index__in=indexes).select_related("signature")
    }
    openings = []
    for index in indexes:
        entry = rows[index]
        signature = entry.signature
        openings.append(
            Opening(
                index=index,
                public_id=entry.public_id,
                confirmed_at=cast(datetime, entry.confirmed_at),
                salt=bytes(cast(bytes, entry.salt)),
                # Erased after this checkpoint (its tombstone comes later): nobody to contact.
                name=signature.name if signature is not None else "",
                email=signature.email if signature is not None else "",
            ).to_json()
        )
    head = log_head_get(campaign=campaign)
    return {
        "format": SAMPLE_FORMAT,
        "log_name": head.log_name if head else campaign.slug,
        "checkpoint": bytes(checkpoint.note).decode(),
        "sample_size": sample_size,
        "openings": openings,
    }
