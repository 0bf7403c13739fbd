"""Signing and confirming: the only code that creates signatures or changes the count."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db import connection, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from groundswell.campaigns.models import Campaign
from groundswell.coalitions.models import Partner
from groundswell.coalitions.selectors import consent_names_pending
from groundswell.coalitions.services import (
    ConsentGiven,
    coalition_confirmation_record,
    coalition_signing_record,
)
from groundswell.core.outbox import outbound_email_queue
from groundswell.delivery.services.transparency_log import transparency_signature_confirmed
from groundswell.signatures.email_keys import email_key
from groundswell.signatures.models import Signature, new_public_id

CONFIRMATION_SALT = "groundswell.signatures.confirm"
# Repeated submits within this window send no further e-mail (double clicks, retries, abuse).
RENOTIFY_AFTER = timedelta(minutes=10)


class SigningError(Exception):
    """A signature that cannot be taken; the message is safe to show to the signer."""


class CampaignNotSigning(SigningError):
    pass


class InvalidConfirmationLink(SigningError):
    pass


class ExpiredConfirmationLink(SigningError):
    pass


@dataclass(frozen=True)
class SigningOutcome:
    signature_id: int
    created: bool


@dataclass(frozen=True)
class ConfirmationOutcome:
    signature: Signature
    newly_confirmed: bool


def confirmation_token_make(*, public_id: str) -> str:
    return signing.TimestampSigner(salt=CONFIRMATION_SALT).sign(public_id)


def confirmation_token_read(*, token: str) -> str:
    """Return the signature's public id, or raise with a message for the signer."""
    signer = signing.TimestampSigner(salt=CONFIRMATION_SALT)
    try:
        return signer.unsign(token, max_age=settings.SIGNATURE_CONFIRMATION_MAX_AGE)
    except signing.SignatureExpired:
        raise ExpiredConfirmationLink(
            _("This confirmation link has expired. Sign again to receive a new one.")
        ) from None
    except signing.BadSignature:
        raise InvalidConfirmationLink(
            _("This confirmation link is not valid. Please use the link from your e-mail.")
        ) from None


def confirmation_url(*, campaign_slug: str, public_id: str) -> str:
    path = reverse(
        "signatures:confirm",
        kwargs={"slug": campaign_slug, "token": confirmation_token_make(public_id=public_id)},
    )
    return f"{settings.GROUNDSWELL_BASE_URL}{path}"


def _insert_if_new(values: dict[str, object]) -> int | None:
    """INSERT ... ON CONFLICT DO NOTHING in one round trip; the new id, or None for a repeat."""
    meta = Signature._meta
    quote = connection.ops.quote_name
    fields = [meta.get_field(name) for name in values]
    columns = ", ".join(quote(field.column) for field in fields)
    params = [
        field.get_db_prep_save(value, connection)
        for field, value in zip(fields, values.values(), strict=True)
    ]
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({columns}) "  # noqa: S608 (names come from the model)
        f"VALUES ({', '.join(['%s'] * len(params))}) "
        "ON CONFLICT (campaign_id, email_key) DO NOTHING RETURNING id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return row[0] if row else None


def signature_create(
    *,
    campaign: Campaign,
    name: str,
    email: str,
    country: str,
    postal_code: str = "",
    comment: str = "",
    show_name: bool = False,
    source: str = "",
    partner: Partner | None = None,
    consents: Sequence[ConsentGiven] = (),
    now: datetime | None = None,
) -> SigningOutcome:
    """Take a signature (pending until confirmed) and queue the e-mail that goes with it.

    Signing twice never creates a second row: the repeat signer is e-mailed instead, at most once
    per RENOTIFY_AFTER unless the visit added a consent they must confirm. A repeat through a
    new partner's link records that partner's visit and consent on the existing signature. The
    caller must show the same page either way, so nobody can learn whether an address has signed.
    """
    now = now or timezone.now()
    if not campaign.accepts_signatures(now):
        raise CampaignNotSigning(_("This petition is not accepting signatures."))
    key = email_key(email)
    public_id = new_public_id()
    with transaction.atomic():
        new_id = _insert_if_new(
            {
                "campaign": campaign.pk,
                "public_id": public_id,
                "name": name,
                "email": email,
                "email_key": key,
                "country": country,
                "postal_code": postal_code,
                "comment": comment,
                "show_name": show_name,
                "source": source,
                "partner": partner.pk if partner else None,
                "text_version": campaign.text_version,
                "told_of_version": campaign.text_version,
                "created_at": now,
                "notified_at": now,
            }
        )
        if new_id is not None:
            coalition_signing_record(
                signature_id=new_id, campaign_id=campaign.pk, current_partner_id=None,
                confirmed=False, partner=partner, consents=list(consents), now=now, new=True,
            )  # fmt: skip
            signature = Signature(
                pk=new_id, campaign=campaign, email=email, name=name, confirmed_at=None
            )
            _queue_confirmation_email(signature=signature, public_id=public_id, repeat=False)
            return SigningOutcome(signature_id=new_id, created=True)

        existing = Signature.objects.select_for_update().get(campaign=campaign, email_key=key)
        needs_confirmation = coalition_signing_record(
            signature_id=existing.pk, campaign_id=campaign.pk,
            current_partner_id=existing.partner_id, confirmed=existing.confirmed_at is not None,
            partner=partner, consents=list(consents), now=now, new=False,
        )  # fmt: skip
        renotify = existing.notified_at is None or existing.notified_at < now - RENOTIFY_AFTER
        if needs_confirmation or renotify:
            Signature.objects.filter(pk=existing.pk).update(notified_at=now)
            # The e-mail goes to the address typed now, which may differ in case or tag from the
            # first one; both reach the same inbox.
            existing.email = email
            _queue_confirmation_email(
                signature=existing,
                public_id=existing.public_id,
                repeat=True,
                pending_consents=consent_names_pending(signature_id=existing.pk),
            )
        return SigningOutcome(signature_id=existing.pk, created=False)


