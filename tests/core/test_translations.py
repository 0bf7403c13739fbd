"""The translation catalogues: complete, compiled, and holding every string the code uses.

`make messages` (GNU gettext) writes the `.po` files, a person translates them, and `make
install` compiles them (Babel). These tests fail, with the command that fixes it, when a string
was added or changed without `make messages`, when an entry is left untranslated or fuzzy, and
when the compiled `.mo` is older than its `.po`. The strings are found here as makemessages finds
them (Django's `templatize` for templates, then a gettext-style scan with makemessages'
keywords), in Python alone, so the check runs in about a second and needs no GNU gettext.
"""

import gettext
import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_python
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management import call_command
from django.utils.translation.template import templatize

from groundswell.core.message_catalogues import LOCALE_DIR, catalogue_sources, catalogues_compile

PACKAGE_DIR = LOCALE_DIR.parent
# Every language offered but the one the code is written in.
LANGUAGES = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
# The keywords makemessages gives xgettext for the "django" domain, besides xgettext's own.
KEYWORDS = {
    "_": None,
    "gettext": None,
    "gettext_lazy": None,
    "gettext_noop": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "npgettext_lazy": ((1, "c"), 2, 3),
}
# What makemessages scans for the "django" domain.
EXTENSIONS = {".py", ".html", ".txt"}
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%%")

MessageKey = tuple[str | None, str]  # (context, msgid)


def strings_in_code() -> dict[MessageKey, str | None]:
    """Every translatable string in the package: (context, msgid) to its plural msgid or None.

    As xgettext does, a msgid used both with and without a plural is one entry, with the plural.
    """
    found: dict[MessageKey, str | None] = {}
    for path in sorted(PACKAGE_DIR.rglob("*")):
        if path.suffix not in EXTENSIONS or LOCALE_DIR in path.parents:
            continue
        source = path.read_text(encoding="utf-8")
        if path.suffix != ".py":
            # templatize keeps line numbers with indented filler that is not valid Python
            # indentation; the calls it writes are each on one line.
            source = "\n".join(
                line.lstrip() for line in templatize(source, origin=str(path)).splitlines()
            )
        messages = extract_python(io.BytesIO(source.encode()), KEYWORDS, [], {})
        for _line, function, arguments, _comments in messages:
            arguments = arguments if isinstance(arguments, tuple) else (arguments,)
            spec = KEYWORDS[function] or (1,)
            context = next((arguments[s[0] - 1] for s in spec if isinstance(s, tuple)), None)
            ids = [arguments[s - 1] for s in spec if not isinstance(s, tuple)]
            if not ids[0]:
                continue
            key = (context, ids[0])
            plural = ids[1] if len(ids) > 1 else None
            found[key] = found.get(key) or plural
    return found


def catalogue(language: str, domain: str = "django") -> Catalog:
    with (LOCALE_DIR / language / "LC_MESSAGES" / f"{domain}.po").open("rb") as po_file:
        return read_po(po_file, abort_invalid=True)


