"""Signing and confirming: the only code that creates signatures or changes the counts."""

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from groundswell.campaigns.models import Campaign
from groundswell.coalitions.models import Partner
from groundswell.coalitions.selectors import consent_names_pending
from groundswell.coalitions.services import (
    ConsentGiven,
    coalition_consents_confirm,
    coalition_new_signature_record,
    coalition_repeat_visit_record,
)
from groundswell.core.http import path_for
from groundswell.core.models import OutboundEmail
from groundswell.core.outbox import PER_RECIPIENT, outbound_email_send_soon
from groundswell.core.process_cache import process_cached
from groundswell.core.signed_links import (
    LinkExpired,
    LinkInvalid,
    absolute_url,
    link_token_make,
    link_token_read,
)
from groundswell.core.text import multi_line_text, single_line_text
from groundswell.delivery.services.transparency_log import transparency_signature_confirmed
from groundswell.signatures import signing_statements
from groundswell.signatures.email_keys import email_key
from groundswell.signatures.models import Signature, new_public_id
from groundswell.signatures.tallies import (
    SHARDS,
    counts_publish,
    counts_publish_soon,
    counts_reconcile,
    local_day,
    tally_add,
)

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
    signature_id: int
    public_id: str
    newly_confirmed: bool


def confirmation_token_make(*, public_id: str) -> str:
    return link_token_make(purpose=CONFIRMATION_SALT, value=public_id)


def confirmation_token_read(*, token: str) -> str:
    """Return the signature's public id, or raise with a message for the signer."""
    try:
        return link_token_read(
            purpose=CONFIRMATION_SALT, token=token, max_age=settings.SIGNATURE_CONFIRMATION_MAX_AGE
        )
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


WITHDRAWAL_PURPOSE = "groundswell.signatures.withdraw"


def withdrawal_url(*, campaign_slug: str, public_id: str) -> str:
    """The signer's own link to take their signature back; it does not expire."""
    token = link_token_make(purpose=WITHDRAWAL_PURPOSE, value=public_id)
    return absolute_url(path_for("signatures:withdraw", slug=campaign_slug, token=token))


def withdrawal_token_read(*, token: str) -> str:
    try:
        return link_token_read(purpose=WITHDRAWAL_PURPOSE, token=token, max_age=None)
    except (LinkExpired, LinkInvalid):
        raise InvalidConfirmationLink(
            _("This link is not valid. Please use the link from your e-mail.")
        ) from None


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
    """Take a signature (pending until confirmed) and store the e-mail that goes with it.

    Signing twice never creates a second row: the repeat signer is e-mailed instead, at most once
    per RENOTIFY_AFTER unless the visit added a consent they must confirm. A repeat through a
    new partner's link records that partner's visit and consent on the existing signature. The
    caller must show the same page either way, so nobody can learn whether an address has signed.
    """
    now = now or timezone.now()
    # The form checked them already; this is for every other caller (ValidationError).
    single_line_text(name)
    single_line_text(postal_code)
    multi_line_text(comment)
    if not campaign.accepts_signatures(now):
        raise CampaignNotSigning(_("This petition is not accepting signatures."))
    consents = list(consents)
    public_id = new_public_id()
    values = {
        "campaign": campaign.pk,
        "public_id": public_id,
        "name": name,
        "email": email,
        "email_key": email_key(email),
        "country": country,
        "postal_code": postal_code,
        "comment": comment,
        "show_name": show_name,
        "source": source,
        "partner": partner.pk if partner else None,
        "referral_count": 1 if partner else 0,
        "gave_consent": bool(consents),
        "text_version": campaign.text_version,
        "told_of_version": campaign.text_version,
        "created_at": now,
        "notified_at": now,
    }
    mail = _confirmation_email(
        campaign=campaign, name=name, to=email, public_id=public_id, confirmed=False, repeat=False
    )
    day, shard = local_day(now), random.randrange(SHARDS)
    if connection.vendor == "postgresql":
        inserted = signing_statements.insert_signature(
            values=values, partner_id=partner.pk if partner else None, consents=consents,
            mail=mail, now=now, day=day, shard=shard,
        )  # fmt: skip
    else:
        inserted = _insert_signature_in_steps(
            values=values, partner=partner, consents=consents, mail=mail, now=now, day=day
        )
    if inserted is not None:
        signature_id, email_id = inserted
        outbound_email_send_soon(email_id=email_id)
        return SigningOutcome(signature_id=signature_id, created=True)
    return _signature_repeat(
        campaign=campaign, key=values["email_key"], email=email, partner=partner,
        consents=consents, now=now,
    )  # fmt: skip


