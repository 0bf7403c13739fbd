"""The pure parts of a C2SP witness (c2sp.org/tlog-witness) and of a verifier's witness policy.

A witness keeps, per log origin, the size and root of the latest checkpoint it cosigned. A log
POSTs ``add-checkpoint`` with the size it believes the witness holds, a consistency proof from
that size, and its new checkpoint; the witness checks them and answers with its cosignature
(``signed_note.CosignatureSigner``, c2sp.org/tlog-cosignature). Because every witness only ever
cosigns one append-only history per origin, a log that shows one tree to some readers and another
to others (a split view) cannot get both cosigned by the same witness, and a reader that demands
cosignatures from k of n witnesses (`WitnessPolicy`) sees the same log as everyone else unless k
witnesses collude.

Request body (every line ends in a newline):

    old <size>                      the size the log thinks the witness holds, no leading zeros
    <base64 hash>                   0 to 63 lines: the consistency proof from <size>
    (empty line)
    <checkpoint signed note>

`add_checkpoint` is the witness's decision as a pure function of the request, the log keys it is
configured with and its stored state; it answers with the spec's status codes:

    400  a malformed request or checkpoint, or an old size above the checkpoint's size
    403  no valid signature from the origin's log keys, or a failing one
    404  an origin the witness is not configured for
    409  old size is not the stored size; the body says the stored size (text/x.tlog.size)
    422  a bad consistency proof (a fork), a proof where none belongs, the same size with
         another root (a split view), an empty tree whose root is not the empty hash
    200  the cosignature lines; the caller must store the new state *atomically* with the
         check, e.g. ``UPDATE ... SET size, root WHERE origin = ? AND size = <expected_size>``,
         and send the answer only once that update took, otherwise two concurrent requests can
         roll the witness back (the spec's race).

A rollback (a smaller checkpoint than the one cosigned) is refused by 400 (old size above the new
size) or 409 (old size not the stored one); it is never cosigned.

This module must not import Django.
"""

import base64
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from groundswell.transparency.merkle import EMPTY_ROOT, HASH_SIZE, ProofError, verify_consistency
from groundswell.transparency.signed_note import (
    CosignatureSigner,
    CosignatureVerifier,
    NoteError,
    NoteFormatError,
    NoteSignature,
    NoteVerificationError,
    Verifier,
    cosignature_timestamp,
    decode_base64,
    open_note,
    parse_note,
)
from groundswell.transparency.tlog_checkpoint import (
    Checkpoint,
    CheckpointError,
    OpenedCheckpoint,
    open_checkpoint,
    parse_checkpoint,
)

MAX_PROOF_LINES = 63
SIZE_CONTENT_TYPE = "text/x.tlog.size"
SIGNATURES_CONTENT_TYPE = "text/plain; charset=utf-8"


class WitnessRequestError(ValueError):
    """An add-checkpoint request body is malformed."""


@dataclass(frozen=True)
class AddCheckpointRequest:
    old_size: int
    proof: tuple[bytes, ...]
    checkpoint: bytes

    def to_bytes(self) -> bytes:
        lines = [f"old {self.old_size}\n"]
        lines.extend(f"{base64.b64encode(node).decode('ascii')}\n" for node in self.proof)
        return "".join(lines).encode() + b"\n" + self.checkpoint


def build_add_checkpoint_request(
    *, old_size: int, proof: Sequence[bytes], checkpoint: bytes
) -> bytes:
    if old_size < 0:
        raise WitnessRequestError(f"an old size cannot be negative, got {old_size}")
    if len(proof) > MAX_PROOF_LINES:
        raise WitnessRequestError(f"a consistency proof has at most {MAX_PROOF_LINES} hashes")
    if any(len(node) != HASH_SIZE for node in proof):
        raise WitnessRequestError(f"a consistency proof's hashes are {HASH_SIZE} bytes")
    return AddCheckpointRequest(old_size, tuple(proof), checkpoint).to_bytes()


