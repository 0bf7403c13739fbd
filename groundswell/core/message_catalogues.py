"""The compiled translation catalogues (`.mo`), built from the `.po` files kept in the repository.

The `.mo` files are generated, never committed: `make install` runs this module, and building a
wheel runs it too (`setup.py`), so an installed package carries them. It uses Babel rather than
GNU gettext's msgfmt, which a fresh machine with only Python does not have. It imports nothing
from Django (nor anything else of Groundswell), so it runs before settings can be loaded and
inside a build environment that has only setuptools and Babel.

    python -m groundswell.core.message_catalogues      # or: groundswell compilemessages
"""

import os
import sys
import tempfile
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


def catalogue_sources(*, locale_dir: Path = LOCALE_DIR) -> list[Path]:
    return sorted(locale_dir.glob("*/LC_MESSAGES/*.po"))


def catalogues_compile(*, locale_dir: Path = LOCALE_DIR, into: Path | None = None) -> list[Path]:
    """Writes `<language>/LC_MESSAGES/<domain>.mo` for every `.po` under `locale_dir`, into
    `into` (default: beside each `.po`), and returns the paths written.

    Fuzzy entries and entries with an empty form are left out, so that their English shows
    rather than a blank (the test suite refuses both in the repository's catalogues). Each file
    is replaced atomically: a running server never reads half of one.
    """
    written = []
    for source in catalogue_sources(locale_dir=locale_dir):
        with source.open("rb") as po_file:
            catalogue = read_po(po_file, abort_invalid=True)
        for message in list(catalogue):
            forms = message.string if isinstance(message.string, tuple) else (message.string,)
            if message.id and not all(forms):
                catalogue.delete(message.id, context=message.context)
        target = (into or locale_dir) / source.relative_to(locale_dir).with_suffix(".mo")
        target.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=target.parent, suffix=".mo.tmp")
        try:
            with os.fdopen(descriptor, "wb") as mo_file:
                write_mo(mo_file, catalogue, use_fuzzy=False)
            os.chmod(temporary, 0o644)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        written.append(target)
    return written


def main() -> int:
    for path in catalogues_compile():
        print(f"compiled {path.relative_to(LOCALE_DIR.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
