"""`groundswell demo --port N`: everything the demo publishes names the address it serves on."""

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command

from groundswell.demo.seed import DEMO_SLUG, demo_seed
from groundswell.transparency.models import SignedCheckpoint

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _a_fresh_demo_folder(settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As `make demo` starts: nothing in the environment, the addresses the settings default to."""
    for variable in ("GROUNDSWELL_BASE_URL", "TRANSPARENCY_ORIGIN_HOST", "TRANSPARENCY_KEY_NAME"):
        monkeypatch.delenv(variable, raising=False)
    settings.DATA_DIR = tmp_path
    settings.CHECKPOINT_SIGNING_KEY_FILE = ""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.GROUNDSWELL_BASE_URL = "http://127.0.0.1:8000"
    settings.TRANSPARENCY_ORIGIN_HOST = "127.0.0.1:8000"
    settings.TRANSPARENCY_KEY_NAME = "127.0.0.1:8000"


def demo(port: int) -> None:
    call_command("demo", port=port, no_serve=True, stdout=StringIO())


def test_the_log_is_named_after_the_port_the_demo_serves_on(client):
    demo(8765)

    published = client.get("/.well-known/groundswell/transparency-keys").content.decode()
    checkpoints = SignedCheckpoint.objects.filter(campaign__slug=DEMO_SLUG)
    assert checkpoints.exists()
    for checkpoint in checkpoints:
        assert checkpoint.origin == f"127.0.0.1:8765/p/{DEMO_SLUG}"
        assert checkpoint.key_name.startswith("127.0.0.1:8765+")
        assert bytes(checkpoint.note).startswith(f"127.0.0.1:8765/p/{DEMO_SLUG}\n".encode())
        assert f"{checkpoint.key_name} current" in published


def test_a_demo_served_on_another_port_keeps_the_log_it_started(client):
    demo_seed()  # served on port 8000 before
    first = SignedCheckpoint.objects.filter(campaign__slug=DEMO_SLUG).earliest("tree_size")

    demo(8765)

    # A new origin or key name would start another log in readers' eyes, and the published key
    # would no longer verify the checkpoints already made.
    assert django_settings.TRANSPARENCY_ORIGIN_HOST == "127.0.0.1:8000"
    assert django_settings.TRANSPARENCY_KEY_NAME == "127.0.0.1:8000"
    assert django_settings.GROUNDSWELL_BASE_URL == "http://127.0.0.1:8765"
    published = client.get("/.well-known/groundswell/transparency-keys").content.decode()
    assert f"{first.key_name} current" in published


def test_an_address_chosen_in_the_environment_is_kept(monkeypatch, settings):
    monkeypatch.setenv("TRANSPARENCY_ORIGIN_HOST", "sign.example.org")
    settings.TRANSPARENCY_ORIGIN_HOST = "sign.example.org"
    settings.TRANSPARENCY_KEY_NAME = "sign.example.org"

    demo(8765)

    checkpoint = SignedCheckpoint.objects.filter(campaign__slug=DEMO_SLUG).latest("tree_size")
    assert checkpoint.origin == f"sign.example.org/p/{DEMO_SLUG}"
    assert checkpoint.key_name.startswith("sign.example.org+")
