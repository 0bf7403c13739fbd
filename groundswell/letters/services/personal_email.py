"""The personal e-mail a signatory may give for updates: confirmed from its inbox before anyone
uses it, so that nobody can sign someone else's address up for a letter's mail.

Until it is confirmed, organizers do not see it (exports) and no notice goes to it; unconfirmed
after the confirmation window, it is blanked (`signatories_unconfirmed_purge`). The e-mail that
asks for confirmation also carries the signer's withdrawal link: for a signatory whose category
checks no work address, it is their only one.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from groundswell.core.email_keys import email_key
from groundswell.core.outbox import outbound_email_queue
from groundswell.core.signed_links import LinkExpired, LinkInvalid, SignedLink, absolute_url
from groundswell.letters.models import Letter, Signatory
from groundswell.letters.services.erasure import PERSONAL_EMAIL_KIND, withdrawal_url
from groundswell.letters.translations import letter_in_language

PERSONAL_EMAIL_PURPOSE = "groundswell.letters.personal-email"
PERSONAL_EMAIL_LINK = SignedLink(
    PERSONAL_EMAIL_PURPOSE, max_age_setting="SIGNATURE_CONFIRMATION_MAX_AGE"
)

# Anyone may type anyone's personal address, as often as they like in a category that checks
# nothing: one address (however spelled) is asked at most this often per letter.
RENOTIFY_AFTER = timedelta(minutes=10)


class InvalidPersonalEmailLink(Exception):
    """The message is safe to show to the signer."""


def personal_email_confirmation_url(*, public_id: str) -> str:
    token = PERSONAL_EMAIL_LINK.make(public_id)
    return absolute_url(reverse("letters:updates_confirm", kwargs={"token": token}))


def personal_email_may_be_asked(*, letter: Letter, address: str) -> bool:
    """Whether `address` may be sent a confirmation request for `letter` now; if so, it may not
    be again for RENOTIFY_AFTER. Kept in the shared cache (as rate limits are), under a hash of
    the canonical address keyed by SECRET_KEY: no address sits there in clear, nor a hash that
    hashing guessed addresses would match."""
    digest = salted_hmac(PERSONAL_EMAIL_PURPOSE, email_key(address), algorithm="sha256").hexdigest()
    return cache.add(
        f"letter-personal-email:{letter.pk}:{digest}",
        True,
        timeout=int(RENOTIFY_AFTER.total_seconds()),
    )


def personal_email_confirmation_queue(*, letter: Letter, signatory: Signatory) -> None:
    """Ask the personal address to confirm itself; called in the signing transaction, in the
    language the signatory signed in (the signing page's), with the organizers' title in it."""
    language = signatory.language or settings.LANGUAGE_CODE
    shown = letter_in_language(letter=letter, language=language).letter
    context = {
        "letter": shown,
        "confirm_url": personal_email_confirmation_url(public_id=signatory.public_id),
        "withdrawal_url": withdrawal_url(public_id=signatory.public_id),
        "max_age_days": settings.SIGNATURE_CONFIRMATION_MAX_AGE // 86400,
    }
    with translation.override(language):
        subject = _("Confirm your e-mail for updates: %(title)s") % {"title": shown.title}
        body = render_to_string("letters/email/personal_email.txt", context)
    outbound_email_queue(
        to=signatory.personal_email,
        subject=subject,
        body=body,
        kind=PERSONAL_EMAIL_KIND,
        signatory_id=signatory.pk,
    )


def signatory_from_personal_email_link(*, token: str) -> Signatory:
    """The signatory whose personal address a link confirms (for the page with the button)."""
    try:
        public_id = PERSONAL_EMAIL_LINK.read(token)
    except LinkExpired:
        raise InvalidPersonalEmailLink(
            _("This link has expired. Your address was not confirmed, and will be erased.")
        ) from None
    except LinkInvalid:
        raise InvalidPersonalEmailLink(
            _("This link is not valid. Please use the link from your e-mail.")
        ) from None
    signatory = (
        Signatory.objects.filter(public_id=public_id)
        .exclude(personal_email="")
        .select_related("letter")
        .first()
    )
    if signatory is None:
        raise InvalidPersonalEmailLink(
            _("This address is no longer kept: the signature was withdrawn or erased.")
        )
    return signatory


def personal_email_confirm(*, token: str, now: datetime | None = None) -> Signatory:
    """Confirm the personal address a link was sent to (once; opening it again changes nothing)."""
    signatory = signatory_from_personal_email_link(token=token)
    Signatory.objects.filter(pk=signatory.pk, personal_email_confirmed_at__isnull=True).update(
        personal_email_confirmed_at=now or timezone.now()
    )
    return signatory