def parse_add_checkpoint_request(body: bytes) -> AddCheckpointRequest:
    """Split a request body into old size, proof and checkpoint note (not yet verified)."""
    head, separator, checkpoint = body.partition(b"\n\n")
    if not separator:
        raise WitnessRequestError("the request has no empty line before the checkpoint")
    try:
        lines = head.decode("ascii").split("\n")
    except UnicodeDecodeError:
        raise WitnessRequestError("the old size and proof lines are ASCII") from None
    old_line, *proof_lines = lines
    keyword, _, size_text = old_line.partition(" ")
    if keyword != "old" or not size_text.isdigit() or str(int(size_text)) != size_text:
        raise WitnessRequestError(f"the first line is 'old <size>', got {old_line!r}")
    if len(proof_lines) > MAX_PROOF_LINES:
        raise WitnessRequestError(f"a consistency proof has at most {MAX_PROOF_LINES} lines")
    proof = []
    for line in proof_lines:
        try:
            node = decode_base64(line, what="a consistency proof line")
        except NoteError as error:
            raise WitnessRequestError(str(error)) from None
        if len(node) != HASH_SIZE:
            raise WitnessRequestError(f"a consistency proof line is a {HASH_SIZE}-byte hash")
        proof.append(node)
    return AddCheckpointRequest(int(size_text), tuple(proof), checkpoint)


@dataclass(frozen=True)
class LogState:
    """What a witness stores per origin: the latest checkpoint it cosigned."""

    size: int
    root_hash: bytes


@dataclass(frozen=True)
class WitnessResponse:
    status: int
    body: bytes
    content_type: str
    # Set on 200 only: the state to store, provided the stored size is still expected_size.
    origin: str | None = None
    new_state: LogState | None = None
    expected_size: int | None = None
    # The verified checkpoint text, worth keeping as evidence when a known log misbehaves.
    checkpoint: bytes | None = None


def _refuse(status: int, reason: str, *, checkpoint: bytes | None = None) -> WitnessResponse:
    return WitnessResponse(
        status, f"{reason}\n".encode(), "text/plain; charset=utf-8", checkpoint=checkpoint
    )


def add_checkpoint(
    body: bytes,
    *,
    log_keys: Mapping[str, Sequence[Verifier]],
    state: Mapping[str, LogState],
    signers: Sequence[CosignatureSigner],
    now: int,
) -> WitnessResponse:
    """The witness's answer to an add-checkpoint request, in the order the spec checks.

    ``log_keys`` maps each origin the witness serves to the keys of its log; ``state`` holds the
    latest cosigned size and root per origin (absent: never cosigned); ``now`` is the POSIX time
    of the cosignature.
    """
    if not signers:
        raise ValueError("a witness needs at least one cosigning key")
    try:
        request = parse_add_checkpoint_request(body)
        note = parse_note(request.checkpoint)
        checkpoint = parse_checkpoint(note.text)
    except (WitnessRequestError, NoteFormatError, CheckpointError) as error:
        return _refuse(400, f"malformed request: {error}")
    verifiers = log_keys.get(checkpoint.origin)
    if verifiers is None:
        return _refuse(404, f"unknown log origin {checkpoint.origin!r}")
    try:
        open_note(request.checkpoint, verifiers)
    except NoteVerificationError as error:
        return _refuse(403, f"the checkpoint is not signed by the log: {error}")
    evidence = note.text
    if request.old_size > checkpoint.size:
        return _refuse(
            400,
            f"old size {request.old_size} is larger than the checkpoint size {checkpoint.size}",
            checkpoint=evidence,
        )
    stored = state.get(checkpoint.origin)
    stored_size = stored.size if stored is not None else 0
    if request.old_size != stored_size:
        return WitnessResponse(
            409, f"{stored_size}\n".encode(), SIZE_CONTENT_TYPE, checkpoint=evidence
        )
    refusal = _consistency_refusal(request, checkpoint, stored)
    if refusal is not None:
        return _refuse(422, refusal, checkpoint=evidence)
    cosignatures = [signer.cosign(note.text, timestamp=now) for signer in signers]
    return WitnessResponse(
        200,
        "".join(signature.line() for signature in cosignatures).encode(),
        SIGNATURES_CONTENT_TYPE,
        origin=checkpoint.origin,
        new_state=LogState(checkpoint.size, checkpoint.root_hash),
        expected_size=stored_size,
        checkpoint=evidence,
    )


