"""Tokens for links sent by e-mail: signed, tied to one purpose (the salt), timestamped unless a
link is meant to work for ever.

Every e-mailed link of petitions and open letters is one `SignedLink`; its token strings are
those of `django.core.signing` (TimestampSigner, or Signer for links that never expire), so a
link e-mailed by an earlier release keeps working.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core import signing


class LinkExpired(Exception):
    pass


class LinkInvalid(Exception):
    pass


@dataclass(frozen=True)
class SignedLink:
    """One kind of link: `purpose` is the signing salt; `max_age_setting` names the setting that
    says for how many seconds a token is valid (read when a token is read, so a changed setting
    applies at once), None for a link that stays valid. `timestamped=False` makes tokens
    without a date at all (receipts: shorter, and meant to be checked years later)."""

    purpose: str
    max_age_setting: str | None = None
    timestamped: bool = True

    def make(self, value: str) -> str:
        return self._signer().sign(value)

    def read(self, token: str) -> str:
        """The signed value, or LinkExpired / LinkInvalid (forged, or made for another purpose)."""
        try:
            if not self.timestamped:
                return self._signer().unsign(token)
            max_age = getattr(settings, self.max_age_setting) if self.max_age_setting else None
            return signing.TimestampSigner(salt=self.purpose).unsign(token, max_age=max_age)
        except signing.SignatureExpired:
            raise LinkExpired from None
        except signing.BadSignature:
            raise LinkInvalid from None

    def _signer(self) -> signing.Signer:
        if self.timestamped:
            return signing.TimestampSigner(salt=self.purpose)
        return signing.Signer(salt=self.purpose)


def absolute_url(path: str) -> str:
    """A link for an e-mail, on the address the installation is reached at."""
    return f"{settings.GROUNDSWELL_BASE_URL}{path}"
