"""C2SP signed notes (c2sp.org/signed-note) with Ed25519 keys, and Ed25519 witness cosignatures
(c2sp.org/tlog-cosignature).

A signed note is a UTF-8 text ending in a newline, a blank line, then one or more signature lines
``— <key name> base64(key ID || signature)``. The signature covers the text, final newline
included, and nothing else. Checkpoints (``tlog_checkpoint``) are notes; so are the cosignatures
witnesses add to them.

Keys are named. A key's ID is the first 4 bytes, read as a big-endian uint32, of
``SHA-256(name || 0x0A || signature type || public key)``: type 0x01 for a note's Ed25519
signature, 0x04 for a timestamped Ed25519 cosignature. The ID only picks the key; trust comes from
the verifier key the client was configured with.

Key strings (the forms Go's ``golang.org/x/mod/sumdb/note`` reads and writes):

    verifier key  <name>+<key ID, 8 lowercase hex digits>+base64(type || 32-byte public key)
    signer key    PRIVATE+KEY+<name>+<key ID>+base64(type || 32-byte Ed25519 seed)

C2SP defines the verifier key; the signer key is Go's format, which only knows type 0x01. We write
cosigner signer keys the same way with type 0x04, an extension of ours (litewitness and other
witnesses keep their keys elsewhere), so that one file format holds either kind of key.

Verification follows the spec to the letter and is stricter where the spec leaves room:
- a note that is not valid UTF-8, holds a control character other than a newline, has no blank
  line before its signatures, a signature line that is not ``— name base64`` with a valid name, or
  base64 that is not in its one canonical spelling is malformed (NoteFormatError);
- signatures from unknown keys (name and ID not both matching a configured key) are ignored,
  reported as unverified;
- every signature from a known key is checked, repeated ones too (Go checks only the first), and
  one that fails rejects the whole note (InvalidSignatureError), as the spec recommends;
- a note with no valid signature from a known key is rejected (UnverifiedNoteError);
- more than MAX_SIGNATURES signature lines make a note malformed (the spec requires at least 16
  to be accepted; Go's limit is 100 too).

This module must not import Django: it runs in the verify command and in witnesses.
"""

import base64
import binascii
import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol, Self

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ALGORITHM_ED25519 = 0x01
ALGORITHM_COSIGNATURE_V1 = 0x04

KEY_ID_SIZE = 4
ED25519_PUBLIC_KEY_SIZE = 32
ED25519_SEED_SIZE = 32
ED25519_SIGNATURE_SIZE = 64
TIMESTAMP_SIZE = 8
COSIGNATURE_SIZE = TIMESTAMP_SIZE + ED25519_SIGNATURE_SIZE
MAX_COSIGNATURE_TIMESTAMP = 2**63 - 1
MAX_SIGNATURES = 100

SIGNATURE_LINE_PREFIX = "— "
SIGNER_KEY_PREFIX = "PRIVATE+KEY+"
COSIGNATURE_HEADER = b"cosignature/v1\n"

_KEY_ID_HEX = re.compile(r"[0-9a-f]{8}")


class NoteError(ValueError):
    """A note, a key string or a key name is not in the form the spec requires."""


class NoteFormatError(NoteError):
    """A signed note is malformed: it must be refused whatever keys sign it."""


class NoteVerificationError(Exception):
    """A well-formed note does not carry the signatures it needs."""


class UnverifiedNoteError(NoteVerificationError):
    """No signature from a known key is on the note."""


class InvalidSignatureError(NoteVerificationError):
    """A signature line names a known key but its signature does not verify."""


def key_id(name: str, algorithm: int, public_key: bytes) -> int:
    """The spec's recommended key ID, as a uint32."""
    digest = hashlib.sha256(name.encode() + b"\n" + bytes([algorithm]) + public_key).digest()
    return int.from_bytes(digest[:KEY_ID_SIZE], "big")


def check_key_name(name: str) -> None:
    """Refuse a key name the spec forbids: empty, or holding a space, a plus or a control."""
    if not name:
        raise NoteError("a key name cannot be empty")
    for character in name:
        if character.isspace() or character == "+" or character < " ":
            raise NoteError(
                f"a key name cannot contain spaces, '+' or control characters: {name!r}"
            )


@dataclass(frozen=True)
class NoteSignature:
    """One signature line: the key's name and ID, and the signature bytes after the ID."""

    name: str
    key_id: int
    signature: bytes

    def line(self) -> str:
        encoded = base64.b64encode(self.key_id.to_bytes(KEY_ID_SIZE, "big") + self.signature)
        return f"{SIGNATURE_LINE_PREFIX}{self.name} {encoded.decode('ascii')}\n"


class Verifier(Protocol):
    """A public key that checks signatures on note texts; ``verify`` never raises."""

    @property
    def name(self) -> str: ...

    @property
    def key_id(self) -> int: ...

    def verify(self, text: bytes, signature: bytes) -> bool: ...


