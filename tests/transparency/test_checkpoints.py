"""Signed checkpoints: the note that is signed, Ed25519 signatures, keys and the JSON form."""

import dataclasses
import hashlib
import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from groundswell.transparency.checkpoints import (
    Checkpoint,
    MalformedDocumentError,
    VerificationError,
    checkpoint_from_json,
    checkpoint_note,
    checkpoint_to_json,
    generate_private_key,
    key_id,
    load_private_key_pem,
    load_public_key_pem,
    private_key_to_pem,
    public_key_to_pem,
    sign_checkpoint,
    verify_checkpoint,
)

ROOT = bytes(range(32))
CHECKPOINT = Checkpoint(
    campaign="save-the-park",
    tree_size=10,
    root_hash=ROOT,
    live_count=9,
    timestamp=datetime(2025, 3, 1, 12, 0, tzinfo=UTC),
)


@pytest.fixture(scope="module")
def private_key() -> Ed25519PrivateKey:
    return generate_private_key()


def key_hex(private_key: Ed25519PrivateKey) -> str:
    return key_id(private_key.public_key()).hex()


def test_the_signed_note_is_the_documented_six_lines() -> None:
    assert checkpoint_note(CHECKPOINT) == (
        b"groundswell-checkpoint/v1\n"
        b"save-the-park\n"
        b"10\n"
        b"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n"
        b"9\n"
        b"2025-03-01T12:00:00.000000Z\n"
    )


def test_a_signed_checkpoint_verifies_with_the_instance_key(private_key: Ed25519PrivateKey) -> None:
    signature = sign_checkpoint(CHECKPOINT, private_key)
    assert len(signature) == 68
    assert signature[:4] == key_id(private_key.public_key())
    verify_checkpoint(CHECKPOINT, signature, private_key.public_key())


@pytest.mark.parametrize(
    "change",
    [
        {"campaign": "save-the-pond"},
        {"tree_size": 11},
        {"root_hash": hashlib.sha256(b"another root").digest()},
        {"live_count": 10},
        {"timestamp": datetime(2025, 3, 1, 12, 0, 0, 1, tzinfo=UTC)},
    ],
    ids=lambda change: next(iter(change)),
)
def test_it_rejects_a_tampered_checkpoint(
    private_key: Ed25519PrivateKey, change: dict[str, object]
) -> None:
    signature = sign_checkpoint(CHECKPOINT, private_key)
    tampered = dataclasses.replace(CHECKPOINT, **change)  # type: ignore[arg-type]
    with pytest.raises(VerificationError) as raised:
        verify_checkpoint(tampered, signature, private_key.public_key())
    assert str(raised.value) == (
        f"the checkpoint signature is invalid for key {key_hex(private_key)}: "
        "the checkpoint was changed after it was signed, or the signature is forged"
    )


def test_it_rejects_a_forged_signature(private_key: Ed25519PrivateKey) -> None:
    forger = generate_private_key()
    forged = key_id(private_key.public_key()) + forger.sign(checkpoint_note(CHECKPOINT))
    with pytest.raises(VerificationError) as raised:
        verify_checkpoint(CHECKPOINT, forged, private_key.public_key())
    assert str(raised.value) == (
        f"the checkpoint signature is invalid for key {key_hex(private_key)}: "
        "the checkpoint was changed after it was signed, or the signature is forged"
    )


def test_it_names_both_keys_when_a_checkpoint_was_signed_with_another_one(
    private_key: Ed25519PrivateKey,
) -> None:
    other_key = generate_private_key()
    signature = sign_checkpoint(CHECKPOINT, other_key)
    with pytest.raises(VerificationError) as raised:
        verify_checkpoint(CHECKPOINT, signature, private_key.public_key())
    assert str(raised.value) == (
        f"the checkpoint was signed with key {key_hex(other_key)}, "
        f"not with the given public key {key_hex(private_key)}"
    )


def test_it_rejects_a_signature_of_the_wrong_length(private_key: Ed25519PrivateKey) -> None:
    signature = sign_checkpoint(CHECKPOINT, private_key)[:-1]
    with pytest.raises(VerificationError) as raised:
        verify_checkpoint(CHECKPOINT, signature, private_key.public_key())
    assert str(raised.value) == (
        "a checkpoint signature is 68 bytes (a 4-byte key id and a 64-byte Ed25519 signature), "
        "this one is 67"
    )


