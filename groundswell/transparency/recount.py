"""Recount a published log: the checkpoint's signatures, every tile, every entry, the live count.

This is what a hostile reader runs on a log URL's mirror to check a public count: the checkpoint
must be signed by the log (and cosigned as the reader's witness policy demands), every hash tile
and entry bundle must hash up to its root, the entries must obey the log's rules, and the live
count they give must be the one the checkpoint states. Anything else raises.

This module must not import Django.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from groundswell.transparency.log_entries import LiveCount, RecountError
from groundswell.transparency.signed_note import Verifier
from groundswell.transparency.tlog_checkpoint import CountedCheckpoint, open_checkpoint
from groundswell.transparency.tlog_tiles import TileSource, TileWalk, verify_tiles
from groundswell.transparency.witness import WitnessPolicy, open_witnessed_checkpoint


@dataclass(frozen=True)
class Recount:
    checkpoint: CountedCheckpoint
    signatures: int
    tombstones: int
    live: int
    walk: TileWalk


def recount_log(
    source: TileSource,
    *,
    origin: str,
    log_verifiers: Sequence[Verifier],
    policy: WitnessPolicy | None = None,
    now: int | None = None,
) -> Recount:
    """Check the log in ``source`` (its ``checkpoint`` and tiles) from scratch and recount it.

    With a ``policy``, ``now`` (POSIX seconds) is required to refuse cosignatures from the future.
    Raises CheckpointVerificationError, CheckpointError, NoteFormatError, WitnessPolicyError,
    TileError (and its TileMismatchError, TileMissingError) or RecountError.
    """
    note = source.read("checkpoint")
    if policy is None:
        checkpoint = open_checkpoint(note, origin=origin, log_verifiers=log_verifiers).checkpoint
    else:
        if now is None:
            raise ValueError("a witness policy needs the current time")
        checkpoint = open_witnessed_checkpoint(
            note, origin=origin, log_verifiers=log_verifiers, policy=policy, now=now
        ).checkpoint
    counted = CountedCheckpoint.from_checkpoint(checkpoint)
    count = LiveCount()

    def add(_bundle_index: int, entries: list[bytes]) -> None:
        count.add_all(entries)

    walk = verify_tiles(source, tree_size=counted.size, root=counted.root_hash, on_entries=add)
    if count.live != counted.live_count:
        raise RecountError(
            f"the checkpoint says {counted.live_count} live signatures; its entries give "
            f"{count.live} ({count.signatures} signatures, {count.tombstones} tombstones)"
        )
    return Recount(counted, count.signatures, count.tombstones, count.live, walk)
