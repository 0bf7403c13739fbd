"""`groundswell verify`: check a campaign's transparency log offline, with no database.

Anyone holding the instance's public key can check, with nothing but this package installed:

    groundswell verify checkpoint --key PUBLIC_KEY.pem CHECKPOINT.json
    groundswell verify receipt --key PUBLIC_KEY.pem --checkpoint CHECKPOINT.json \\
        --receipt RECEIPT.json --proof PROOF.json
    groundswell verify consistency --key PUBLIC_KEY.pem OLD.json NEW.json --proof PROOF.json

and, from the published C2SP tiles (``groundswell.transparency.verify_tlog``):

    groundswell verify recount LOG --key VKEY [--witness VKEY ... --witnesses-needed K]
    groundswell verify receipt --log LOG --key VKEY --receipt RECEIPT.json
    groundswell verify mirror URL DIRECTORY --key VKEY [--interval SECONDS]
    groundswell verify audit-sample --log LOG --key VKEY OPENINGS.json

Each passed check prints an ``OK: ...`` line. The exit status is 0 only when every check passed;
1 when one failed, with ``FAILED: <reason>`` on standard error; 2 when an input cannot be used at
all (unreadable, not JSON, a missing or mistyped field, not an Ed25519 PEM key).

This module must not import Django: the command has to work where only the package is installed.

The documents are described in ``groundswell.transparency.proof_documents``.
"""

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from typing import TypeVar

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from groundswell.transparency.checkpoints import (
    Checkpoint,
    MalformedDocumentError,
    VerificationError,
    checkpoint_from_json,
    key_id,
    load_public_key_pem,
    verify_checkpoint,
)
from groundswell.transparency.commitments import (
    canonical_time,
    signature_leaf,
    tombstone_leaf,
)
from groundswell.transparency.merkle import (
    ProofError,
    leaf_hash,
    verify_consistency,
    verify_inclusion,
)
from groundswell.transparency.proof_documents import (
    TombstoneEntry,
    consistency_proof_from_json,
    inclusion_proof_from_json,
    receipt_from_json,
)
from groundswell.transparency.verify_tlog import (
    LOG_FAILURES,
    UnusableLocation,
    add_parsers,
    add_trust_arguments,
    tile_receipt_checks,
)

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_UNUSABLE_INPUT = 2

Document = TypeVar("Document")


class UnusableInputError(Exception):
    """An input file cannot be read or is not the document it should be."""


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
    except (UnusableInputError, UnusableLocation) as error:
        print(f"FAILED: {error}", file=sys.stderr)
        return EXIT_UNUSABLE_INPUT
    except (VerificationError, ProofError, *LOG_FAILURES) as error:
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
        "receipt",
        help="check that a signature receipt is counted: from the log's tiles (--log), or from "
        "a JSON checkpoint and proof",
    )
    receipt.add_argument(
        "--log", help="the log's URL (.../p/<slug>/log) or mirror directory: check from the tiles"
    )
    add_trust_arguments(receipt)
    receipt.add_argument("--checkpoint", help="without --log: the signed checkpoint (JSON)")
    receipt.add_argument("--receipt", required=True, help="the signer's receipt (JSON)")
    receipt.add_argument("--proof", help="without --log: the inclusion proof (JSON)")
    receipt.set_defaults(checks=_receipt_dispatch)

    add_parsers(commands)

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


def _receipt_dispatch(arguments: argparse.Namespace) -> Iterator[str]:
    """From the tiles with --log (the whole log: no tombstone can be hidden or made up); else
    today's JSON proof, whose tombstone list only the server vouches for."""
    if arguments.log:
        return tile_receipt_checks(arguments)
    if not arguments.checkpoint or not arguments.proof or len(arguments.key) != 1:
        raise UnusableInputError(
            "without --log, a receipt is checked with one --key (PEM), --checkpoint and --proof"
        )
    return _receipt_checks(arguments)


def _receipt_checks(arguments: argparse.Namespace) -> Iterator[str]:
    public_key = _read_public_key(arguments.key[0])
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
        f"leaf {receipt.leaf_index}: the signature counts as live, unless the server left a "
        "tombstone out (only `verify receipt --log`, from the tiles, can rule that out)"
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