def _insert_signature_in_steps(
    *,
    values: dict[str, object],
    partner: Partner | None,
    consents: list[ConsentGiven],
    mail: dict[str, object],
    now: datetime,
    day: date,
) -> tuple[int, int] | None:
    with transaction.atomic():
        signature_id = _insert_if_new(values)
        if signature_id is None:
            return None
        coalition_new_signature_record(
            signature_id=signature_id, partner=partner, consents=consents, now=now
        )
        tally_add(campaign_id=values["campaign"], partner_id=values["partner"], day=day, signed=1)
        email = OutboundEmail.objects.create(**mail)
    return signature_id, email.pk


def _signature_repeat(
    *,
    campaign: Campaign,
    key: str,
    email: str,
    partner: Partner | None,
    consents: list[ConsentGiven],
    now: datetime,
) -> SigningOutcome:
    with transaction.atomic():
        existing = Signature.objects.select_for_update().get(campaign=campaign, email_key=key)
        existing.campaign = campaign
        needs_confirmation = coalition_repeat_visit_record(
            signature=existing, partner=partner, consents=consents, now=now
        )
        renotify = existing.notified_at is None or existing.notified_at < now - RENOTIFY_AFTER
        if needs_confirmation or renotify:
            Signature.objects.filter(pk=existing.pk).update(notified_at=now)
            # The e-mail goes to the address typed now, which may differ in case or tag from the
            # first one; both reach the same inbox.
            mail = _confirmation_email(
                campaign=campaign, name=existing.name, to=email, public_id=existing.public_id,
                confirmed=existing.confirmed_at is not None, repeat=True,
                pending_consents=consent_names_pending(signature_id=existing.pk),
            )  # fmt: skip
            outbound_email = OutboundEmail.objects.create(**mail)
            outbound_email_send_soon(email_id=outbound_email.pk)
    return SigningOutcome(signature_id=existing.pk, created=False)


def _confirmation_email(
    *,
    campaign: Campaign,
    name: str,
    to: str,
    public_id: str,
    confirmed: bool,
    repeat: bool,
    pending_consents: Sequence[str] = (),
) -> dict[str, object]:
    """The outbox row for a (repeat) signer's e-mail; its body is rendered when it is sent."""
    language = get_language() or settings.LANGUAGE_CODE
    # The campaign's part is the same for every signer: kept as long as the campaign itself is.
    static = process_cached(
        ("confirmation-email", campaign.pk, campaign.updated_at, language, repeat),
        settings.SIGNING_CAMPAIGN_CACHE_SECONDS,
        lambda: _confirmation_email_static(campaign=campaign, repeat=repeat),
    )
    context = static["context"] | {
        "pending_consents": list(pending_consents),
        "name": name,
        "confirmed": confirmed,
        "confirm_url": confirmation_url(campaign_slug=campaign.slug, public_id=public_id),
        PER_RECIPIENT: ["name", "confirm_url"],
    }
    return {**static["mail"], "to": to, "context": context, "language": language}


def _confirmation_email_static(*, campaign: Campaign, repeat: bool) -> dict[str, dict]:
    if repeat:
        template = "signatures/email/already_signed.txt"
        subject = _("You have already signed: %(title)s") % {"title": campaign.title}
    else:
        template = "signatures/email/confirm.txt"
        subject = _("Please confirm your signature: %(title)s") % {"title": campaign.title}
    return {
        "context": {
            "title": campaign.title,
            "target": campaign.target_line,
            "petition_url": f"{settings.GROUNDSWELL_BASE_URL}{campaign.get_absolute_url()}",
            "max_age_days": settings.SIGNATURE_CONFIRMATION_MAX_AGE // 86400,
        },
        "mail": {
            "subject": subject,
            "template": template,
            "kind": "signature-repeat" if repeat else "signature-confirm",
            "campaign_id": campaign.pk,
        },
    }