class Signer(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def key_id(self) -> int: ...

    def sign(self, text: bytes) -> NoteSignature: ...


class _Ed25519Key:
    """What the two kinds of key share: a name, a signature type, an Ed25519 public key."""

    algorithm: int

    def __init__(self, name: str, public_key: bytes) -> None:
        check_key_name(name)
        if len(public_key) != ED25519_PUBLIC_KEY_SIZE:
            raise NoteError(
                f"an Ed25519 public key is {ED25519_PUBLIC_KEY_SIZE} bytes, got {len(public_key)}"
            )
        self._name = name
        self.public_key = public_key
        self._public_key = Ed25519PublicKey.from_public_bytes(public_key)
        self._key_id = key_id(name, self.algorithm, public_key)

    @property
    def name(self) -> str:
        return self._name

    @property
    def key_id(self) -> int:
        return self._key_id

    @property
    def vkey(self) -> str:
        """The verifier key string that clients are configured with."""
        material = base64.b64encode(bytes([self.algorithm]) + self.public_key).decode("ascii")
        return f"{self._name}+{self._key_id:08x}+{material}"

    def _ed25519_valid(self, message: bytes, signature: bytes) -> bool:
        if len(signature) != ED25519_SIGNATURE_SIZE:
            return False
        try:
            self._public_key.verify(signature, message)
        except InvalidSignature:
            return False
        return True

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.vkey}>"


class Ed25519Verifier(_Ed25519Key):
    """A note signer's public key (signature type 0x01): the signature covers the text as is."""

    algorithm = ALGORITHM_ED25519

    def verify(self, text: bytes, signature: bytes) -> bool:
        return self._ed25519_valid(text, signature)


class CosignatureVerifier(_Ed25519Key):
    """A witness's public key (type 0x04): the signature is a timestamp and an Ed25519 signature
    over ``cosignature/v1``, ``time <timestamp>`` and the note text."""

    algorithm = ALGORITHM_COSIGNATURE_V1

    def verify(self, text: bytes, signature: bytes) -> bool:
        if len(signature) != COSIGNATURE_SIZE:
            return False
        timestamp = cosignature_timestamp(signature)
        if timestamp > MAX_COSIGNATURE_TIMESTAMP:
            return False
        return self._ed25519_valid(
            cosigned_message(text, timestamp=timestamp), signature[TIMESTAMP_SIZE:]
        )


def cosignature_timestamp(signature: bytes) -> int:
    """The POSIX time a cosignature (the bytes after the key ID) says it was made."""
    if len(signature) != COSIGNATURE_SIZE:
        raise NoteError(f"a cosignature is {COSIGNATURE_SIZE} bytes, got {len(signature)}")
    return int.from_bytes(signature[:TIMESTAMP_SIZE], "big")


def cosigned_message(text: bytes, *, timestamp: int) -> bytes:
    """The exact bytes an Ed25519 cosignature signs (tlog-cosignature, "Ed25519 signed message")."""
    if not 0 <= timestamp <= MAX_COSIGNATURE_TIMESTAMP:
        raise NoteError(f"a cosignature timestamp lies in [0, 2^63 - 1], got {timestamp}")
    return COSIGNATURE_HEADER + f"time {timestamp}\n".encode() + text


class _Ed25519SigningKey:
    algorithm: int
    verifier_class: type[_Ed25519Key]

    def __init__(self, name: str, private_key: Ed25519PrivateKey) -> None:
        self._private_key = private_key
        public_key = private_key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        self.verifier = self.verifier_class(name, public_key)

    @classmethod
    def generate(cls, name: str) -> Self:
        return cls(name, Ed25519PrivateKey.generate())

    @classmethod
    def from_seed(cls, name: str, seed: bytes) -> Self:
        if len(seed) != ED25519_SEED_SIZE:
            raise NoteError(f"an Ed25519 private key is {ED25519_SEED_SIZE} bytes, got {len(seed)}")
        return cls(name, Ed25519PrivateKey.from_private_bytes(seed))

    @property
    def name(self) -> str:
        return self.verifier.name

    @property
    def key_id(self) -> int:
        return self.verifier.key_id

    @property
    def vkey(self) -> str:
        return self.verifier.vkey

    @property
    def skey(self) -> str:
        """The signer key string: whoever reads it can sign as this key."""
        seed = self._private_key.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )
        material = base64.b64encode(bytes([self.algorithm]) + seed).decode("ascii")
        return f"{SIGNER_KEY_PREFIX}{self.name}+{self.key_id:08x}+{material}"

    def __repr__(self) -> str:
        # Never the private key: a repr ends up in logs and tracebacks.
        return f"<{type(self).__name__} {self.vkey}>"