def _queue_confirmation_email(
    *, signature: Signature, public_id: str, repeat: bool, pending_consents: Sequence[str] = ()
) -> None:
    campaign = signature.campaign
    context = {
        "pending_consents": pending_consents,
        "name": signature.name,
        "campaign": campaign,
        "confirmed": signature.confirmed_at is not None,
        "confirm_url": confirmation_url(campaign_slug=campaign.slug, public_id=public_id),
        "petition_url": f"{settings.GROUNDSWELL_BASE_URL}{campaign.get_absolute_url()}",
        "max_age_days": settings.SIGNATURE_CONFIRMATION_MAX_AGE // 86400,
    }
    if repeat:
        template = "signatures/email/already_signed.txt"
        subject = _("You have already signed: %(title)s") % {"title": campaign.title}
    else:
        template = "signatures/email/confirm.txt"
        subject = _("Please confirm your signature: %(title)s") % {"title": campaign.title}
    outbound_email_queue(
        to=signature.email,
        subject=subject,
        body=render_to_string(template, context),
        kind="signature-repeat" if repeat else "signature-confirm",
    )


def signature_confirm(
    *, campaign: Campaign, token: str, now: datetime | None = None
) -> ConfirmationOutcome:
    """Confirm the signature a link points to; counting it exactly once however often it's used."""
    now = now or timezone.now()
    public_id = confirmation_token_read(token=token)
    with transaction.atomic():
        try:
            signature = Signature.objects.select_related("campaign").get(
                public_id=public_id, campaign=campaign
            )
        except Signature.DoesNotExist:
            raise InvalidConfirmationLink(
                _("This signature no longer exists. It may have been withdrawn.")
            ) from None
        if signature.confirmed_at is not None:
            # A later visit through a partner may have added consents awaiting this press.
            coalition_confirmation_record(
                signature_id=signature.pk, campaign_id=campaign.pk,
                partner_id=signature.partner_id, now=now, counted=False,
            )  # fmt: skip
            return ConfirmationOutcome(signature=signature, newly_confirmed=False)
        if not signature.campaign.accepts_signatures(now):
            raise CampaignNotSigning(_("This petition closed before your signature was confirmed."))
        updated = Signature.objects.filter(pk=signature.pk, confirmed_at__isnull=True).update(
            confirmed_at=now
        )
        coalition_confirmation_record(
            signature_id=signature.pk, campaign_id=campaign.pk,
            partner_id=signature.partner_id, now=now, counted=bool(updated),
        )  # fmt: skip
        if updated:
            # Last statement before commit: the campaign row is the hottest lock on this path.
            Campaign.objects.filter(pk=signature.campaign_id).update(
                signature_count=F("signature_count") + 1, last_signed_at=now
            )
            transparency_signature_confirmed(signature=signature)
            signature.confirmed_at = now
    return ConfirmationOutcome(signature=signature, newly_confirmed=bool(updated))


def signature_count_recount(*, campaign: Campaign) -> tuple[int, int]:
    """Recount confirmed signatures and repair the stored count. Returns (before, after)."""
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        actual = Signature.objects.filter(campaign=locked, confirmed_at__isnull=False).count()
        before = locked.signature_count
        if actual != before:
            Campaign.objects.filter(pk=locked.pk).update(signature_count=actual)
    return before, actual


def signature_withdraw(*, signature: Signature, reason: str, now: datetime | None = None) -> bool:
    """Take a signature out of the count and erase it; False if it was already gone.

    `reason` is how the transparency log records it: "withdrawn" or "erased" at the signer's
    request, "invalidated" as fraud. The row and its personal data are deleted. If the signature
    is in the log, a tombstone is appended (the log is never rewritten); its leaf keeps only the
    public id, salt and confirmation time, so the signer's receipt now reports it withdrawn.
    """
    from groundswell.coalitions.services import coalition_withdrawal_record
    from groundswell.delivery.commitments import TOMBSTONE_REASONS
    from groundswell.delivery.services.transparency_log import transparency_signature_withdrawn

    if reason not in TOMBSTONE_REASONS:
        raise ValueError(f"unknown withdrawal reason {reason!r}")
    now = now or timezone.now()
    with transaction.atomic():
        # The log's head is locked before the signature row, the order appends lock them in.
        transparency_signature_withdrawn(signature=signature, reason=reason, now=now)
        locked = Signature.objects.select_for_update().filter(pk=signature.pk).first()
        if locked is None:
            return False
        counted = locked.confirmed_at is not None
        coalition_withdrawal_record(
            signature_id=locked.pk, campaign_id=locked.campaign_id,
            partner_id=locked.partner_id, counted=counted,
        )  # fmt: skip
        if counted:
            Campaign.objects.filter(pk=locked.campaign_id, signature_count__gt=0).update(
                signature_count=F("signature_count") - 1
            )
        locked.delete()
    return True
