"""`groundswell check --deploy` is clean with the production profile that docs/deployment.md
gives, read from the document itself so that the two cannot drift apart."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from groundswell.core.checks import proxies_are_trusted_behind_a_proxy
from groundswell.transparency.checkpoints import generate_private_key, private_key_to_pem

DEPLOYMENT = Path(__file__).resolve().parents[2] / "docs" / "deployment.md"


def documented_production_profile() -> dict[str, str]:
    """The variables of the "production minimum" block, placeholders filled in."""
    after = DEPLOYMENT.read_text().split("A production minimum:", 1)[1]
    block = after.split("```sh", 1)[1].split("```", 1)[0]
    profile = {}
    for line in block.strip().splitlines():
        name, _, value = line.partition("=")
        if value.startswith("<") and value.endswith(">"):
            value = secrets.token_urlsafe(50)
        profile[name] = value.replace("<user>", "mailer").replace("<password>", "secret")
    return profile


def test_the_documented_production_profile_passes_the_deploy_checks(tmp_path):
    key = tmp_path / "checkpoint-signing-key.pem"
    key.write_bytes(private_key_to_pem(generate_private_key()))
    profile = documented_production_profile()
    assert {"SECRET_KEY", "TRUSTED_PROXIES", "SECURE_HSTS_SECONDS"} <= set(profile)
    environment = {
        # Nothing of this machine's own configuration, only the profile.
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "GROUNDSWELL_DATA_DIR": str(tmp_path / "var"),
        **profile,
        "CHECKPOINT_SIGNING_KEY_FILE": str(key),
    }

    finished = subprocess.run(
        [sys.executable, "-m", "groundswell", "check", "--deploy", "--fail-level", "WARNING"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert finished.returncode == 0, finished.stdout + finished.stderr
    assert "System check identified no issues" in finished.stdout


@pytest.mark.parametrize(
    ("proxy_header", "trusted", "warned"),
    [
        (("HTTP_X_FORWARDED_PROTO", "https"), (), True),
        (("HTTP_X_FORWARDED_PROTO", "https"), ("127.0.0.1/32",), False),
        (None, (), False),
    ],
)
def test_behind_a_proxy_without_trusted_proxies_the_deploy_check_warns(
    settings, proxy_header, trusted, warned
):
    settings.SECURE_PROXY_SSL_HEADER = proxy_header
    settings.TRUSTED_PROXIES = trusted

    found = [message.id for message in proxies_are_trusted_behind_a_proxy(None)]

    assert found == (["groundswell.W001"] if warned else [])
