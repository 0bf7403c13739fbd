"""Signed checkpoints of a campaign's transparency log, and the keys that sign them.

A checkpoint states, under the instance's Ed25519 key, how many leaves a campaign's log had, its
root hash, how many signatures were live and when. Anyone holding two checkpoints can ask for a
consistency proof and so catch a log that was rewritten between them.

What is signed is the checkpoint's *note*, six lines of UTF-8 text, each ending in a newline:

    groundswell-checkpoint/v1
    <campaign slug>
    <tree size, decimal>
    <root hash, standard base64 with padding>
    <live signature count, decimal>
    <time, UTC with microseconds: 2025-03-01T12:00:00.000000Z>

A checkpoint signature is 68 bytes: a 4-byte key id (the first bytes of the SHA-256 of the raw
32-byte public key) followed by the 64-byte Ed25519 signature of the note. The key id only helps to
pick the right key and to say clearly that a checkpoint was signed with another one; it proves
nothing by itself.

JSON form of a signed checkpoint (binary values in lowercase hex):

    {
      "format": "groundswell-checkpoint/v1",
      "campaign": "save-the-park",
      "tree_size": 10,
      "root_hash": "<64 hex digits>",
      "live_count": 9,
      "timestamp": "2025-03-01T12:00:00.000000Z",
      "signature": "<136 hex digits: key id, then Ed25519 signature>"
    }
"""

import base64
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from groundswell.transparency.commitments import canonical_time, parse_time
from groundswell.transparency.merkle import HASH_SIZE

CHECKPOINT_FORMAT = "groundswell-checkpoint/v1"
KEY_ID_SIZE = 4
ED25519_SIGNATURE_SIZE = 64
CHECKPOINT_SIGNATURE_SIZE = KEY_ID_SIZE + ED25519_SIGNATURE_SIZE


class VerificationError(Exception):
    """Something a verifier was given does not check out; the message says what and why."""


class MalformedDocumentError(ValueError):
    """A JSON document is missing a field or holds a value of the wrong shape."""


@dataclass(frozen=True)
class Checkpoint:
    campaign: str
    tree_size: int
    root_hash: bytes
    live_count: int
    timestamp: datetime

    def __post_init__(self) -> None:
        if not self.campaign or any(character < " " for character in self.campaign):
            # The note is line-based: a newline in the slug would let one note read as another.
            raise ValueError(
                f"a checkpoint's campaign slug must be one line, got {self.campaign!r}"
            )
        if self.tree_size < 0:
            raise ValueError(f"a tree size cannot be negative, got {self.tree_size}")
        if len(self.root_hash) != HASH_SIZE:
            raise ValueError(f"a root hash is {HASH_SIZE} bytes, got {len(self.root_hash)}")
        if not 0 <= self.live_count <= self.tree_size:
            raise ValueError(
                f"the live count {self.live_count} must lie between 0 and the tree size "
                f"{self.tree_size}"
            )
        # Normalised so that equal instants give equal checkpoints and equal notes.
        object.__setattr__(self, "timestamp", parse_time(canonical_time(self.timestamp)))


def checkpoint_note(checkpoint: Checkpoint) -> bytes:
    """The exact bytes that a checkpoint signature covers."""
    lines = [
        CHECKPOINT_FORMAT,
        checkpoint.campaign,
        str(checkpoint.tree_size),
        base64.b64encode(checkpoint.root_hash).decode("ascii"),
        str(checkpoint.live_count),
        canonical_time(checkpoint.timestamp),
    ]
    return "".join(f"{line}\n" for line in lines).encode()


def key_id(public_key: Ed25519PublicKey) -> bytes:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).digest()[:KEY_ID_SIZE]


def sign_checkpoint(checkpoint: Checkpoint, private_key: Ed25519PrivateKey) -> bytes:
    return key_id(private_key.public_key()) + private_key.sign(checkpoint_note(checkpoint))


def verify_checkpoint(
    checkpoint: Checkpoint, signature: bytes, public_key: Ed25519PublicKey
) -> None:
    """Raise VerificationError unless ``signature`` is ``public_key``'s over this checkpoint."""
    if len(signature) != CHECKPOINT_SIGNATURE_SIZE:
        raise VerificationError(
            f"a checkpoint signature is {CHECKPOINT_SIGNATURE_SIZE} bytes (a {KEY_ID_SIZE}-byte "
            f"key id and a {ED25519_SIGNATURE_SIZE}-byte Ed25519 signature), "
            f"this one is {len(signature)}"
        )
    expected_key_id = key_id(public_key)
    signed_key_id = signature[:KEY_ID_SIZE]
    if signed_key_id != expected_key_id:
        raise VerificationError(
            f"the checkpoint was signed with key {signed_key_id.hex()}, "
            f"not with the given public key {expected_key_id.hex()}"
        )
    try:
        public_key.verify(signature[KEY_ID_SIZE:], checkpoint_note(checkpoint))
    except InvalidSignature:
        raise VerificationError(
            f"the checkpoint signature is invalid for key {expected_key_id.hex()}: "
            "the checkpoint was changed after it was signed, or the signature is forged"
        ) from None


