"""The language a link names: `?lang=<code>` opens any page in that language, whatever the browser
asks for or chose with the switcher, and remembers nothing (no cookie: the next page is in the
visitor's own language again). The links in the e-mails we send carry it, so that the page a
link opens reads like the e-mail it came in.

The public page cache (`core.page_cache`) keeps a copy per language (and address): a link naming
one language gets that language's copy, never another's, and leaves nothing for visitors who
chose another.
"""

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

LINK_LANGUAGE = "lang"


def link_language(request: HttpRequest) -> str | None:
    """The site's language the address names, or None (none named, or not one of ours)."""
    # Most requests name none: their query string is not parsed here.
    if f"{LINK_LANGUAGE}=" not in request.META.get("QUERY_STRING", ""):
        return None
    named = request.GET.get(LINK_LANGUAGE, "")
    return named if named in dict(settings.LANGUAGES) else None


def with_link_language(url: str, language: str) -> str:
    """`url` (an address or a path), opening in `language`; its other parameters are kept."""
    parts = urlsplit(without_link_language(url))
    query = f"{parts.query}&" if parts.query else ""
    return urlunsplit(parts._replace(query=query + urlencode({LINK_LANGUAGE: language})))


def without_link_language(url: str) -> str:
    """`url` without the language it names (as it was, if it names none)."""
    parts = urlsplit(url)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    if all(name != LINK_LANGUAGE for name, _value in pairs):
        return url
    kept = [(name, value) for name, value in pairs if name != LINK_LANGUAGE]
    return urlunsplit(parts._replace(query=urlencode(kept)))


class LinkLanguageLocaleMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware (the cookie, then Accept-Language), outranked by the language
    the address names. It sets Content-Language and `Vary: Accept-Language` as Django's does."""

    def process_request(self, request: HttpRequest) -> None:
        named = link_language(request)
        if named is None:
            super().process_request(request)
            return
        translation.activate(named)
        request.LANGUAGE_CODE = translation.get_language()