def signature_confirm(
    *, campaign: Campaign, token: str, now: datetime | None = None
) -> ConfirmationOutcome:
    """Confirm the signature a link points to; counting it exactly once however often it's used.

    A link opened again confirms nothing new, except consents the signer added on a later visit.
    """
    now = now or timezone.now()
    public_id = confirmation_token_read(token=token)
    day, shard = local_day(now), random.randrange(SHARDS)
    if campaign.accepts_signatures(now):
        if connection.vendor == "postgresql":
            confirmed = signing_statements.confirm_signature(
                public_id=public_id, campaign_id=campaign.pk, now=now, day=day, shard=shard
            )
        else:
            confirmed = _confirm_in_steps(public_id=public_id, campaign=campaign, now=now, day=day)
        if confirmed is not None:
            transparency_signature_confirmed(campaign_id=campaign.pk)
            counts_publish_soon(campaign_id=campaign.pk)
            return ConfirmationOutcome(
                signature_id=confirmed, public_id=public_id, newly_confirmed=True
            )
    signature = (
        Signature.objects.filter(public_id=public_id, campaign=campaign)
        .only("id", "campaign_id", "public_id", "partner_id", "confirmed_at", "gave_consent")
        .first()
    )
    if signature is None:
        raise InvalidConfirmationLink(
            _("This signature no longer exists. It may have been withdrawn.")
        )
    if signature.confirmed_at is None:
        raise CampaignNotSigning(_("This petition closed before your signature was confirmed."))
    if signature.gave_consent:
        coalition_consents_confirm(signature_id=signature.pk, now=now)
    return ConfirmationOutcome(
        signature_id=signature.pk, public_id=public_id, newly_confirmed=False
    )


def _confirm_in_steps(
    *, public_id: str, campaign: Campaign, now: datetime, day: date
) -> int | None:
    with transaction.atomic():
        signature = (
            Signature.objects.select_for_update()
            .filter(public_id=public_id, campaign=campaign, confirmed_at__isnull=True)
            .only("id", "partner_id", "referral_count", "gave_consent")
            .first()
        )
        if signature is None:
            return None
        Signature.objects.filter(pk=signature.pk).update(confirmed_at=now)
        if signature.gave_consent:
            coalition_consents_confirm(signature_id=signature.pk, now=now)
        visits = signature.referral_count
        tally_add(
            campaign_id=campaign.pk, partner_id=signature.partner_id, day=day, confirmed=1,
            referrals=visits, multi_partner=1 if visits >= 2 else 0,
        )  # fmt: skip
    return signature.pk


def signature_count_recount(*, campaign: Campaign) -> tuple[int, int]:
    """Recount from the rows, repair the tallies and the published count: (before, after)."""
    changes = counts_reconcile(campaign=campaign)
    if "signature_count" in changes:
        return changes["signature_count"]
    campaign.refresh_from_db(fields=["signature_count"])
    return campaign.signature_count, campaign.signature_count


def signature_withdraw(*, signature: Signature, reason: str, now: datetime | None = None) -> bool:
    """Take a signature out of the count and erase it; False if it was already gone.

    `reason` is how the transparency log records it: "withdrawn" or "erased" at the signer's
    request, "invalidated" as fraud. The row and its personal data are deleted. If the signature
    is in the log, a tombstone is appended (the log is never rewritten); its leaf keeps only the
    public id, salt and confirmation time, so the signer's receipt now reports it withdrawn.
    """
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
        tally_add(
            campaign_id=locked.campaign_id, partner_id=locked.partner_id,
            day=local_day(locked.created_at), signed=-1,
        )  # fmt: skip
        if locked.confirmed_at is not None:
            visits = locked.referral_count
            tally_add(
                campaign_id=locked.campaign_id, partner_id=locked.partner_id,
                day=local_day(locked.confirmed_at), confirmed=-1, referrals=-visits,
                multi_partner=-1 if visits >= 2 else 0,
            )  # fmt: skip
        locked.delete()
    # Withdrawals are rare: publish the counts now rather than on the next periodic run.
    counts_publish(campaign_id=locked.campaign_id)
    return True
