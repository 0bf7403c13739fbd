"""Validation and rendering of text that people type."""

import re

import markdown as markdown_lib
import nh3
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# A tag, comment or doctype opener; a lone "<" in "3 < 4" is still allowed.
HTML_TAG = re.compile(r"<\s*[a-zA-Z/!?]")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

MARKDOWN_TAGS = {
    "p", "br", "strong", "em", "b", "i", "a", "ul", "ol", "li", "blockquote", "code", "pre",
    "h2", "h3", "h4", "hr",
}  # fmt: skip


def reject_markup(value: str) -> None:
    """Refuse HTML or script in plain-text fields, with a message the signer understands."""
    if HTML_TAG.search(value or ""):
        raise ValidationError(
            _("Please remove HTML tags (text between < and >) from this field."), code="markup"
        )
    if CONTROL_CHARACTERS.search(value or ""):
        raise ValidationError(
            _("This field contains invisible control characters."), code="control"
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