class Ed25519Signer(_Ed25519SigningKey):
    """Signs note texts, such as a log's checkpoints."""

    algorithm = ALGORITHM_ED25519
    verifier_class = Ed25519Verifier

    def sign(self, text: bytes) -> NoteSignature:
        return NoteSignature(self.name, self.key_id, self._private_key.sign(text))


class CosignatureSigner(_Ed25519SigningKey):
    """A witness's key: cosigns a checkpoint's note text at a given time."""

    algorithm = ALGORITHM_COSIGNATURE_V1
    verifier_class = CosignatureVerifier

    def cosign(self, text: bytes, *, timestamp: int) -> NoteSignature:
        signature = self._private_key.sign(cosigned_message(text, timestamp=timestamp))
        return NoteSignature(
            self.name, self.key_id, timestamp.to_bytes(TIMESTAMP_SIZE, "big") + signature
        )


def parse_verifier_key(vkey: str) -> Ed25519Verifier | CosignatureVerifier:
    """Read ``<name>+<hex key ID>+<base64 key>``; the ID must be the one the key has."""
    # Base64 has "+" in its alphabet: only the first two separate parts.
    parts = vkey.split("+", 2)
    if len(parts) != 3:
        raise NoteError(
            "a verifier key is <name>+<key ID>+<base64 key>, three parts separated by '+'"
        )
    name, hex_id, encoded = parts
    material = _decode_key_material(encoded, what="verifier key")
    verifier: Ed25519Verifier | CosignatureVerifier
    if material[0] == ALGORITHM_ED25519:
        verifier = Ed25519Verifier(name, material[1:])
    elif material[0] == ALGORITHM_COSIGNATURE_V1:
        verifier = CosignatureVerifier(name, material[1:])
    else:
        raise NoteError(f"the verifier key has signature type {material[0]:#04x}, not 0x01 or 0x04")
    _check_key_id(hex_id, verifier.key_id, what="verifier key")
    return verifier


def parse_signer_key(skey: str) -> Ed25519Signer | CosignatureSigner:
    """Read ``PRIVATE+KEY+<name>+<hex key ID>+<base64 seed>``; the ID must match the key."""
    if not skey.startswith(SIGNER_KEY_PREFIX):
        raise NoteError(f"a signer key starts with {SIGNER_KEY_PREFIX!r}")
    parts = skey[len(SIGNER_KEY_PREFIX) :].split("+", 2)
    if len(parts) != 3:
        raise NoteError("a signer key is PRIVATE+KEY+<name>+<key ID>+<base64 key>")
    name, hex_id, encoded = parts
    material = _decode_key_material(encoded, what="signer key")
    signer: Ed25519Signer | CosignatureSigner
    if material[0] == ALGORITHM_ED25519:
        signer = Ed25519Signer.from_seed(name, material[1:])
    elif material[0] == ALGORITHM_COSIGNATURE_V1:
        signer = CosignatureSigner.from_seed(name, material[1:])
    else:
        raise NoteError(f"the signer key has signature type {material[0]:#04x}, not 0x01 or 0x04")
    _check_key_id(hex_id, signer.key_id, what="signer key")
    return signer


def _decode_key_material(encoded: str, *, what: str) -> bytes:
    material = decode_base64(encoded, what=f"the {what}'s key")
    if not material:
        raise NoteError(f"the {what} holds no key")
    return material


def _check_key_id(hex_id: str, expected: int, *, what: str) -> None:
    if not _KEY_ID_HEX.fullmatch(hex_id):
        raise NoteError(f"a {what}'s ID is 8 lowercase hex digits, got {hex_id!r}")
    if int(hex_id, 16) != expected:
        raise NoteError(
            f"the {what}'s ID {hex_id} is not the ID {expected:08x} of its name and key"
        )


def decode_base64(text: str, *, what: str) -> bytes:
    """Standard base64 in its one canonical spelling (padded, no stray bits), or NoteError.

    Refusing other spellings means that one value has one encoding, so a signed text cannot be
    re-spelled into another text that says the same thing.
    """
    try:
        decoded = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise NoteError(f"{what} is not base64: {text!r}") from None
    if base64.b64encode(decoded).decode("ascii") != text:
        raise NoteError(f"{what} is not in canonical base64: {text!r}")
    return decoded


@dataclass(frozen=True)
class Note:
    """A signed note, parsed but not verified: its text, final newline included, and signatures."""

    text: bytes
    signatures: tuple[NoteSignature, ...]

    def to_bytes(self) -> bytes:
        return format_note(self.text, self.signatures)


@dataclass(frozen=True)
class VerifiedSignature:
    signature: NoteSignature
    verifier: Verifier


