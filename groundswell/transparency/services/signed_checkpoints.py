"""C2SP checkpoints of each campaign's tiled log, and their witnessing.

A checkpoint (``tlog_checkpoint.CountedCheckpoint``) says the log's origin, size, root over the
version 1 entries (EntryNode), live count and time, signed by the instance's log key
(``note_keys.log_signer``). The same size is signed once. Times never go backwards from one
checkpoint to the next. After commit, the worker writes the new full tiles and asks every
configured witness (TRANSPARENCY_WITNESSES) to cosign; cosignature lines are appended to the
stored note, which is what ``.../log/checkpoint`` serves.
"""

import logging
import urllib.error
import urllib.request
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from groundswell.campaigns.models import Campaign
from groundswell.core.jobs import enqueue_on_commit
from groundswell.transparency.log_store import DatabaseNodeStore
from groundswell.transparency.merkle import consistency_proof, root_hash
from groundswell.transparency.models import EntryNode, LogHead, SignedCheckpoint
from groundswell.transparency.note_keys import (
    ConfiguredWitness,
    configured_witnesses,
    log_origin,
    log_signer,
)
from groundswell.transparency.signed_note import NoteError, open_note
from groundswell.transparency.tlog_checkpoint import CountedCheckpoint, sign_checkpoint
from groundswell.transparency.witness import build_add_checkpoint_request, parse_cosignature_lines

logger = logging.getLogger(__name__)


def signed_checkpoint_create(
    *, campaign_id: int, now: datetime | None = None
) -> SignedCheckpoint | None:
    """Sign the log at its current size, unless that size is signed already (then return it).

    Returns None for a campaign with no log yet. Call after appending (transparency_log_extend).
    """
    now = (now or timezone.now()).replace(microsecond=0)
    with transaction.atomic():
        head = LogHead.objects.select_for_update().filter(pk=campaign_id).first()
        if head is None:
            return None
        existing = SignedCheckpoint.objects.filter(
            campaign_id=campaign_id, tree_size=head.size
        ).first()
        if existing is not None:
            return existing
        latest = SignedCheckpoint.objects.filter(campaign_id=campaign_id).aggregate(
            latest=Max("timestamp")
        )["latest"]
        if latest is not None and latest > now:
            now = latest
        store = DatabaseNodeStore(campaign_id=campaign_id, model=EntryNode)
        store.prefetch(lambda nodes: root_hash(nodes, tree_size=head.size))
        signer = log_signer()
        statement = CountedCheckpoint(
            log_origin(log_name=head.log_name),
            head.size,
            root_hash(store, tree_size=head.size),
            head.live_count,
            now,
        )
        checkpoint = SignedCheckpoint.objects.create(
            campaign_id=campaign_id,
            origin=statement.origin,
            tree_size=statement.size,
            root_hash=statement.root_hash,
            live_count=statement.live_count,
            timestamp=now,
            note=sign_checkpoint(statement, [signer]),
            key_name=signer.vkey,
        )
        enqueue_on_commit(
            "groundswell.transparency.tasks.signed_checkpoint_publish_task", checkpoint.pk
        )
    logger.info("signed checkpoint of campaign %s at size %s", campaign_id, checkpoint.tree_size)
    return checkpoint


def signed_checkpoints_due() -> list[int]:
    """Campaigns whose log grew since its latest signed checkpoint."""
    signed = dict(
        SignedCheckpoint.objects.values("campaign_id")
        .annotate(size=Max("tree_size"))
        .values_list("campaign_id", "size")
    )
    return [
        campaign_id
        for campaign_id, size in LogHead.objects.filter(size__gt=0).values_list("pk", "size")
        if signed.get(campaign_id, -1) < size
    ]


def signed_checkpoint_latest(*, campaign: Campaign) -> SignedCheckpoint | None:
    return SignedCheckpoint.objects.filter(campaign=campaign).order_by("-tree_size").first()


# Witnessing --------------------------------------------------------------------------------------


class WitnessUnavailable(Exception):
    """A witness did not answer, or refused the checkpoint."""