def test_the_same_instant_in_another_time_zone_is_the_same_checkpoint() -> None:
    in_new_york = CHECKPOINT.timestamp.astimezone(timezone(timedelta(hours=-5)))
    same = dataclasses.replace(CHECKPOINT, timestamp=in_new_york)
    assert same == CHECKPOINT
    assert same.timestamp.tzinfo == UTC
    assert checkpoint_note(same) == checkpoint_note(CHECKPOINT)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"campaign": "save\nthe-park"}, "campaign slug must be one line"),
        ({"campaign": ""}, "campaign slug must be one line"),
        ({"tree_size": -1}, "a tree size cannot be negative, got -1"),
        ({"root_hash": b"short"}, "a root hash is 32 bytes, got 5"),
        ({"live_count": 11}, "the live count 11 must lie between 0 and the tree size 10"),
        ({"timestamp": datetime(2025, 3, 1, 12, 0)}, "has no time zone"),
    ],
)
def test_it_refuses_to_build_an_impossible_checkpoint(
    change: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        dataclasses.replace(CHECKPOINT, **change)  # type: ignore[arg-type]


def test_a_checkpoint_and_its_signature_survive_the_json_form(
    private_key: Ed25519PrivateKey,
) -> None:
    signature = sign_checkpoint(CHECKPOINT, private_key)
    document = json.loads(json.dumps(checkpoint_to_json(CHECKPOINT, signature)))
    assert document == {
        "format": "groundswell-checkpoint/v1",
        "campaign": "save-the-park",
        "tree_size": 10,
        "root_hash": ROOT.hex(),
        "live_count": 9,
        "timestamp": "2025-03-01T12:00:00.000000Z",
        "signature": signature.hex(),
    }
    assert checkpoint_from_json(document) == (CHECKPOINT, signature)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"format": "groundswell-checkpoint/v2"}, "must have format 'groundswell-checkpoint/v1'"),
        ({"tree_size": None}, "'tree_size' must be a non-negative integer, got None"),
        ({"tree_size": True}, "'tree_size' must be a non-negative integer, got True"),
        ({"live_count": "9"}, "'live_count' must be a non-negative integer, got '9'"),
        ({"root_hash": "zz"}, "'root_hash' is not hexadecimal"),
        ({"root_hash": "abcd"}, "'root_hash' must be 32 bytes (64 hex digits), got 2"),
        ({"timestamp": "soon"}, "'timestamp': 'soon' is not an ISO 8601 time"),
        ({"live_count": 12}, "the checkpoint is not valid: the live count 12 must lie between"),
    ],
)
def test_it_says_which_field_of_a_checkpoint_document_is_wrong(
    private_key: Ed25519PrivateKey, change: dict[str, object], message: str
) -> None:
    document = checkpoint_to_json(CHECKPOINT, sign_checkpoint(CHECKPOINT, private_key))
    document.update(change)
    with pytest.raises(MalformedDocumentError) as raised:
        checkpoint_from_json(document)
    assert message in str(raised.value)


def test_it_says_which_field_of_a_checkpoint_document_is_missing() -> None:
    document = checkpoint_to_json(CHECKPOINT, b"")
    del document["root_hash"]
    with pytest.raises(MalformedDocumentError, match=r"^the checkpoint has no 'root_hash' field$"):
        checkpoint_from_json(document)
    with pytest.raises(MalformedDocumentError, match=r"^the checkpoint must be a JSON object$"):
        checkpoint_from_json([document])


def test_keys_survive_their_pem_form(private_key: Ed25519PrivateKey) -> None:
    loaded_private = load_private_key_pem(private_key_to_pem(private_key))
    loaded_public = load_public_key_pem(public_key_to_pem(private_key.public_key()))
    signature = sign_checkpoint(CHECKPOINT, loaded_private)
    verify_checkpoint(CHECKPOINT, signature, loaded_public)
    assert public_key_to_pem(loaded_public).startswith(b"-----BEGIN PUBLIC KEY-----")


def test_it_refuses_keys_that_are_not_ed25519() -> None:
    other = ec.generate_private_key(ec.SECP256R1())
    other_pem = other.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    with pytest.raises(ValueError, match=r"^the public key is .*, checkpoints need Ed25519$"):
        load_public_key_pem(other_pem)
    with pytest.raises(ValueError, match=r"^not a PEM public key"):
        load_public_key_pem(b"not a key")
    with pytest.raises(ValueError, match=r"^not an unencrypted PEM private key"):
        load_private_key_pem(b"not a key")
