"""The transparency core runs where only the package is installed: no Django, no settings."""

import os
import subprocess
import sys
from pathlib import Path

REPOSITORY_ROOT = Path(__file__).resolve().parents[2]
MODULES = [
    "groundswell.transparency.signed_note",
    "groundswell.transparency.tlog_checkpoint",
    "groundswell.transparency.tlog_tiles",
    "groundswell.transparency.log_entries",
    "groundswell.transparency.witness",
    "groundswell.transparency.recount",
    "groundswell.transparency.verify_tlog",
    "groundswell.transparency.verify_cli",
    "groundswell.transparency.witness_server",
    "groundswell.transparency.audit_sample",
]


def test_the_modules_import_and_run_without_django() -> None:
    script = "\n".join(
        [
            "import sys",
            *(f"import {module}" for module in MODULES),
            "from groundswell.transparency.signed_note import Ed25519Signer, open_note, sign_note",
            "signer = Ed25519Signer.generate('example.org/p/x')",
            "assert open_note(sign_note(b'text\\n', [signer]), [signer.verifier])",
            "loaded = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))",
            "print(loaded)",
            "sys.exit(1 if loaded else 0)",
        ]
    )
    environment = {
        name: value for name, value in os.environ.items() if name != "DJANGO_SETTINGS_MODULE"
    }
    completed = subprocess.run(  # noqa: S603 - our own interpreter running a fixed script
        [sys.executable, "-c", script],
        cwd=REPOSITORY_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )

    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert completed.stdout.strip() == "[]"
