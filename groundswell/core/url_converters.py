"""Path converters that keep URL patterns from overlapping, so that no URL depends on the order
its patterns are listed in (tests/test_url_patterns.py checks every pair)."""

import re
from collections.abc import Iterable

SLUG = r"[-a-zA-Z0-9_]+"


class SlugConverter:
    regex = SLUG

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


def slug_except(reserved: Iterable[str]) -> type[SlugConverter]:
    """A converter for a slug that is none of `reserved`: the fixed words that stand in the same
    place in other patterns ("new", "edit", ...)."""
    words = "|".join(re.escape(word) for word in sorted(reserved))

    class SlugExcept(SlugConverter):
        regex = rf"(?!(?:{words})(?![-a-zA-Z0-9_])){SLUG}"

    return SlugExcept
