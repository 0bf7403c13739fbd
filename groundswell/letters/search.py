"""Normalised words for searching signatories by name and affiliation.

Words are case-folded and stripped of accents, so "garcia" finds "García"; a query word matches
any stored word it begins, through a range on an ordinary index (no LIKE, no extension).
"""

import re
import unicodedata

TERM_MAX_LENGTH = 40
MAX_QUERY_WORDS = 4
WORD = re.compile(r"\w+")


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def search_terms(*texts: str) -> set[str]:
    """The distinct words of `texts`, folded and cut to the stored length."""
    return {word[:TERM_MAX_LENGTH] for text in texts for word in WORD.findall(_fold(text or ""))}


def search_query_words(query: str) -> list[str]:
    """The words of a search box entry, longest (most selective) first, at most MAX_QUERY_WORDS."""
    words = sorted(search_terms(query), key=lambda word: (-len(word), word))
    return words[:MAX_QUERY_WORDS]


def prefix_upper_bound(prefix: str) -> str:
    """The smallest string greater than every string starting with `prefix`."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)
