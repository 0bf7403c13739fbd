"""The instance's Ed25519 key that signs checkpoints.

CHECKPOINT_SIGNING_KEY_FILE names a PEM file (PKCS#8, unencrypted). When it is unset, a key is
generated once into DATA_DIR/checkpoint-signing-key.pem (mode 0600) and used from then on; the
system check delivery.W001 reminds a production instance to back it up or to configure one. A
configured file that is missing or not an Ed25519 key stops the instance (delivery.E001): signing
checkpoints with a surprise new key would make every earlier checkpoint look forged.
"""

import os
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from groundswell.transparency.checkpoints import (
    generate_private_key,
    load_private_key_pem,
    private_key_to_pem,
)

GENERATED_KEY_NAME = "checkpoint-signing-key.pem"

# Keyed by path, so that tests (and a changed setting) pick up another key.
_loaded: dict[Path, Ed25519PrivateKey] = {}


def signing_key_path() -> Path:
    configured = settings.CHECKPOINT_SIGNING_KEY_FILE
    return Path(configured) if configured else Path(settings.DATA_DIR) / GENERATED_KEY_NAME


def signing_key_is_configured() -> bool:
    return bool(settings.CHECKPOINT_SIGNING_KEY_FILE)


def checkpoint_signing_key() -> Ed25519PrivateKey:
    path = signing_key_path()
    key = _loaded.get(path)
    if key is None:
        key = _read_or_generate(path)
        _loaded[path] = key
    return key


def checkpoint_public_key() -> Ed25519PublicKey:
    return checkpoint_signing_key().public_key()


def _read_or_generate(path: Path) -> Ed25519PrivateKey:
    if not path.exists():
        if signing_key_is_configured():
            raise ImproperlyConfigured(f"CHECKPOINT_SIGNING_KEY_FILE {path} does not exist")
        _generate(path)
    try:
        return load_private_key_pem(path.read_bytes())
    except (OSError, ValueError) as error:
        raise ImproperlyConfigured(
            f"the checkpoint signing key {path} cannot be used: {error}"
        ) from None


def _generate(path: Path) -> None:
    """Write a new key with O_EXCL, so that two processes starting together agree on one key."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = private_key_to_pem(generate_private_key())
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(descriptor, "wb") as file:
        file.write(pem)
