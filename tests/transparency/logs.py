"""Logs built for the tests: version 1 entries, their tree, tiles and a signed checkpoint."""

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from groundswell.transparency.log_entries import (
    LiveCount,
    SignatureEntry,
    TombstoneEntry,
    TombstoneReason,
)
from groundswell.transparency.merkle import MemoryNodeStore, leaf_hash, root_hash
from groundswell.transparency.signed_note import Ed25519Signer, NoteSignature
from groundswell.transparency.tlog_checkpoint import CountedCheckpoint, sign_checkpoint
from groundswell.transparency.tlog_tiles import MemoryTiles, TileSink, publish_tiles

ORIGIN = "sign.example.org/p/save-the-park"
CHECKPOINT_TIME = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def fixed_signer(name: str = ORIGIN, *, number: int = 1) -> Ed25519Signer:
    """A log key that is the same on every run, so failures reproduce."""
    return Ed25519Signer.from_seed(name, hashlib.sha256(f"log key {number}".encode()).digest())


def commitment(number: int) -> bytes:
    return hashlib.sha256(f"commitment {number}".encode()).digest()


def signature_entries(count: int, *, start: int = 0) -> list[bytes]:
    return [SignatureEntry(commitment(number)).to_bytes() for number in range(start, start + count)]


def tombstone(entries: Sequence[bytes], revoked_index: int) -> bytes:
    revoked = entries[revoked_index]
    return TombstoneEntry(revoked_index, TombstoneReason.WITHDRAWN, revoked[3:]).to_bytes()


@dataclass
class BuiltLog:
    entries: list[bytes]
    store: MemoryNodeStore
    tiles: TileSink
    size: int
    root: bytes
    checkpoint: CountedCheckpoint
    note: bytes


def build_log(
    entries: Sequence[bytes],
    *,
    sink: TileSink | None = None,
    signer: Ed25519Signer | None = None,
    cosignatures: Sequence[NoteSignature] = (),
    live_count: int | None = None,
) -> BuiltLog:
    """Publish every tile of the log and its checkpoint (signed by ``signer``) into ``sink``.

    The checkpoint's live count is the recount of the entries unless ``live_count`` says
    otherwise (to build a log that lies).
    """
    entries = list(entries)
    store = MemoryNodeStore()
    for entry in entries:
        store.append(leaf_hash(entry))
    sink = sink if sink is not None else MemoryTiles()
    publish_tiles(
        sink,
        store=store,
        entries=lambda start, end: entries[start:end],
        old_size=0,
        new_size=len(entries),
    )
    size = len(entries)
    root = root_hash(store, tree_size=size)
    if live_count is None:
        count = LiveCount()
        count.add_all(entries)
        live_count = count.live
    checkpoint = CountedCheckpoint(ORIGIN, size, root, live_count, CHECKPOINT_TIME)
    note = sign_checkpoint(checkpoint, [signer or fixed_signer()])
    if cosignatures:
        note += "".join(signature.line() for signature in cosignatures).encode()
    sink.write("checkpoint", note)
    return BuiltLog(entries, store, sink, size, root, checkpoint, note)
