"""Validation and rendering of text that people type."""

import re
import unicodedata

import markdown as markdown_lib
import nh3
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# A tag, comment or doctype opener; a lone "<" in "3 < 4" is still allowed.
HTML_TAG = re.compile(r"<\s*[a-zA-Z/!?]")

MARKDOWN_TAGS = {
    "p", "br", "strong", "em", "b", "i", "a", "ul", "ol", "li", "blockquote", "code", "pre",
    "h2", "h3", "h4", "hr",
}  # fmt: skip

# What people may type, and what they may not.
#
# A line of text (a name, a title, a postal code: anything that may end up in an e-mail's
# subject, a header, a CSV cell or one line of a page) refuses every control character (Unicode
# category Cc, tab and line breaks included), every format character (Cf) but the few that
# scripts need, line and paragraph separators (Zl, Zp), lone surrogates (Cs), and U+FFFD, which
# stands for bytes that were not valid UTF-8. A line break in a campaign's title used to break
# every e-mail that carried it in its subject.
# Text of several lines (a comment, the ask, a note) keeps line breaks and tabs, and format
# characters (a soft hyphen or zero-width space is at home in long Thai or German text), but
# never the controls that reorder text (bidi embeddings, overrides and isolates: "Trojan Source"
# and the names that read backwards), other controls, separators or U+FFFD.
# Private-use and unassigned code points are allowed: a newer emoji than this Python knows is
# unassigned to it.
#
# Zero-width joiner and non-joiner are part of spelling in Persian, the Indic scripts and emoji
# sequences; the left-to-right, right-to-left and Arabic letter marks only settle the direction
# of neutral characters (they reorder nothing), and are what keyboards insert in mixed text.
SCRIPT_FORMAT_CHARACTERS = frozenset("\u200c\u200d\u200e\u200f\u061c")
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
REPLACEMENT_CHARACTER = "\ufffd"
LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
MULTI_LINE_WHITESPACE = frozenset("\n\r\t")
# Letters and symbols that show as nothing, the usual stuff of blank-looking names.
BLANK_GLYPHS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
VISIBLE_CATEGORIES = frozenset("LNPS")


def _refusal(value: str, *, multi_line: bool) -> ValidationError | None:
    """The first rule `value` breaks, or None. Plain printable text is settled in one C call."""
    if value.isprintable() and REPLACEMENT_CHARACTER not in value:
        return None if _has_visible_character(value) else _invisible()
    for char in value:
        if char == REPLACEMENT_CHARACTER:
            return ValidationError(
                _("This field contains characters that could not be read. Please type it again."),
                code="encoding",
            )
        if char in BIDI_CONTROLS:
            return ValidationError(
                _(
                    "This field contains invisible characters that change the direction of the "
                    "text. Please remove them."
                ),
                code="direction",
            )
        if multi_line and char in MULTI_LINE_WHITESPACE:
            continue
        if not multi_line and char in LINE_BREAKS:
            return ValidationError(
                _("Please keep this to one line: remove the line breaks."), code="line_break"
            )
        category = unicodedata.category(char)
        refused = category in {"Cc", "Cs", "Zl", "Zp"} or (
            category == "Cf" and not multi_line and char not in SCRIPT_FORMAT_CHARACTERS
        )
        if refused:
            return ValidationError(
                _("This field contains invisible control characters."), code="control"
            )
    return None if _has_visible_character(value) else _invisible()


def _has_visible_character(value: str) -> bool:
    return not value or any(
        unicodedata.category(char)[0] in VISIBLE_CATEGORIES and char not in BLANK_GLYPHS
        for char in value
    )


def _invisible() -> ValidationError:
    return ValidationError(
        _("This field contains only invisible characters. Please type it with visible ones."),
        code="invisible",
    )


def single_line_text(value: str) -> None:
    """Validator for every field of one line: names, titles, places, postal codes, reasons.

    Model fields list it (admin, ModelForms and services' full_clean() apply it), and so do the
    plain forms; see the rules above.
    """
    error = _refusal(value or "", multi_line=False)
    if error is not None:
        raise error


def multi_line_text(value: str) -> None:
    """Validator for text of several lines: comments, the ask, notes, letters' text."""
    error = _refusal(value or "", multi_line=True)
    if error is not None:
        raise error


def one_line(value: str) -> str:
    """`value` on one line with single spaces, without control or format characters, in NFC:
    for a line built by the code itself (an e-mail's subject), where refusing is not an option."""
    kept = (
        " " if unicodedata.category(char) in {"Cc", "Zl", "Zp"} else char
        for char in value
        if unicodedata.category(char) != "Cf" or char in SCRIPT_FORMAT_CHARACTERS
    )
    return unicodedata.normalize("NFC", " ".join("".join(kept).split()))


def person_text_clean(value: str) -> str:
    """A name (or title, affiliation) as stored: spaces collapsed, in Unicode NFC.

    NFC only composes what is canonically the same text ("e" + combining acute is "é"), so two
    spellings that look alike are stored alike, deduplicated, searched and exported alike, and
    nothing a person typed changes how it reads. NFKC would: it rewrites full-width letters,
    ligatures and superscripts.
    """
    return unicodedata.normalize("NFC", " ".join(value.split()))


def reject_markup(value: str) -> None:
    """Refuse HTML or script in plain-text fields, with a message the signer understands.

    Control and invisible characters are the business of `single_line_text` and
    `multi_line_text`, which every field with this validator also has.
    """
    if HTML_TAG.search(value or ""):
        raise ValidationError(
            _("Please remove HTML tags (text between < and >) from this field."), code="markup"
        )


def markdown_to_safe_html(source: str) -> str:
    """Render Markdown, then keep only a small set of tags; links get rel=noopener nofollow."""
    html = markdown_lib.markdown(source or "", extensions=["sane_lists"])
    return nh3.clean(
        html,
        tags=MARKDOWN_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener nofollow ugc",
    )
