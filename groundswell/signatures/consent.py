"""A signer's consent to be contacted by one organization, in the words the form showed."""

from dataclasses import dataclass

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class ConsentGiven:
    organization_id: int
    wording: str
    language: str


def consent_wording(*, organization_name: str) -> str:
    """The exact sentence a signer ticks; it is stored with their consent, in their language."""
    return _("%(organization)s may contact me by e-mail about this campaign and related work.") % {
        "organization": organization_name
    }
