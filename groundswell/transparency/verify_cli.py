"""`groundswell verify`: check a campaign's transparency log offline, with no database.

Anyone holding the instance's public key can check, with nothing but this package installed:

    groundswell verify checkpoint --key PUBLIC_KEY.pem CHECKPOINT.json
    groundswell verify receipt --key PUBLIC_KEY.pem --checkpoint CHECKPOINT.json \\
        --receipt RECEIPT.json --proof PROOF.json
    groundswell verify consistency --key PUBLIC_KEY.pem OLD.json NEW.json --proof PROOF.json

Each passed check prints an ``OK: ...`` line. The exit status is 0 only when every check passed;
1 when one failed, with ``FAILED: <reason>`` on standard error; 2 when an input cannot be used at
all (unreadable, not JSON, a missing or mistyped field, not an Ed25519 PEM key).

This module must not import Django: the command has to work where only the package is installed.

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

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar, cast

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from groundswell.transparency.checkpoints import (
    Checkpoint,
    JsonDocument,
    MalformedDocumentError,
    VerificationError,
    checkpoint_from_json,
    key_id,
    load_public_key_pem,
    verify_checkpoint,
)
from groundswell.transparency.commitments import (
    SALT_SIZE,
    TOMBSTONE_REASONS,
    TombstoneReason,
    canonical_time,
    signature_leaf,
    tombstone_leaf,
)
from groundswell.transparency.merkle import (
    HASH_SIZE,
    ProofError,
    leaf_hash,
    verify_consistency,
    verify_inclusion,
)

RECEIPT_FORMAT = "groundswell-receipt/v1"
INCLUSION_PROOF_FORMAT = "groundswell-inclusion-proof/v1"
CONSISTENCY_PROOF_FORMAT = "groundswell-consistency-proof/v1"

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_UNUSABLE_INPUT = 2

Document = TypeVar("Document")


class UnusableInputError(Exception):
    """An input file cannot be read or is not the document it should be."""


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


def main(argv: list[str] | None = None) -> int:
    parser = _build_parser()
    try:
        arguments = parser.parse_args(argv)
    except SystemExit as exit_request:
        # argparse exits by itself on --help (0) and on bad usage (2); callers want a status.
        return exit_request.code if isinstance(exit_request.code, int) else EXIT_UNUSABLE_INPUT
    try:
        for passed in arguments.checks(arguments):
            print(f"OK: {passed}")
    except UnusableInputError as error:
        print(f"FAILED: {error}", file=sys.stderr)
        return EXIT_UNUSABLE_INPUT
    except (VerificationError, ProofError) as error:
        print(f"FAILED: {error}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="groundswell verify",
        description="Check a campaign's transparency log offline: checkpoint signatures, "
        "signature receipts and the consistency of two checkpoints.",
    )
    commands = parser.add_subparsers(title="checks", required=True, metavar="CHECK")

    checkpoint = commands.add_parser("checkpoint", help="check a checkpoint's signature")
    checkpoint.add_argument("--key", required=True, help="the instance's public key (PEM)")
    checkpoint.add_argument("checkpoint", help="the signed checkpoint (JSON)")
    checkpoint.set_defaults(checks=_checkpoint_checks)

    receipt = commands.add_parser(
        "receipt", help="check that a signature receipt is counted in a checkpoint"
    )
    receipt.add_argument("--key", required=True, help="the instance's public key (PEM)")
    receipt.add_argument("--checkpoint", required=True, help="the signed checkpoint (JSON)")
    receipt.add_argument("--receipt", required=True, help="the signer's receipt (JSON)")
    receipt.add_argument("--proof", required=True, help="the inclusion proof (JSON)")
    receipt.set_defaults(checks=_receipt_checks)

    consistency = commands.add_parser(
        "consistency", help="check that a newer checkpoint extends an older one"
    )
    consistency.add_argument("--key", required=True, help="the instance's public key (PEM)")
    consistency.add_argument("old", help="the older signed checkpoint (JSON)")
    consistency.add_argument("new", help="the newer signed checkpoint (JSON)")
    consistency.add_argument("--proof", required=True, help="the consistency proof (JSON)")
    consistency.set_defaults(checks=_consistency_checks)
    return parser


def _checkpoint_checks(arguments: argparse.Namespace) -> Iterator[str]:
    public_key = _read_public_key(arguments.key)
    checkpoint, signature = _read_document(arguments.checkpoint, "checkpoint", checkpoint_from_json)
    yield _verified_checkpoint(checkpoint, signature, public_key, label="checkpoint")


def _receipt_checks(arguments: argparse.Namespace) -> Iterator[str]:
    public_key = _read_public_key(arguments.key)
    checkpoint, signature = _read_document(arguments.checkpoint, "checkpoint", checkpoint_from_json)
    receipt = _read_document(arguments.receipt, "receipt", receipt_from_json)
    proof = _read_document(arguments.proof, "inclusion proof", inclusion_proof_from_json)

    yield _verified_checkpoint(checkpoint, signature, public_key, label="checkpoint")
    if receipt.campaign != checkpoint.campaign:
        raise VerificationError(
            f"the receipt is for campaign {receipt.campaign!r}, "
            f"but the checkpoint is for campaign {checkpoint.campaign!r}"
        )
    if proof.tree_size != checkpoint.tree_size:
        raise VerificationError(
            f"the inclusion proof is for a tree of size {proof.tree_size}, "
            f"but the checkpoint's tree has size {checkpoint.tree_size}"
        )
    if proof.leaf_index != receipt.leaf_index:
        raise VerificationError(
            f"the inclusion proof is for leaf {proof.leaf_index}, "
            f"but the receipt is for leaf {receipt.leaf_index}"
        )
    leaf = signature_leaf(
        public_id=receipt.public_id,
        campaign_slug=receipt.campaign,
        confirmed_at=receipt.confirmed_at,
        salt=receipt.salt,
    )
    verify_inclusion(
        leaf_hash=leaf_hash(leaf),
        index=receipt.leaf_index,
        tree_size=checkpoint.tree_size,
        proof=proof.audit_path,
        root=checkpoint.root_hash,
    )
    yield (
        f"the receipt's signature is leaf {receipt.leaf_index} "
        f"of the checkpoint's tree of size {checkpoint.tree_size}"
    )

    for tombstone in proof.tombstones:
        yield from _tombstone_checks(tombstone, checkpoint=checkpoint)
        if tombstone.revoked_leaf_index == receipt.leaf_index:
            raise VerificationError(
                f"signature was {tombstone.reason} at {canonical_time(tombstone.at)}: "
                f"the tombstone at leaf {tombstone.leaf_index} revokes leaf "
                f"{receipt.leaf_index}, so the signature is not counted in this checkpoint"
            )
    count = len(proof.tombstones)
    yield (
        f"the proof lists {count} tombstone{'' if count == 1 else 's'}, none revoking "
        f"leaf {receipt.leaf_index}: the signature counts as live"
    )


def _tombstone_checks(tombstone: TombstoneEntry, *, checkpoint: Checkpoint) -> Iterator[str]:
    if tombstone.leaf_index >= checkpoint.tree_size:
        raise VerificationError(
            f"the tombstone at leaf {tombstone.leaf_index} lies outside "
            f"the checkpoint's tree of size {checkpoint.tree_size}"
        )
    if tombstone.revoked_leaf_index >= tombstone.leaf_index:
        raise VerificationError(
            f"the tombstone at leaf {tombstone.leaf_index} claims to revoke leaf "
            f"{tombstone.revoked_leaf_index}, which does not come before it"
        )
    if tombstone.audit_path is None:
        return
    leaf = tombstone_leaf(
        leaf_index=tombstone.revoked_leaf_index,
        campaign_slug=checkpoint.campaign,
        reason=tombstone.reason,
        at=tombstone.at,
    )
    try:
        verify_inclusion(
            leaf_hash=leaf_hash(leaf),
            index=tombstone.leaf_index,
            tree_size=checkpoint.tree_size,
            proof=tombstone.audit_path,
            root=checkpoint.root_hash,
        )
    except ProofError as error:
        raise VerificationError(
            f"the tombstone at leaf {tombstone.leaf_index} is not proven to be in the "
            f"checkpoint: {error}"
        ) from None
    yield (
        f"the tombstone at leaf {tombstone.leaf_index} ({tombstone.reason}, revoking leaf "
        f"{tombstone.revoked_leaf_index}) is in the checkpoint's tree"
    )


def _consistency_checks(arguments: argparse.Namespace) -> Iterator[str]:
    public_key = _read_public_key(arguments.key)
    old, old_signature = _read_document(arguments.old, "old checkpoint", checkpoint_from_json)
    new, new_signature = _read_document(arguments.new, "new checkpoint", checkpoint_from_json)
    proof = _read_document(arguments.proof, "consistency proof", consistency_proof_from_json)

    yield _verified_checkpoint(old, old_signature, public_key, label="old checkpoint")
    yield _verified_checkpoint(new, new_signature, public_key, label="new checkpoint")
    if old.campaign != new.campaign:
        raise VerificationError(
            f"the old checkpoint is for campaign {old.campaign!r}, "
            f"but the new one is for campaign {new.campaign!r}"
        )
    if old.tree_size > new.tree_size:
        raise VerificationError(
            f"the old checkpoint's tree (size {old.tree_size}) is larger than the new one's "
            f"(size {new.tree_size}): were they given in the wrong order?"
        )
    if (proof.old_size, proof.new_size) != (old.tree_size, new.tree_size):
        raise VerificationError(
            f"the consistency proof is for tree sizes {proof.old_size} -> {proof.new_size}, "
            f"but the checkpoints have tree sizes {old.tree_size} -> {new.tree_size}"
        )
    verify_consistency(
        size1=old.tree_size,
        size2=new.tree_size,
        root1=old.root_hash,
        root2=new.root_hash,
        proof=proof.path,
    )
    yield (
        f"the log of campaign {new.campaign!r} at size {new.tree_size} extends its tree of "
        f"size {old.tree_size} without rewriting it"
    )


def _verified_checkpoint(
    checkpoint: Checkpoint, signature: bytes, public_key: Ed25519PublicKey, *, label: str
) -> str:
    try:
        verify_checkpoint(checkpoint, signature, public_key)
    except VerificationError as error:
        raise VerificationError(f"{label}: {error}") from None
    return (
        f"{label} of campaign {checkpoint.campaign!r} is signed by key "
        f"{key_id(public_key).hex()}: tree size {checkpoint.tree_size}, "
        f"root {checkpoint.root_hash.hex()}, {checkpoint.live_count} live signatures, "
        f"at {canonical_time(checkpoint.timestamp)}"
    )


def _read_public_key(path: str) -> Ed25519PublicKey:
    try:
        with open(path, "rb") as file:
            data = file.read()
    except OSError as error:
        raise UnusableInputError(f"cannot read the public key {path}: {error.strerror}") from None
    try:
        return load_public_key_pem(data)
    except ValueError as error:
        raise UnusableInputError(f"the public key {path} cannot be used: {error}") from None


def _read_document(path: str, what: str, parse: Callable[[object], Document]) -> Document:
    try:
        with open(path, "rb") as file:
            data = json.load(file)
    except OSError as error:
        raise UnusableInputError(f"cannot read the {what} {path}: {error.strerror}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise UnusableInputError(f"the {what} {path} is not JSON: {error}") from None
    try:
        return parse(data)
    except MalformedDocumentError as error:
        raise UnusableInputError(f"{path}: {error}") from None


if __name__ == "__main__":
    sys.exit(main())
