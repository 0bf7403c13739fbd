"""Fixtures of the transparency log tests (the delivery tests import them too). The library tests
in this folder use no database; nothing here touches it unless a test asks for a fixture that
does."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from groundswell.transparency.checkpoints import generate_private_key, private_key_to_pem


@pytest.fixture(scope="session")
def checkpoint_key_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("keys") / "checkpoint-signing-key.pem"
    path.write_bytes(private_key_to_pem(generate_private_key()))
    return path


@pytest.fixture(autouse=True)
def _delivery_isolated(settings: Any, tmp_path: Path, checkpoint_key_file: Path) -> None:
    """Checkpoints signed with a test key, packages and photos written to a temporary folder."""
    settings.CHECKPOINT_SIGNING_KEY_FILE = str(checkpoint_key_file)
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "transparency_tiles": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "tiles")},
        },
    }
    settings.TRANSPARENCY_ORIGIN_HOST = "sign.example.org"
    settings.TRANSPARENCY_KEY_NAME = "sign.example.org"


@pytest.fixture
def confirm_many(campaign: Any, run_on_commit: Callable[[], Any]) -> Callable[..., list[Any]]:
    """Sign and confirm `count` signatures through the services, as signers would.

    With `append` (the default) each confirmation commits as in production, so in eager mode its
    leaf is appended at once; without it the log is left behind, as when the broker is down.
    """
    from groundswell.signatures.models import Signature
    from groundswell.signatures.services import (
        confirmation_token_make,
        signature_confirm,
        signature_create,
    )
    from groundswell.signatures.tallies import counts_publish
    from tests.conftest import signer_values

    def confirm(
        count: int, *, append: bool = True, prefix: str = "signer", **overrides: Any
    ) -> list[Any]:
        target = overrides.pop("campaign", campaign)
        signatures = []
        for number in range(count):
            data = signer_values(email=f"{prefix}{number}@example.org", name=f"Signer {number}")
            data.update(overrides)
            outcome = signature_create(campaign=target, **data)
            signature = Signature.objects.get(pk=outcome.signature_id)
            token = confirmation_token_make(public_id=signature.public_id)
            if append:
                with run_on_commit():
                    signature_confirm(campaign=target, token=token)
            else:
                signature_confirm(campaign=target, token=token)
                # The counts are published by their own periodic job, which is not what these
                # tests hold back.
                counts_publish(campaign_id=target.pk)
            signature.refresh_from_db()
            signatures.append(signature)
        return signatures

    return confirm
