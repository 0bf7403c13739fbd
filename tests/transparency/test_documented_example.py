"""docs/transparency.md's example log is what the code produces, byte for byte."""

import hashlib
from datetime import UTC, datetime
from pathlib import Path

from groundswell.transparency.log_entries import (
    LiveCount,
    SignatureEntry,
    TombstoneEntry,
    TombstoneReason,
)
from groundswell.transparency.merkle import leaf_hash, merkle_tree_hash
from groundswell.transparency.signed_note import CosignatureSigner, Ed25519Signer, open_note
from groundswell.transparency.tlog_checkpoint import CountedCheckpoint, sign_checkpoint

DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "transparency.md"
ORIGIN = "sign.example.org/p/save-the-park"


def test_the_documented_example_is_reproduced() -> None:
    document = DOCUMENT.read_text()
    commitments = [
        hashlib.sha256(f"example commitment {number}".encode()).digest() for number in range(3)
    ]
    entries = [SignatureEntry(commitment).to_bytes() for commitment in commitments]
    entries.append(TombstoneEntry(1, TombstoneReason.WITHDRAWN, commitments[1]).to_bytes())
    count = LiveCount()
    count.add_all(entries)
    log_key = Ed25519Signer.from_seed(ORIGIN, hashlib.sha256(b"example log key").digest())
    witness = CosignatureSigner.from_seed(
        "witness.example.net/w1", hashlib.sha256(b"example witness key").digest()
    )
    checkpoint = CountedCheckpoint(
        ORIGIN,
        4,
        merkle_tree_hash(leaf_hash(entry) for entry in entries),
        count.live,
        datetime(2025, 3, 1, 12, 0, tzinfo=UTC),
    )
    note = sign_checkpoint(checkpoint, [log_key])
    note += witness.cosign(checkpoint.text(), timestamp=1_740_830_460).line().encode()

    for index, entry in enumerate(entries):
        assert f"| {index} | `{entry.hex()}` | `{leaf_hash(entry).hex()}` |" in document
    assert f"```\n{note.decode()}```" in document
    assert log_key.vkey in document
    assert log_key.skey in document
    assert witness.vkey in document
    assert open_note(note, [log_key.verifier, witness.verifier])
