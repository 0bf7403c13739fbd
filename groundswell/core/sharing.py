"""Share links that need no third-party script: each is a plain address the platform opens.

The link shared is the page's address plus, when known, the partner who brought the visitor
(`?partner=`, so the partner keeps the credit down the chain) and the sharer's own referral code
(`?r=`, so "your link brought N people" can be counted).
"""

import re
from dataclasses import dataclass
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

from django.template.loader import render_to_string
from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from groundswell.core.page_cache import hole_mark, text_with_holes


@dataclass(frozen=True)
class ShareLink:
    key: str
    label: str | Promise
    href: str


def share_url(*, page_url: str, partner_slug: str = "", referral_code: str = "") -> str:
    """`page_url` with the partner and referral parameters (any query it had is replaced)."""
    parts = urlsplit(page_url)
    params = [(name, value) for name, value in (("partner", partner_slug), ("r", referral_code))]
    query = urlencode([(name, value) for name, value in params if value])
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


def share_links(*, url: str, text: str) -> list[ShareLink]:
    """WhatsApp, Facebook, X, Bluesky and e-mail links sharing `url` with `text`."""
    message = f"{text} {url}"
    return [
        ShareLink("whatsapp", "WhatsApp", "https://wa.me/?" + urlencode({"text": message})),
        ShareLink(
            "facebook",
            "Facebook",
            "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url}),
        ),
        ShareLink(
            "x", "X", "https://twitter.com/intent/tweet?" + urlencode({"text": text, "url": url})
        ),
        ShareLink(
            "bluesky", "Bluesky", "https://bsky.app/intent/compose?" + urlencode({"text": message})
        ),
        ShareLink(
            "email",
            _("E-mail"),
            # Mail programs read "+" literally: spaces must be %20 in a mailto: address.
            "mailto:?" + urlencode({"subject": text, "body": message}, quote_via=quote),
        ),
    ]


SHARE_BUTTONS = "_share_buttons.html"


def _share_context(*, url: str, text: str, heading: str = "") -> dict[str, object]:
    return {"share_url": url, "links": share_links(url=url, text=text), "heading": heading}


def share_block(*, url: str, text: str, heading: str = "") -> SafeString:
    """The share buttons' HTML (templates/_share_buttons.html), for pages rendered with holes."""
    context = _share_context(url=url, text=text, heading=heading)
    return mark_safe(render_to_string(SHARE_BUTTONS, context))  # noqa: S308 (a template)


# Characters that URL quoting (quote, quote_plus) and HTML escaping all leave as they are: a
# referral code made of them reads the same in every link of the block.
_UNCHANGED_BY_ENCODING = re.compile(r"[A-Za-z0-9_-]+")


def share_block_with_code(
    *, page_url: str, partner_slug: str, referral_code: str, text: str, seconds: float
) -> SafeString:
    """`share_block` for `share_url(page_url, partner_slug, referral_code)`, rendered once per
    page, partner, text and language in this process (`text_with_holes`, kept `seconds`), with
    each signer's own code put into every link; the same HTML as rendering it for that code
    (tests compare)."""
    if not _UNCHANGED_BY_ENCODING.fullmatch(referral_code):
        url = share_url(page_url=page_url, partner_slug=partner_slug, referral_code=referral_code)
        return share_block(url=url, text=text)
    url = share_url(page_url=page_url, partner_slug=partner_slug, referral_code=hole_mark("code"))
    block = text_with_holes(
        SHARE_BUTTONS,
        lambda: _share_context(url=url, text=text),
        holes={"code": referral_code},
        key=("share-block", page_url, partner_slug, text),
        seconds=seconds,
    )
    return mark_safe(block)  # noqa: S308 (a template's HTML, with a URL-safe code put in)