def _consistency_refusal(
    request: AddCheckpointRequest, checkpoint: Checkpoint, stored: LogState | None
) -> str | None:
    if checkpoint.size == 0 and checkpoint.root_hash != EMPTY_ROOT:
        return "a checkpoint of size 0 has the root hash of the empty tree"
    if request.old_size == 0:
        if request.proof:
            return "a consistency proof from size 0 is empty"
        return None
    # old_size == stored size > 0 here, so there is a stored state.
    assert stored is not None
    if request.old_size == checkpoint.size:
        if checkpoint.root_hash != stored.root_hash:
            return (
                f"this log already has another root at size {checkpoint.size}: "
                "a split view, refused"
            )
        if request.proof:
            return "a consistency proof between equal sizes is empty"
        return None
    try:
        verify_consistency(
            size1=stored.size,
            size2=checkpoint.size,
            root1=stored.root_hash,
            root2=checkpoint.root_hash,
            proof=request.proof,
        )
    except ProofError as error:
        return f"the consistency proof does not verify (a fork?): {error}"
    return None


def parse_cosignature_lines(body: bytes) -> list[NoteSignature]:
    """Read a witness's 200 answer: one or more note signature lines."""
    # A note made of a placeholder text and these lines reuses the signature line parser.
    return list(parse_note(b"-\n\n" + body).signatures)


class WitnessPolicyError(Exception):
    """A checkpoint does not carry the cosignatures a verifier's policy demands."""


@dataclass(frozen=True)
class WitnessPolicy:
    """Trust a checkpoint only when ``threshold`` of these witnesses cosigned it.

    A witness counts once, however many of its lines the note repeats. ``max_clock_skew``
    (seconds) refuses cosignatures dated later than ``now`` plus the skew, which the spec allows
    verifiers to do.
    """

    witnesses: tuple[CosignatureVerifier, ...]
    threshold: int
    max_clock_skew: int = 300

    def __post_init__(self) -> None:
        if not 0 <= self.threshold <= len(self.witnesses):
            raise ValueError(
                f"a policy needs between 0 and {len(self.witnesses)} witnesses, "
                f"not {self.threshold}"
            )
        keys = {(witness.name, witness.key_id) for witness in self.witnesses}
        if len(keys) != len(self.witnesses):
            raise ValueError("a witness appears twice in the policy")


@dataclass(frozen=True)
class WitnessedCheckpoint:
    checkpoint: Checkpoint
    opened: OpenedCheckpoint
    # name+key ID of each witness that cosigned, and when it says it did.
    cosigned_at: dict[str, datetime]


def open_witnessed_checkpoint(
    message: bytes,
    *,
    origin: str,
    log_verifiers: Sequence[Verifier],
    policy: WitnessPolicy,
    now: int,
) -> WitnessedCheckpoint:
    """Verify a checkpoint's log signature and that it meets the witness policy.

    Raises CheckpointVerificationError (log signature, origin, or a failing signature by a known
    key, witnesses included), WitnessPolicyError (too few cosignatures, or one from the future).
    """
    opened = open_checkpoint(
        message, origin=origin, log_verifiers=log_verifiers, other_verifiers=policy.witnesses
    )
    cosigned_at = {}
    for item in opened.note.verified:
        if item.verifier not in policy.witnesses:
            continue
        timestamp = cosignature_timestamp(item.signature.signature)
        if timestamp > now + policy.max_clock_skew:
            raise WitnessPolicyError(
                f"the cosignature of {item.signature.name} is dated {timestamp}, after now "
                f"({now}): refused"
            )
        cosigned_at[f"{item.signature.name}+{item.signature.key_id:08x}"] = datetime.fromtimestamp(
            timestamp, UTC
        )
    if len(cosigned_at) < policy.threshold:
        raise WitnessPolicyError(
            f"the checkpoint carries cosignatures from {len(cosigned_at)} of the policy's "
            f"witnesses; the policy needs {policy.threshold}"
        )
    return WitnessedCheckpoint(opened.checkpoint, opened, cosigned_at)
