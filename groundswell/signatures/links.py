"""The links e-mailed to a signer: confirm, withdraw, agree to a change, see the receipt.

Each carries a signed token of a public id (the signature's, or its PendingChange's); database
ids never leave the server. The receipt page belongs to the transparency log, which reads its
tokens here: every link a signer holds is made in one place.
"""

from django.utils.translation import gettext as _

from groundswell.core.http import path_for
from groundswell.core.signed_links import LinkExpired, LinkInvalid, SignedLink, absolute_url
from groundswell.signatures.errors import ExpiredConfirmationLink, InvalidConfirmationLink

CONFIRMATION_SALT = "groundswell.signatures.confirm"
WITHDRAWAL_PURPOSE = "groundswell.signatures.withdraw"
CHANGE_PURPOSE = "groundswell.signatures.change"
RECEIPT_SALT = "groundswell.receipt"

CONFIRMATION_LINK = SignedLink(CONFIRMATION_SALT, max_age_setting="SIGNATURE_CONFIRMATION_MAX_AGE")
# The signer's own link to take their signature back; it does not expire.
WITHDRAWAL_LINK = SignedLink(WITHDRAWAL_PURPOSE)
# To agree to what a repeat submission asked (a PendingChange).
CHANGE_LINK = SignedLink(CHANGE_PURPOSE, max_age_setting="SIGNATURE_CONFIRMATION_MAX_AGE")
# A receipt is meant to be checked long after the campaign: no date in its token.
RECEIPT_LINK = SignedLink(RECEIPT_SALT, timestamped=False)


def confirmation_token_make(*, public_id: str) -> str:
    return CONFIRMATION_LINK.make(public_id)


def confirmation_token_read(*, token: str) -> str:
    """Return the signature's public id, or raise with a message for the signer."""
    try:
        return CONFIRMATION_LINK.read(token)
    except LinkExpired:
        raise ExpiredConfirmationLink(
            _("This confirmation link has expired. Sign again to receive a new one.")
        ) from None
    except LinkInvalid:
        raise InvalidConfirmationLink(
            _("This confirmation link is not valid. Please use the link from your e-mail.")
        ) from None


def confirmation_url(*, campaign_slug: str, public_id: str) -> str:
    token = confirmation_token_make(public_id=public_id)
    return absolute_url(path_for("signatures:confirm", slug=campaign_slug, token=token))


def withdrawal_url(*, campaign_slug: str, public_id: str) -> str:
    """The signer's own link to take their signature back; it does not expire."""
    token = WITHDRAWAL_LINK.make(public_id)
    return absolute_url(path_for("signatures:withdraw", slug=campaign_slug, token=token))


def withdrawal_token_read(*, token: str) -> str:
    try:
        return WITHDRAWAL_LINK.read(token)
    except (LinkExpired, LinkInvalid):
        raise InvalidConfirmationLink(
            _("This link is not valid. Please use the link from your e-mail.")
        ) from None


def change_url(*, campaign_slug: str, change_id: str) -> str:
    """The link, e-mailed to a signature's own address, to agree to what a repeat submission
    asked (a PendingChange)."""
    token = CHANGE_LINK.make(change_id)
    return absolute_url(path_for("signatures:change", slug=campaign_slug, token=token))


def change_token_read(*, token: str) -> str:
    """The PendingChange's public id, or raise with a message for the signer."""
    try:
        return CHANGE_LINK.read(token)
    except LinkExpired:
        raise ExpiredConfirmationLink(_("This link has expired. Nothing was changed.")) from None
    except LinkInvalid:
        raise InvalidConfirmationLink(
            _("This link is not valid. Please use the link from your e-mail.")
        ) from None


def receipt_token_make(*, public_id: str) -> str:
    return RECEIPT_LINK.make(public_id)


def receipt_path(*, campaign_slug: str, public_id: str) -> str:
    """The signer's receipt page, served by the transparency log (groundswell.transparency)."""
    token = receipt_token_make(public_id=public_id)
    return path_for("transparency:receipt", slug=campaign_slug, token=token)


def receipt_url(*, campaign_slug: str, public_id: str) -> str:
    return absolute_url(receipt_path(campaign_slug=campaign_slug, public_id=public_id))
