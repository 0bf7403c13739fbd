from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning, register
from django.core.exceptions import ImproperlyConfigured

from groundswell.transparency.checkpoints import load_private_key_pem
from groundswell.transparency.note_keys import (
    configured_witnesses,
    log_signer,
    previous_log_keys,
)
from groundswell.transparency.signing_key import signing_key_is_configured, signing_key_path


# The ids keep the app the log lived in before issue 13: deployments may silence them by id.
@register()
def checkpoint_signing_key_is_usable(app_configs: object, **kwargs: object) -> list[CheckMessage]:
    path = signing_key_path()
    if signing_key_is_configured():
        try:
            load_private_key_pem(path.read_bytes())
        except OSError as error:
            return [
                Error(
                    f"CHECKPOINT_SIGNING_KEY_FILE {path} cannot be read: {error.strerror}.",
                    hint="Point it at the instance's Ed25519 private key (PEM, PKCS#8).",
                    id="delivery.E001",
                )
            ]
        except ValueError as error:
            return [
                Error(
                    f"CHECKPOINT_SIGNING_KEY_FILE {path} is not usable: {error}.",
                    hint="Generate one with: openssl genpkey -algorithm ed25519 -out key.pem",
                    id="delivery.E001",
                )
            ]
        return []
    if settings.DEBUG:
        return []
    return [
        Warning(
            "CHECKPOINT_SIGNING_KEY_FILE is not set: checkpoints are signed with a key generated "
            f"in {path}.",
            hint="Back that file up, or set CHECKPOINT_SIGNING_KEY_FILE: losing the key means "
            "new checkpoints can no longer be tied to the ones already delivered.",
            id="delivery.W001",
        )
    ]


@register()
def transparency_keys_are_usable(app_configs: object, **kwargs: object) -> list[CheckMessage]:
    """The C2SP log key, the earlier keys and the witnesses are read at start-up, so that a bad
    value stops the instance rather than the first checkpoint (transparency.E001)."""
    errors: list[CheckMessage] = []
    explicit = settings.TRANSPARENCY_SIGNING_KEY or settings.TRANSPARENCY_SIGNING_KEY_FILE
    readers = [previous_log_keys, configured_witnesses]
    if explicit:
        readers.insert(0, log_signer)
    for reader in readers:
        try:
            reader()
        except ImproperlyConfigured as error:
            errors.append(
                Error(
                    str(error),
                    hint="See docs/deployment.md, 'The transparency log: keys, tiles, witnesses'.",
                    id="transparency.E001",
                )
            )
    return errors