def generate_private_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def private_key_to_pem(private_key: Ed25519PrivateKey) -> bytes:
    """PKCS#8 PEM, unencrypted: protecting the key at rest is the deployment's job."""
    return private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def load_private_key_pem(data: bytes) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as error:
        raise ValueError(f"not an unencrypted PEM private key: {error}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"the private key is {type(key).__name__}, checkpoints need Ed25519")
    return key


def public_key_to_pem(public_key: Ed25519PublicKey) -> bytes:
    """SubjectPublicKeyInfo PEM, the form ``openssl pkey -pubout`` writes."""
    return public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def load_public_key_pem(data: bytes) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(data)
    except ValueError as error:
        raise ValueError(f"not a PEM public key: {error}") from None
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError(f"the public key is {type(key).__name__}, checkpoints need Ed25519")
    return key


def checkpoint_to_json(checkpoint: Checkpoint, signature: bytes) -> dict[str, object]:
    return {
        "format": CHECKPOINT_FORMAT,
        "campaign": checkpoint.campaign,
        "tree_size": checkpoint.tree_size,
        "root_hash": checkpoint.root_hash.hex(),
        "live_count": checkpoint.live_count,
        "timestamp": canonical_time(checkpoint.timestamp),
        "signature": signature.hex(),
    }


def checkpoint_from_json(data: object) -> tuple[Checkpoint, bytes]:
    """Read a signed checkpoint; raise MalformedDocumentError if it is not one.

    The signature is returned unchecked: call verify_checkpoint with the key you trust.
    """
    document = JsonDocument(data, name="checkpoint", expected_format=CHECKPOINT_FORMAT)
    try:
        checkpoint = Checkpoint(
            campaign=document.text("campaign"),
            tree_size=document.integer("tree_size"),
            root_hash=document.hex_bytes("root_hash", size=HASH_SIZE),
            live_count=document.integer("live_count"),
            timestamp=document.time("timestamp"),
        )
    except MalformedDocumentError:
        raise
    except ValueError as error:
        raise MalformedDocumentError(f"the checkpoint is not valid: {error}") from None
    return checkpoint, document.hex_bytes("signature")


class JsonDocument:
    """Strict, typed reading of the fields of one JSON object of the transparency log.

    Every error names the document and the field, because the person reading it is checking a
    file they were given and needs to know which part of it is wrong.
    """

    def __init__(self, data: object, *, name: str, expected_format: str | None = None) -> None:
        if not isinstance(data, Mapping):
            raise MalformedDocumentError(f"the {name} must be a JSON object")
        self.data = data
        self.name = name
        if expected_format is not None:
            found = data.get("format")
            if found != expected_format:
                raise MalformedDocumentError(
                    f"the {name} must have format {expected_format!r}, got {found!r}"
                )

    def has(self, key: str) -> bool:
        return self.data.get(key) is not None

    def _value(self, key: str) -> object:
        if key not in self.data:
            raise MalformedDocumentError(f"the {self.name} has no {key!r} field")
        return self.data[key]

    def text(self, key: str) -> str:
        value = self._value(key)
        if not isinstance(value, str) or not value:
            raise MalformedDocumentError(f"the {self.name}'s {key!r} must be a non-empty string")
        return value

    def integer(self, key: str) -> int:
        value = self._value(key)
        # bool is an int in Python but never a count in JSON.
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise MalformedDocumentError(
                f"the {self.name}'s {key!r} must be a non-negative integer, got {value!r}"
            )
        return value

    def hex_bytes(self, key: str, *, size: int | None = None) -> bytes:
        return self._decode_hex(self._value(key), f"{key!r}", size=size)

    def hex_list(self, key: str, *, size: int | None = None) -> list[bytes]:
        values = self._value(key)
        if not isinstance(values, list):
            raise MalformedDocumentError(f"the {self.name}'s {key!r} must be a list of hex strings")
        return [
            self._decode_hex(value, f"{key!r} item #{position}", size=size)
            for position, value in enumerate(values)
        ]

    def time(self, key: str) -> datetime:
        value = self.text(key)
        try:
            return parse_time(value)
        except ValueError as error:
            raise MalformedDocumentError(f"the {self.name}'s {key!r}: {error}") from None

    def documents(self, key: str, *, name: str) -> list["JsonDocument"]:
        values = self._value(key)
        if not isinstance(values, list):
            raise MalformedDocumentError(f"the {self.name}'s {key!r} must be a list of objects")
        return [
            JsonDocument(value, name=f"{name} #{position}") for position, value in enumerate(values)
        ]

    def _decode_hex(self, value: object, what: str, *, size: int | None) -> bytes:
        if not isinstance(value, str):
            raise MalformedDocumentError(f"the {self.name}'s {what} must be a hex string")
        try:
            decoded = bytes.fromhex(value)
        except ValueError:
            raise MalformedDocumentError(
                f"the {self.name}'s {what} is not hexadecimal: {value!r}"
            ) from None
        if size is not None and len(decoded) != size:
            raise MalformedDocumentError(
                f"the {self.name}'s {what} must be {size} bytes ({2 * size} hex digits), "
                f"got {len(decoded)}"
            )
        return decoded
