"""What people may type into a line, and into text of several lines."""

import sys
import unicodedata

import pytest
from django.core.exceptions import ValidationError

from groundswell.core.text import (
    SCRIPT_FORMAT_CHARACTERS,
    multi_line_text,
    one_line,
    person_text_clean,
    reject_markup,
    single_line_text,
)


def refusal_code(validator, value: str) -> str | None:
    try:
        validator(value)
    except ValidationError as error:
        return error.code
    return None


@pytest.mark.parametrize(
    "value",
    [
        "Ada Lovelace", "José García", "O'Brien-Smith", "李小龍", "محمد بن موسى", "דוד בן-גוריון",
        "Zoë\u00a0Smith",  # a no-break space
        "نرگس\u200cپور",  # Persian spells some words with a zero-width non-joiner
        "क्\u200dष",  # and Devanagari some ligatures with a zero-width joiner
        "👩\u200d👩\u200d👧 family", "\u200fשלום 123",  # a right-to-left mark
        "10001", "SW1A 1AA", "3 < 4", "\U000f0001 private use",
    ],
)  # fmt: skip
def test_a_line_accepts_what_people_write(value):
    assert refusal_code(single_line_text, value) is None
    assert refusal_code(multi_line_text, value) is None


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("Stop the contract\r\nBcc: everyone@example.org", "line_break"),
        ("Stop the contract\n", "line_break"),
        ("two\u2028lines", "line_break"),
        ("next\x85line", "line_break"),
        ("tab\there", "control"),
        ("null\x00byte", "control"),
        ("bell\x07", "control"),
        ("\u202eevil.exe", "direction"),  # right-to-left override
        ("Ada \u2067Lovelace\u2069", "direction"),  # isolates
        ("zero\u200bwidth", "control"),
        ("soft\u00adhyphen", "control"),
        ("\ufeffbom", "control"),
        ("broken \ufffd bytes", "encoding"),
        ("\u200b\u200b", "control"),
        ("\u200d\u200d", "invisible"),  # joiners only
        ("\u3164", "invisible"),  # Hangul filler: a letter that shows as nothing
        ("\u2800\u2800", "invisible"),  # blank Braille pattern
        ("\u0301\u0301", "invisible"),  # combining marks with nothing to combine with
    ],
)
def test_a_line_refuses_breaks_controls_overrides_and_invisible_text(value, code):
    assert refusal_code(single_line_text, value) == code


def test_every_control_format_and_separator_character_is_refused_in_a_line():
    refused_categories = {"Cc", "Cf", "Cs", "Zl", "Zp"}
    missed = [
        hex(point)
        for point in range(sys.maxunicode + 1)
        if unicodedata.category(chr(point)) in refused_categories
        and chr(point) not in SCRIPT_FORMAT_CHARACTERS
        and refusal_code(single_line_text, f"a{chr(point)}b") is None
    ]

    assert missed == []


def test_text_of_several_lines_keeps_breaks_tabs_and_format_characters():
    value = "First line\r\nSecond line\n\tindented\nThai\u200bwords, soft\u00adhyphen"

    assert refusal_code(multi_line_text, value) is None


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("Comment \u202ereversed", "direction"),
        ("a\u2066b", "direction"),
        ("null\x00", "control"),
        ("escape\x1b[31m", "control"),
        ("para\u2029graph", "control"),
        ("bad \ufffd", "encoding"),
        ("\u200b\n\u200b", "invisible"),
    ],
)
def test_text_of_several_lines_refuses_overrides_controls_and_unreadable_bytes(value, code):
    assert refusal_code(multi_line_text, value) == code


def test_markup_is_refused_on_its_own():
    assert refusal_code(reject_markup, "<b>Ada</b>") == "markup"
    assert refusal_code(reject_markup, "3 < 4") is None


def test_a_line_made_by_the_code_is_flattened_rather_than_refused():
    flattened = one_line("Please confirm: Stop\r\nthe\tcontract\u202e ")

    assert flattened == "Please confirm: Stop the contract"
    assert one_line("Cafe\u0301") == "Café"


def test_names_are_stored_in_nfc_with_single_spaces():
    decomposed = "  Jose\u0301   Garci\u0301a "

    assert person_text_clean(decomposed) == "José García"
    assert person_text_clean(decomposed) == unicodedata.normalize("NFC", "José García")
    # Compatibility forms are what the person typed: NFC keeps them.
    assert person_text_clean("Ｍａｒｉａ") == "Ｍａｒｉａ"
