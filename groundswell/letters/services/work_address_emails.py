"""The e-mails to a work address: their words (the same whatever the letter, since the employer
reads them), the preview the signing form shows, and the blanking of their address once sent."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from groundswell.core.models import OutboundEmail
from groundswell.core.outbox import MAX_ATTEMPTS
from groundswell.core.signed_links import absolute_url

VERIFY_EMAIL_KIND = "letter-verify"
ALREADY_SIGNED_EMAIL_KIND = "letter-already-signed"
# Outbox kinds whose `to` is a work address, blanked once no longer needed.
WORK_ADDRESS_EMAIL_KINDS = frozenset({VERIFY_EMAIL_KIND, ALREADY_SIGNED_EMAIL_KIND})


@dataclass(frozen=True)
class EmailPreview:
    sender: str
    subject: str
    body: str


def work_address_email_preview() -> EmailPreview:
    """The verification e-mail exactly as a work inbox receives it, with its links' tokens left
    out: the signing form shows it, so that signers know what their employer may read."""
    hidden = "TOKEN"
    verify, withdraw = (
        absolute_url(reverse(name, kwargs={"token": hidden})).replace(hidden, "…")
        for name in ("letters:address_verify", "letters:address_cancel")
    )
    subject, body = work_address_email_text(
        kind=VERIFY_EMAIL_KIND, verify_url=verify, withdrawal_url=withdraw
    )
    return EmailPreview(sender=settings.DEFAULT_FROM_EMAIL, subject=subject, body=body.strip())


def work_address_email_text(*, kind: str, verify_url: str, withdrawal_url: str) -> tuple[str, str]:
    """(subject, body) of an e-mail to a work address: the same words whatever the letter."""
    context = {
        "verify_url": verify_url,
        "withdrawal_url": withdrawal_url,
        "max_age_days": settings.SIGNATURE_CONFIRMATION_MAX_AGE // 86400,
    }
    if kind == VERIFY_EMAIL_KIND:
        return _("Confirm your address"), render_to_string("letters/email/verify.txt", context)
    return (
        _("Your address is already confirmed"),
        render_to_string("letters/email/already_signed.txt", context),
    )


def work_address_emails_blank(
    *, email_ids: list[int] | None = None, now: datetime | None = None
) -> int:
    """Blank the address of work-address e-mails that are sent, given up on, or whose link has
    expired. The outbox is left as it is otherwise; returns the number of rows blanked."""
    now = now or timezone.now()
    done = (
        Q(sent_at__isnull=False)
        | Q(failed_at__isnull=False)
        | Q(attempts__gte=MAX_ATTEMPTS)
        | Q(created_at__lt=now - timedelta(seconds=settings.SIGNATURE_CONFIRMATION_MAX_AGE))
    )
    emails = OutboundEmail.objects.filter(done, kind__in=WORK_ADDRESS_EMAIL_KINDS).exclude(to="")
    if email_ids is not None:
        emails = emails.filter(pk__in=email_ids)
    return emails.update(to="")
