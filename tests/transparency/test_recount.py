"""A hostile reader's recount: every tile and entry, the count the checkpoint claims, witnesses."""

from pathlib import Path

import pytest

from groundswell.transparency.log_entries import RecountError
from groundswell.transparency.recount import recount_log
from groundswell.transparency.signed_note import CosignatureSigner
from groundswell.transparency.tlog_checkpoint import CheckpointVerificationError
from groundswell.transparency.tlog_tiles import (
    DirectoryTiles,
    MemoryTiles,
    TileMismatchError,
    encode_entry_bundle,
)
from groundswell.transparency.witness import WitnessPolicy, WitnessPolicyError
from tests.transparency.logs import ORIGIN, build_log, fixed_signer, signature_entries, tombstone

LOG_KEY = fixed_signer()
NOW = 1_740_830_400


def honest_entries() -> list[bytes]:
    entries = signature_entries(600)
    entries += [tombstone(entries, 5), tombstone(entries, 300), tombstone(entries, 599)]
    return entries


def test_it_recounts_an_honest_log(tmp_path: Path) -> None:
    build_log(honest_entries(), sink=DirectoryTiles(tmp_path))

    recount = recount_log(DirectoryTiles(tmp_path), origin=ORIGIN, log_verifiers=[LOG_KEY.verifier])

    assert (recount.signatures, recount.tombstones, recount.live) == (600, 3, 597)
    assert recount.checkpoint.live_count == 597
    assert recount.walk.entry_bundles == 3


def test_a_checkpoint_claiming_more_than_its_entries_is_refused() -> None:
    log = build_log(honest_entries(), live_count=600)

    with pytest.raises(RecountError, match="says 600 live signatures; its entries give 597"):
        recount_log(log.tiles, origin=ORIGIN, log_verifiers=[LOG_KEY.verifier])


def test_a_signature_logged_twice_is_refused_even_under_a_valid_signature() -> None:
    entries = signature_entries(10)
    # The log signs a checkpoint whose count includes the repeated entry.
    log = build_log([*entries, entries[3]], live_count=11)

    with pytest.raises(RecountError, match="counted twice"):
        recount_log(log.tiles, origin=ORIGIN, log_verifiers=[LOG_KEY.verifier])


def test_a_tombstone_hidden_from_the_entries_is_caught() -> None:
    # The old JSON proofs let a server drop a tombstone; here the entries must hash to the root.
    entries = honest_entries()
    log = build_log(entries)
    assert isinstance(log.tiles, MemoryTiles)
    files = dict(log.tiles.files)
    without_tombstone = [*entries[512:-1], signature_entries(1, start=10_000)[0]]
    files["tile/entries/002.p/91"] = encode_entry_bundle(without_tombstone)

    with pytest.raises(TileMismatchError, match="entries"):
        recount_log(MemoryTiles(files), origin=ORIGIN, log_verifiers=[LOG_KEY.verifier])


def test_a_checkpoint_signed_by_someone_else_is_refused() -> None:
    log = build_log(honest_entries(), signer=fixed_signer(number=2))

    with pytest.raises(CheckpointVerificationError):
        recount_log(log.tiles, origin=ORIGIN, log_verifiers=[LOG_KEY.verifier])


def test_a_witness_policy_is_applied() -> None:
    witnesses = [CosignatureSigner.from_seed(f"w{n}.example", bytes([n]) * 32) for n in (1, 2)]
    policy = WitnessPolicy(tuple(witness.verifier for witness in witnesses), threshold=2)
    log = build_log(honest_entries())
    assert isinstance(log.tiles, MemoryTiles)

    with pytest.raises(WitnessPolicyError):
        recount_log(
            log.tiles, origin=ORIGIN, log_verifiers=[LOG_KEY.verifier], policy=policy, now=NOW
        )

    lines = "".join(
        witness.cosign(log.checkpoint.text(), timestamp=NOW).line() for witness in witnesses
    )
    log.tiles.write("checkpoint", log.note + lines.encode())
    recount = recount_log(
        log.tiles, origin=ORIGIN, log_verifiers=[LOG_KEY.verifier], policy=policy, now=NOW
    )
    assert recount.live == 597