def entries(language: str) -> dict[MessageKey, str | None]:
    return {
        (message.context, message.id[0] if message.pluralizable else message.id): (
            message.id[1] if message.pluralizable else None
        )
        for message in catalogue(language)
        if message.id
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_makemessages_would_add_or_remove_nothing(language):
    in_code, in_catalogue = strings_in_code(), entries(language)

    missing = sorted(set(in_code) - set(in_catalogue), key=str)
    unused = sorted(set(in_catalogue) - set(in_code), key=str)
    both = in_code.keys() & in_catalogue.keys()
    plurals = sorted(key for key in both if in_code[key] != in_catalogue[key])

    fix = "run `make messages`, then translate the new entries"
    assert not missing, f"strings not in locale/{language}: {fix}: {missing}"
    assert not unused, f"entries no code uses in locale/{language}: {fix}: {unused}"
    assert not plurals, f"plural forms changed: {fix}: {plurals}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_entry_is_translated_with_its_placeholders(language):
    translations = catalogue(language)
    problems = []
    for message in translations:
        if not message.id:
            assert not message.fuzzy, "the header is marked fuzzy"
            continue
        sources = message.id if message.pluralizable else (message.id,)
        forms = message.string if message.pluralizable else (message.string,)
        if message.fuzzy:
            problems.append(f"fuzzy: {sources[0]!r}")
        if not all(forms):
            problems.append(f"untranslated: {sources[0]!r}")
        if message.pluralizable and len(forms) != translations.num_plurals:
            problems.append(f"{len(forms)} plural forms, not {translations.num_plurals}: {sources}")
        # Each form names what the plural source names (the singular may leave out the count).
        expected = sorted(PLACEHOLDER.findall(sources[-1]))
        for form in forms:
            if form and sorted(PLACEHOLDER.findall(form)) not in (
                expected,
                sorted(PLACEHOLDER.findall(sources[0])),
            ):
                problems.append(f"placeholders differ: {sources[0]!r} -> {form!r}")
        problems += [f"{error}: {sources[0]!r}" for error in message.check(translations)]

    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalogue_is_the_one_its_po_file_makes(language, tmp_path):
    installed = LOCALE_DIR / language / "LC_MESSAGES" / "django.mo"
    assert installed.exists(), "no compiled catalogue: run `make install`"
    catalogues_compile(into=tmp_path)
    fresh = tmp_path / language / "LC_MESSAGES" / "django.mo"

    with installed.open("rb") as mine, fresh.open("rb") as expected:
        assert (
            gettext.GNUTranslations(mine)._catalog == gettext.GNUTranslations(expected)._catalog
        ), "the compiled catalogue is older than its .po file: run `make install`"


def test_the_compiler_leaves_out_fuzzy_and_untranslated_entries(tmp_path):
    source = tmp_path / "xx" / "LC_MESSAGES" / "django.po"
    source.parent.mkdir(parents=True)
    source.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
        'msgid "Kept"\nmsgstr "Gardé"\n\n'
        '#, fuzzy\nmsgid "Fuzzy"\nmsgstr "Flou"\n\n'
        'msgid "Empty"\nmsgstr ""\n\n'
        'msgid "one"\nmsgid_plural "many"\nmsgstr[0] "un"\nmsgstr[1] ""\n',
        encoding="utf-8",
    )

    [compiled] = catalogues_compile(locale_dir=tmp_path)

    with compiled.open("rb") as mo_file:
        translations = gettext.GNUTranslations(mo_file)
    assert compiled.stat().st_mode & 0o444 == 0o444
    assert translations.gettext("Kept") == "Gardé"
    assert translations.gettext("Fuzzy") == "Fuzzy"
    assert translations.gettext("Empty") == "Empty"
    assert translations.ngettext("one", "many", 2) == "many"


def test_every_catalogue_is_compiled_by_the_install_step():
    makefile = (PACKAGE_DIR.parent / "Makefile").read_text()

    assert catalogue_sources(), "no .po file found"
    assert "python -m groundswell.core.message_catalogues" in makefile.split("\ninstall:")[1]
    assert "*.mo" in (PACKAGE_DIR.parent / ".gitignore").read_text().splitlines()


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is not installed")
def test_the_scan_finds_what_makemessages_finds(tmp_path):
    """Checks this module's scan against the real makemessages, where GNU gettext is installed:
    on a copy of the package, `make messages` must leave the Spanish catalogue as it is."""
    copy = tmp_path / "groundswell"
    shutil.copytree(PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("*.mo", "__pycache__"))
    before = {source: source.read_bytes() for source in catalogue_sources()}
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "--all", "--no-obsolete", "--no-location"],
        cwd=copy,
        check=True,
        capture_output=True,
        env={
            "PATH": os.environ["PATH"],
            "DJANGO_SETTINGS_MODULE": "groundswell.config.settings",
            "DEBUG": "1",
            "DATABASE_URL": "sqlite://:memory:",
        },
    )
    assert {source: source.read_bytes() for source in catalogue_sources()} == before

    def without_creation_date(path: Path) -> str:
        text = path.read_text(encoding="utf-8")
        return re.sub(r'"POT-Creation-Date: [^"]*"\n', "", text)

    for source in catalogue_sources():
        remade = copy / source.relative_to(PACKAGE_DIR)
        assert without_creation_date(remade) == without_creation_date(source), (
            f"`make messages` would change {source.relative_to(PACKAGE_DIR.parent)}"
        )


def test_the_compilemessages_command_is_ours_and_needs_no_gettext(monkeypatch, tmp_path):
    monkeypatch.setattr(
        "groundswell.core.management.commands.compilemessages.catalogues_compile",
        lambda: [LOCALE_DIR / "es" / "LC_MESSAGES" / "django.mo"],
    )
    monkeypatch.setenv("PATH", str(tmp_path))  # no msgfmt to be found
    output = io.StringIO()

    call_command("compilemessages", stdout=output)

    assert output.getvalue() == "compiled locale/es/LC_MESSAGES/django.mo\n"