@dataclass(frozen=True)
class OpenedNote:
    """A note whose signatures from known keys all verified; at least one did."""

    text: bytes
    verified: tuple[VerifiedSignature, ...]
    unverified: tuple[NoteSignature, ...]

    def signed_by(self, verifier: Verifier) -> NoteSignature | None:
        for item in self.verified:
            if item.verifier is verifier:
                return item.signature
        return None


def check_note_text(text: bytes) -> str:
    """Refuse a note text the spec forbids; return it decoded."""
    try:
        decoded = text.decode("utf-8")
    except UnicodeDecodeError:
        raise NoteFormatError("a note must be valid UTF-8") from None
    for character in decoded:
        if character < " " and character != "\n":
            raise NoteFormatError(
                f"a note cannot hold the control character {character!r}; only newlines"
            )
    if not decoded.endswith("\n"):
        raise NoteFormatError("a note text ends with a newline")
    return decoded


def format_note(text: bytes, signatures: Iterable[NoteSignature]) -> bytes:
    check_note_text(text)
    signatures = list(signatures)
    if not signatures:
        raise NoteFormatError("a signed note has at least one signature")
    if len(signatures) > MAX_SIGNATURES:
        raise NoteFormatError(f"a note carries at most {MAX_SIGNATURES} signatures")
    for signature in signatures:
        check_key_name(signature.name)
    return text + b"\n" + "".join(signature.line() for signature in signatures).encode()


def sign_note(
    text: bytes, signers: Sequence[Signer], *, existing: Sequence[NoteSignature] = ()
) -> bytes:
    """The note with a signature by each signer after the signatures it already carries."""
    check_note_text(text)
    return format_note(text, [*existing, *(signer.sign(text) for signer in signers)])


def parse_note(message: bytes) -> Note:
    """Split a signed note into text and signatures, refusing anything malformed."""
    decoded = check_note_text(message)
    split = decoded.rfind("\n\n")
    if split < 0:
        raise NoteFormatError("a signed note has a blank line between its text and signatures")
    text, signature_block = decoded[: split + 1], decoded[split + 2 :]
    lines = signature_block.split("\n")
    # The block ends in a newline (check_note_text), so the last item is empty.
    lines.pop()
    if not lines:
        raise NoteFormatError("a signed note has at least one signature line")
    if len(lines) > MAX_SIGNATURES:
        raise NoteFormatError(f"a note carries at most {MAX_SIGNATURES} signatures")
    return Note(text.encode(), tuple(_parse_signature_line(line) for line in lines))


def _parse_signature_line(line: str) -> NoteSignature:
    if not line.startswith(SIGNATURE_LINE_PREFIX):
        raise NoteFormatError(f"a signature line starts with '— ': {line!r}")
    name, space, encoded = line[len(SIGNATURE_LINE_PREFIX) :].partition(" ")
    if not space:
        raise NoteFormatError(f"a signature line is '— <key name> <base64>': {line!r}")
    try:
        check_key_name(name)
        raw = decode_base64(encoded, what="a signature")
    except NoteError as error:
        raise NoteFormatError(str(error)) from None
    if len(raw) <= KEY_ID_SIZE:
        raise NoteFormatError(f"a signature is a 4-byte key ID and at least one byte: {line!r}")
    return NoteSignature(name, int.from_bytes(raw[:KEY_ID_SIZE], "big"), raw[KEY_ID_SIZE:])


def open_note(message: bytes, verifiers: Iterable[Verifier]) -> OpenedNote:
    """Parse a signed note and check every signature from a known key.

    Raises NoteFormatError for a malformed note, InvalidSignatureError when a known key's signature
    fails, UnverifiedNoteError when no known key signed it.
    """
    known: dict[tuple[str, int], Verifier] = {}
    for verifier in verifiers:
        key = (verifier.name, verifier.key_id)
        if key in known and known[key] is not verifier:
            # Two keys with one name and ID: whoever set this up cannot tell which one signs.
            raise ValueError(f"two verifier keys share the name and ID {key[0]}+{key[1]:08x}")
        known[key] = verifier
    note = parse_note(message)
    verified: dict[tuple[str, int], VerifiedSignature] = {}
    unverified: dict[NoteSignature, None] = {}
    for signature in note.signatures:
        key = (signature.name, signature.key_id)
        found = known.get(key)
        if found is None:
            unverified[signature] = None
            continue
        verifier = found
        if not verifier.verify(note.text, signature.signature):
            raise InvalidSignatureError(
                f"the signature of {signature.name}+{signature.key_id:08x} does not verify: "
                "the note was changed after it was signed, or the signature is forged"
            )
        verified.setdefault(key, VerifiedSignature(signature, verifier))
    if not verified:
        names = ", ".join(f"{name}+{number:08x}" for name, number in known) or "none"
        raise UnverifiedNoteError(f"the note carries no signature from a known key ({names})")
    return OpenedNote(note.text, tuple(verified.values()), tuple(unverified))
