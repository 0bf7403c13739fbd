"""The documents of the transparency log that the server hands out and `groundswell verify`
reads: receipts, inclusion proofs, consistency proofs (checkpoints are in
``groundswell.transparency.checkpoints``). No Django here: the verifier imports this module.

The documents (binary values in lowercase hex; times in UTC such as 2025-03-01T12:00:00.000000Z):

CHECKPOINT.json, OLD.json, NEW.json: a signed checkpoint, as described in
``groundswell.transparency.checkpoints``.

RECEIPT.json, given to the signer when their signature was confirmed; it holds what recomputes
the signature's leaf (``groundswell.transparency.commitments.signature_leaf``)::

    {
      "format": "groundswell-receipt/v1",
      "campaign": "save-the-park",
      "leaf_index": 4,
      "public_id": "the signature's public id",
      "confirmed_at": "2025-03-01T12:00:00.000000Z",
      "salt": "<32 hex digits>"
    }

PROOF.json for ``receipt``: the audit path of the receipt's leaf in the checkpoint's tree, and
optionally the tombstones the log holds up to that size. A tombstone's own ``audit_path`` is
optional; when given, the tombstone's inclusion in the checkpoint is checked too. A tombstone that
revokes the receipt's leaf makes the check fail, because that signature is no longer counted::

    {
      "format": "groundswell-inclusion-proof/v1",
      "tree_size": 10,
      "leaf_index": 4,
      "audit_path": ["<64 hex digits>", "..."],
      "tombstones": [
        {
          "leaf_index": 7,
          "revoked_leaf_index": 4,
          "reason": "withdrawn",
          "at": "2025-03-02T09:30:00.000000Z",
          "audit_path": ["<64 hex digits>", "..."]
        }
      ]
    }

PROOF.json for ``consistency``: the RFC 6962 consistency proof between the two tree sizes::

    {
      "format": "groundswell-consistency-proof/v1",
      "old_size": 4,
      "new_size": 10,
      "path": ["<64 hex digits>", "..."]
    }
"""

from dataclasses import dataclass
from datetime import datetime
from typing import cast

from groundswell.transparency.checkpoints import JsonDocument, MalformedDocumentError
from groundswell.transparency.commitments import (
    SALT_SIZE,
    TOMBSTONE_REASONS,
    TombstoneReason,
    canonical_time,
)
from groundswell.transparency.merkle import HASH_SIZE

RECEIPT_FORMAT = "groundswell-receipt/v1"
INCLUSION_PROOF_FORMAT = "groundswell-inclusion-proof/v1"
CONSISTENCY_PROOF_FORMAT = "groundswell-consistency-proof/v1"


@dataclass(frozen=True)
class Receipt:
    campaign: str
    leaf_index: int
    public_id: str
    confirmed_at: datetime
    salt: bytes


@dataclass(frozen=True)
class TombstoneEntry:
    leaf_index: int
    revoked_leaf_index: int
    reason: TombstoneReason
    at: datetime
    audit_path: tuple[bytes, ...] | None = None


@dataclass(frozen=True)
class InclusionProof:
    tree_size: int
    leaf_index: int
    audit_path: tuple[bytes, ...]
    tombstones: tuple[TombstoneEntry, ...] = ()


@dataclass(frozen=True)
class ConsistencyProof:
    old_size: int
    new_size: int
    path: tuple[bytes, ...]


def receipt_to_json(receipt: Receipt) -> dict[str, object]:
    return {
        "format": RECEIPT_FORMAT,
        "campaign": receipt.campaign,
        "leaf_index": receipt.leaf_index,
        "public_id": receipt.public_id,
        "confirmed_at": canonical_time(receipt.confirmed_at),
        "salt": receipt.salt.hex(),
    }


def receipt_from_json(data: object) -> Receipt:
    document = JsonDocument(data, name="receipt", expected_format=RECEIPT_FORMAT)
    return Receipt(
        campaign=document.text("campaign"),
        leaf_index=document.integer("leaf_index"),
        public_id=document.text("public_id"),
        confirmed_at=document.time("confirmed_at"),
        salt=document.hex_bytes("salt", size=SALT_SIZE),
    )


def inclusion_proof_to_json(proof: InclusionProof) -> dict[str, object]:
    tombstones = []
    for tombstone in proof.tombstones:
        entry: dict[str, object] = {
            "leaf_index": tombstone.leaf_index,
            "revoked_leaf_index": tombstone.revoked_leaf_index,
            "reason": tombstone.reason,
            "at": canonical_time(tombstone.at),
        }
        if tombstone.audit_path is not None:
            entry["audit_path"] = [node.hex() for node in tombstone.audit_path]
        tombstones.append(entry)
    return {
        "format": INCLUSION_PROOF_FORMAT,
        "tree_size": proof.tree_size,
        "leaf_index": proof.leaf_index,
        "audit_path": [node.hex() for node in proof.audit_path],
        "tombstones": tombstones,
    }


def inclusion_proof_from_json(data: object) -> InclusionProof:
    document = JsonDocument(data, name="inclusion proof", expected_format=INCLUSION_PROOF_FORMAT)
    tombstones = []
    if document.has("tombstones"):
        for entry in document.documents("tombstones", name="tombstone"):
            reason = entry.text("reason")
            if reason not in TOMBSTONE_REASONS:
                raise MalformedDocumentError(
                    f"the {entry.name}'s 'reason' must be one of "
                    f"{', '.join(sorted(TOMBSTONE_REASONS))}, got {reason!r}"
                )
            tombstones.append(
                TombstoneEntry(
                    leaf_index=entry.integer("leaf_index"),
                    revoked_leaf_index=entry.integer("revoked_leaf_index"),
                    reason=cast(TombstoneReason, reason),
                    at=entry.time("at"),
                    audit_path=(
                        tuple(entry.hex_list("audit_path", size=HASH_SIZE))
                        if entry.has("audit_path")
                        else None
                    ),
                )
            )
    return InclusionProof(
        tree_size=document.integer("tree_size"),
        leaf_index=document.integer("leaf_index"),
        audit_path=tuple(document.hex_list("audit_path", size=HASH_SIZE)),
        tombstones=tuple(tombstones),
    )


def consistency_proof_to_json(proof: ConsistencyProof) -> dict[str, object]:
    return {
        "format": CONSISTENCY_PROOF_FORMAT,
        "old_size": proof.old_size,
        "new_size": proof.new_size,
        "path": [node.hex() for node in proof.path],
    }


def consistency_proof_from_json(data: object) -> ConsistencyProof:
    document = JsonDocument(
        data, name="consistency proof", expected_format=CONSISTENCY_PROOF_FORMAT
    )
    return ConsistencyProof(
        old_size=document.integer("old_size"),
        new_size=document.integer("new_size"),
        path=tuple(document.hex_list("path", size=HASH_SIZE)),
    )