def signed_checkpoint_witness(*, checkpoint_id: int) -> list[str]:
    """Ask every configured witness to cosign; keep each cosignature in the note. Returns the
    names of the witnesses that cosigned this time. A witness that refuses or is down is logged
    and skipped: the checkpoint is published without it (readers' policies decide)."""
    checkpoint = SignedCheckpoint.objects.get(pk=checkpoint_id)
    cosigned = []
    for witness in configured_witnesses():
        if witness.verifier.vkey in checkpoint.witnessed_by:
            continue
        try:
            lines = _witness_cosign(witness=witness, checkpoint=checkpoint)
        except WitnessUnavailable as error:
            logger.warning(
                "witness %s did not cosign checkpoint %s of campaign %s: %s",
                witness.name,
                checkpoint.tree_size,
                checkpoint.campaign_id,
                error,
            )
            continue
        with transaction.atomic():
            row = SignedCheckpoint.objects.select_for_update().get(pk=checkpoint_id)
            if witness.verifier.vkey not in row.witnessed_by:
                row.note = bytes(row.note) + lines
                row.witnessed_by = [*row.witnessed_by, witness.verifier.vkey]
                row.save(update_fields=["note", "witnessed_by"])
        checkpoint = row
        cosigned.append(witness.name)
    return cosigned


def _witness_cosign(*, witness: ConfiguredWitness, checkpoint: SignedCheckpoint) -> bytes:
    """The witness's cosignature lines, already checked against its key."""
    old_size = _witness_size(witness=witness, checkpoint=checkpoint)
    status, body = _post(witness, _request_body(checkpoint, old_size))
    if status == 409:
        # The witness holds another size than we recorded (e.g. its state was restored): the
        # spec's answer says which; try once more from there.
        try:
            old_size = int(body.decode().strip())
        except ValueError:
            raise WitnessUnavailable(f"409 with an unreadable size: {body[:100]!r}") from None
        if old_size > checkpoint.tree_size:
            raise WitnessUnavailable(
                f"the witness holds size {old_size}, beyond this checkpoint's "
                f"{checkpoint.tree_size}"
            )
        status, body = _post(witness, _request_body(checkpoint, old_size))
    if status != 200:
        raise WitnessUnavailable(f"{status}: {body[:300].decode(errors='replace').strip()}")
    try:
        signatures = parse_cosignature_lines(body)
    except NoteError as error:
        raise WitnessUnavailable(f"an unreadable answer: {error}") from None
    lines = b"".join(
        signature.line().encode()
        for signature in signatures
        if signature.name == witness.verifier.name and signature.key_id == witness.verifier.key_id
    )
    try:
        open_note(bytes(checkpoint.note) + lines, [witness.verifier])
    except Exception as error:
        raise WitnessUnavailable(f"its cosignature does not verify: {error}") from None
    if not lines:
        raise WitnessUnavailable("its answer holds no cosignature by its key")
    return lines


def _witness_size(*, witness: ConfiguredWitness, checkpoint: SignedCheckpoint) -> int:
    """The size of the latest checkpoint of this log the witness cosigned, as far as we know."""
    sizes = [
        size
        for size, witnessed_by in SignedCheckpoint.objects.filter(
            campaign_id=checkpoint.campaign_id, tree_size__lte=checkpoint.tree_size
        ).values_list("tree_size", "witnessed_by")
        if witness.verifier.vkey in witnessed_by
    ]
    return max(sizes, default=0)


def _request_body(checkpoint: SignedCheckpoint, old_size: int) -> bytes:
    proof: list[bytes] = []
    if 0 < old_size < checkpoint.tree_size:
        store = DatabaseNodeStore(campaign_id=checkpoint.campaign_id, model=EntryNode)
        new_size = checkpoint.tree_size
        store.prefetch(lambda nodes: consistency_proof(nodes, old_size=old_size, new_size=new_size))
        proof = consistency_proof(store, old_size=old_size, new_size=new_size)
    # Only the log's own signature goes to the witness: not other witnesses' cosignatures.
    note = bytes(checkpoint.note)
    log_part = note[: note.index(b"\n\n") + 2] + _log_signature_lines(note)
    return build_add_checkpoint_request(old_size=old_size, proof=proof, checkpoint=log_part)


def _log_signature_lines(note: bytes) -> bytes:
    signer = log_signer()
    signature_block = note[note.index(b"\n\n") + 2 :]
    return b"".join(
        line + b"\n"
        for line in signature_block.split(b"\n")
        if line.startswith(f"\u2014 {signer.name} ".encode())
    )


def _post(witness: ConfiguredWitness, body: bytes) -> tuple[int, bytes]:
    request = urllib.request.Request(  # noqa: S310 - an https/http URL checked at start-up
        witness.url, data=body, method="POST", headers={"Content-Type": "text/plain"}
    )
    try:
        with urllib.request.urlopen(  # noqa: S310
            request, timeout=settings.TRANSPARENCY_WITNESS_TIMEOUT_SECONDS
        ) as response:
            return response.status, response.read(65536)
    except urllib.error.HTTPError as error:
        return error.code, error.read(65536)
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        raise WitnessUnavailable(f"unreachable: {error}") from None
