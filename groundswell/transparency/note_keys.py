"""The instance's C2SP note keys: the log key that signs checkpoints, its predecessors, the
witnesses it asks to cosign, and each campaign log's origin.

The private key is read, in this order, from TRANSPARENCY_SIGNING_KEY (a signer key string
``PRIVATE+KEY+<name>+<hex id>+<base64>``, as Go's ``note.GenerateKey`` writes, e.g. handed in by a
secret manager), from the file TRANSPARENCY_SIGNING_KEY_FILE (that string, or an Ed25519 PEM), or
else is the key that already signs the JSON checkpoints (``signing_key.checkpoint_signing_key``),
so an instance upgrading keeps one key. It is never stored in the database. Its name is
TRANSPARENCY_KEY_NAME; a signer key string names itself, and must then agree.
"""

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import cast

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from groundswell.transparency.checkpoints import load_private_key_pem
from groundswell.transparency.signed_note import (
    SIGNER_KEY_PREFIX,
    CosignatureVerifier,
    Ed25519Signer,
    Ed25519Verifier,
    NoteError,
    parse_signer_key,
    parse_verifier_key,
)
from groundswell.transparency.signing_key import checkpoint_signing_key, signing_key_path

_loaded: dict[tuple[str, str, str, str], Ed25519Signer] = {}


def log_origin(*, log_name: str) -> str:
    """The C2SP origin of a campaign's log: ``<host>/p/<the slug the log started with>``."""
    return f"{settings.TRANSPARENCY_ORIGIN_HOST}/p/{log_name}"


def log_signer() -> Ed25519Signer:
    cache_key = (
        settings.TRANSPARENCY_SIGNING_KEY,
        settings.TRANSPARENCY_SIGNING_KEY_FILE,
        settings.TRANSPARENCY_KEY_NAME,
        # Without a key of its own, the log signs with the checkpoint key, wherever that lives.
        str(signing_key_path()),
    )
    signer = _loaded.get(cache_key)
    if signer is None:
        signer = _read_signer()
        _loaded[cache_key] = signer
    return signer


def _read_signer() -> Ed25519Signer:
    name = settings.TRANSPARENCY_KEY_NAME
    if settings.TRANSPARENCY_SIGNING_KEY:
        return _from_signer_key(
            settings.TRANSPARENCY_SIGNING_KEY.strip(), "TRANSPARENCY_SIGNING_KEY"
        )
    if settings.TRANSPARENCY_SIGNING_KEY_FILE:
        path = Path(settings.TRANSPARENCY_SIGNING_KEY_FILE)
        try:
            data = path.read_bytes()
        except OSError as error:
            raise ImproperlyConfigured(
                f"TRANSPARENCY_SIGNING_KEY_FILE {path} cannot be read: {error.strerror}"
            ) from None
        if data.strip().startswith(SIGNER_KEY_PREFIX.encode()):
            return _from_signer_key(data.decode().strip(), f"TRANSPARENCY_SIGNING_KEY_FILE {path}")
        try:
            return Ed25519Signer(name, load_private_key_pem(data))
        except (ValueError, NoteError) as error:
            raise ImproperlyConfigured(
                f"TRANSPARENCY_SIGNING_KEY_FILE {path} is neither a signer key string nor an "
                f"Ed25519 PEM: {error}"
            ) from None
    try:
        return Ed25519Signer(name, checkpoint_signing_key())
    except NoteError as error:
        raise ImproperlyConfigured(f"TRANSPARENCY_KEY_NAME {name!r}: {error}") from None


def _from_signer_key(text: str, source: str) -> Ed25519Signer:
    try:
        signer = parse_signer_key(text)
    except NoteError as error:
        raise ImproperlyConfigured(f"{source} is not a signer key string: {error}") from None
    if not isinstance(signer, Ed25519Signer):
        raise ImproperlyConfigured(f"{source} is a witness's cosigning key, not a log key")
    if signer.name != settings.TRANSPARENCY_KEY_NAME:
        raise ImproperlyConfigured(
            f"{source} names its key {signer.name!r} but TRANSPARENCY_KEY_NAME is "
            f"{settings.TRANSPARENCY_KEY_NAME!r}"
        )
    return signer


@dataclass(frozen=True)
class PublishedKey:
    verifier: Ed25519Verifier
    current: bool
    # For an earlier key, when known: the day it stopped signing new checkpoints.
    retired: date | None = None

    def line(self) -> str:
        if self.current:
            return f"{self.verifier.vkey} current\n"
        if self.retired is None:
            return f"{self.verifier.vkey} previous\n"
        return f"{self.verifier.vkey} previous retired {self.retired.isoformat()}\n"


def previous_log_keys() -> list[PublishedKey]:
    """TRANSPARENCY_PREVIOUS_VERIFIER_KEYS: ``<verifier key> [retired <YYYY-MM-DD>]`` items."""
    keys = []
    for item in settings.TRANSPARENCY_PREVIOUS_VERIFIER_KEYS:
        vkey, _, rest = item.strip().partition(" ")
        retired = None
        words = rest.split()
        try:
            verifier = parse_verifier_key(vkey)
            if words:
                if len(words) != 2 or words[0] != "retired":
                    raise ValueError("after the key comes nothing or 'retired YYYY-MM-DD'")
                retired = date.fromisoformat(words[1])
        except (NoteError, ValueError) as error:
            raise ImproperlyConfigured(
                f"TRANSPARENCY_PREVIOUS_VERIFIER_KEYS item {item!r}: {error}"
            ) from None
        if not isinstance(verifier, Ed25519Verifier):
            raise ImproperlyConfigured(f"{vkey!r} is a witness key, not a log key")
        keys.append(PublishedKey(verifier, current=False, retired=retired))
    return keys


def published_log_keys() -> list[PublishedKey]:
    """The current log key, then every earlier one: what the well-known URL lists."""
    current = cast(Ed25519Verifier, log_signer().verifier)
    return [PublishedKey(current, current=True), *previous_log_keys()]


def log_verifiers() -> list[Ed25519Verifier]:
    return [key.verifier for key in published_log_keys()]


@dataclass(frozen=True)
class ConfiguredWitness:
    url: str
    verifier: CosignatureVerifier

    @property
    def name(self) -> str:
        return self.verifier.name


def configured_witnesses() -> list[ConfiguredWitness]:
    """TRANSPARENCY_WITNESSES: ``<add-checkpoint URL> <verifier key>`` items."""
    witnesses = []
    for item in settings.TRANSPARENCY_WITNESSES:
        parts = item.split()
        try:
            if len(parts) != 2 or not parts[0].startswith(("http://", "https://")):
                raise ValueError("an item is '<add-checkpoint URL> <verifier key>'")
            verifier = parse_verifier_key(parts[1])
        except (NoteError, ValueError) as error:
            raise ImproperlyConfigured(f"TRANSPARENCY_WITNESSES item {item!r}: {error}") from None
        if not isinstance(verifier, CosignatureVerifier):
            raise ImproperlyConfigured(
                f"TRANSPARENCY_WITNESSES: {parts[1]!r} is not a cosignature (type 0x04) key"
            )
        witnesses.append(ConfiguredWitness(parts[0], verifier))
    return witnesses
