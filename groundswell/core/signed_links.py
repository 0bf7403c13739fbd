"""Tokens for links sent by e-mail: signed, timestamped, tied to one purpose (the salt)."""

from django.conf import settings
from django.core import signing


class LinkExpired(Exception):
    pass


class LinkInvalid(Exception):
    pass


def link_token_make(*, purpose: str, value: str) -> str:
    return signing.TimestampSigner(salt=purpose).sign(value)


def link_token_read(*, purpose: str, token: str, max_age: int | None) -> str:
    """The signed value, or LinkExpired / LinkInvalid (forged, or made for another purpose)."""
    try:
        return signing.TimestampSigner(salt=purpose).unsign(token, max_age=max_age)
    except signing.SignatureExpired:
        raise LinkExpired from None
    except signing.BadSignature:
        raise LinkInvalid from None


def absolute_url(path: str) -> str:
    """A link for an e-mail, on the address the installation is reached at."""
    return f"{settings.GROUNDSWELL_BASE_URL}{path}"
