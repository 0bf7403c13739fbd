"""The instance key that signs checkpoints: generated once when not configured, refused when a
configured one cannot be used."""

import stat

import pytest
from django.core.exceptions import ImproperlyConfigured

from groundswell.transparency.checks import checkpoint_signing_key_is_usable
from groundswell.transparency.signing_key import checkpoint_signing_key


@pytest.fixture
def unconfigured(settings, tmp_path):
    settings.CHECKPOINT_SIGNING_KEY_FILE = ""
    settings.DATA_DIR = tmp_path
    return tmp_path / "checkpoint-signing-key.pem"


def test_without_configuration_a_key_is_generated_once_and_kept_private(unconfigured):
    first = checkpoint_signing_key()

    assert unconfigured.exists()
    assert stat.S_IMODE(unconfigured.stat().st_mode) == 0o600
    assert checkpoint_signing_key() is first


def test_production_is_warned_to_back_up_a_generated_key(unconfigured, settings):
    settings.DEBUG = False

    (warning,) = checkpoint_signing_key_is_usable(None)

    assert warning.id == "delivery.W001"
    assert str(unconfigured) in warning.msg


def test_development_is_not_warned(unconfigured, settings):
    settings.DEBUG = True

    assert checkpoint_signing_key_is_usable(None) == []


def test_a_configured_key_that_is_missing_stops_the_instance(settings, tmp_path):
    settings.CHECKPOINT_SIGNING_KEY_FILE = str(tmp_path / "missing.pem")

    (error,) = checkpoint_signing_key_is_usable(None)

    assert error.id == "delivery.E001"
    with pytest.raises(ImproperlyConfigured, match="does not exist"):
        checkpoint_signing_key()
    assert not (tmp_path / "missing.pem").exists()


def test_a_configured_key_that_is_not_ed25519_is_refused(settings, tmp_path):
    path = tmp_path / "rsa.pem"
    path.write_text("-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n")
    settings.CHECKPOINT_SIGNING_KEY_FILE = str(path)

    (error,) = checkpoint_signing_key_is_usable(None)

    assert error.id == "delivery.E001"
    assert "not usable" in error.msg


def test_the_configured_key_is_used(settings, checkpoint_key_file):
    settings.CHECKPOINT_SIGNING_KEY_FILE = str(checkpoint_key_file)

    assert checkpoint_signing_key_is_usable(None) == []
    assert checkpoint_signing_key() is checkpoint_signing_key()
