"""Taking a signature: the only code that creates signatures (the PostgreSQL statement is in
groundswell.signatures.signing_statements)."""

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, cast

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Field
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from groundswell.campaigns.models import Campaign
from groundswell.campaigns.translations import campaign_in_language
from groundswell.coalitions.models import Partner
from groundswell.core.email_keys import email_key
from groundswell.core.models import OutboundEmail
from groundswell.core.outbox import PER_RECIPIENT, outbound_email_send_soon
from groundswell.core.process_cache import process_cached
from groundswell.core.text import multi_line_text, single_line_text
from groundswell.signatures import signing_statements
from groundswell.signatures.consent import ConsentGiven
from groundswell.signatures.errors import CampaignNotSigning
from groundswell.signatures.links import change_url, confirmation_url
from groundswell.signatures.models import (
    PendingChange,
    Signature,
    SignatureChannel,
    new_public_id,
    new_referral_code,
)
from groundswell.signatures.services.consents import (
    asked_consent_wordings,
    coalition_change_request,
    coalition_new_signature_record,
)
from groundswell.signatures.tallies import SHARDS, local_day, tally_add

# Repeated submits within this window send no further e-mail (double clicks, retries, abuse).
RENOTIFY_AFTER = timedelta(minutes=10)


@dataclass(frozen=True)
class SigningOutcome:
    signature_id: int
    created: bool


def _insert_if_new(values: dict[str, Any]) -> int | None:
    """INSERT ... ON CONFLICT DO NOTHING in one round trip; the new id, or None for a repeat."""
    meta = Signature._meta
    quote = connection.ops.quote_name
    fields = [cast(Field, meta.get_field(name)) for name in values]
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
    channel: str = SignatureChannel.ONLINE,
    referrer_code: str = "",
    now: datetime | None = None,
    comment_public: bool = False,
) -> SigningOutcome:
    """Take a signature (pending until confirmed) and store the e-mail that goes with it.

    Signing twice never creates a second row, nor changes the first: see `_signature_repeat`.
    The caller must show the same page either way, so nobody can learn whether an address has
    signed.
    """
    now = now or timezone.now()
    # The form checked them already; this is for every other caller (ValidationError).
    single_line_text(name)
    single_line_text(postal_code)
    multi_line_text(comment)
    if not campaign.accepts_signatures(now):
        raise CampaignNotSigning(campaign.signing_closed_message(now))
    consents = list(consents)
    public_id = new_public_id()
    values: dict[str, Any] = {
        "campaign": campaign.pk,
        "public_id": public_id,
        "name": name,
        "email": email,
        "email_key": email_key(email),
        "country": country,
        "postal_code": postal_code,
        "comment": comment,
        # Nothing to show without a comment.
        "comment_public": comment_public and bool(comment),
        "show_name": show_name,
        "source": source,
        "partner": partner.pk if partner else None,
        "referral_count": 1 if partner else 0,
        "gave_consent": bool(consents),
        "text_version": campaign.text_version,
        "language": get_language() or settings.LANGUAGE_CODE,
        "told_of_version": campaign.text_version,
        "created_at": now,
        "notified_at": now,
        "channel": channel,
        "referral_code": new_referral_code(),
    }
    mail = _confirmation_email(campaign=campaign, name=name, to=email, public_id=public_id)
    day, shard = local_day(now), random.randrange(SHARDS)
    if connection.vendor == "postgresql":
        inserted = signing_statements.insert_signature(
            values=values, consents=consents, mail=mail, day=day, shard=shard,
            referrer_code=referrer_code,
        )  # fmt: skip
    else:
        if referrer_code:
            values["referred_by"] = (
                Signature.objects.filter(referral_code=referrer_code, campaign=campaign)
                .values_list("pk", flat=True)
                .first()
            )
        inserted = _insert_signature_in_steps(
            values=values, partner=partner, consents=consents, mail=mail, now=now, day=day
        )
    if inserted is not None:
        signature_id, email_id = inserted
        outbound_email_send_soon(email_id=email_id)
        return SigningOutcome(signature_id=signature_id, created=True)
    try:
        return _signature_repeat(
            campaign=campaign, key=values["email_key"], partner=partner, consents=consents, now=now
        )
    except Signature.DoesNotExist:
        # Erased (withdrawn, or purged unconfirmed) since the insert found it: sign anew.
        return signature_create(
            campaign=campaign, name=name, email=email, country=country, postal_code=postal_code,
            comment=comment, show_name=show_name, source=source, partner=partner,
            consents=consents, channel=channel, referrer_code=referrer_code, now=now,
            comment_public=comment_public,
        )  # fmt: skip


def _insert_signature_in_steps(
    *,
    values: dict[str, Any],
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
        email = OutboundEmail.objects.create(**mail, signature_id=signature_id)
    return signature_id, email.pk


def _signature_repeat(
    *,
    campaign: Campaign,
    key: str,
    partner: Partner | None,
    consents: list[ConsentGiven],
    now: datetime,
) -> SigningOutcome:
    """Someone submitted an address that has signed: its owner, or anyone who typed it (or a
    +tag or case variant of it).

    Nothing they typed reaches the signature, its consents, visits or attribution. The stored
    address, never the one typed, is e-mailed at most once per RENOTIFY_AFTER whatever was
    asked: a message that names nobody, with the signature's own confirmation link while it is
    pending, and, when the submission asked for something new (a partner's visit, consents), a
    link to agree to exactly that (a PendingChange). Within the limit nothing at all happens.
    """
    with transaction.atomic():
        existing = Signature.objects.select_for_update().get(campaign=campaign, email_key=key)
        existing.campaign = campaign
        if existing.notified_at is not None and existing.notified_at > now - RENOTIFY_AFTER:
            return SigningOutcome(signature_id=existing.pk, created=False)
        Signature.objects.filter(pk=existing.pk).update(notified_at=now)
        change = coalition_change_request(
            signature=existing, partner=partner, consents=consents, now=now
        )
        # In the language its owner signed in, not that of whoever typed the address now.
        with translation.override(existing.language or get_language()):
            mail = _repeat_email(campaign=campaign, signature=existing, change=change)
        outbound_email = OutboundEmail.objects.create(**mail, signature_id=existing.pk)
        outbound_email_send_soon(email_id=outbound_email.pk)
    return SigningOutcome(signature_id=existing.pk, created=False)


def _repeat_email(
    *, campaign: Campaign, signature: Signature, change: PendingChange | None
) -> dict[str, object]:
    """The outbox row for a repeat submission: to the stored address, with nothing personal
    from either submission in it (no name, no address typed)."""
    language = get_language() or settings.LANGUAGE_CODE
    static = process_cached(
        ("confirmation-email", campaign.pk, campaign.updated_at, language, True),
        settings.SIGNING_CAMPAIGN_CACHE_SECONDS,
        lambda: _confirmation_email_static(campaign=campaign, repeat=True),
    )
    pending = signature.confirmed_at is None
    context = static["context"] | {
        "confirmed": not pending,
        "has_change": change is not None,
        "asked_consents": asked_consent_wordings(change),
        "asked_visit": change.partner.organization.name if change and change.partner else "",
        PER_RECIPIENT: [],
    }
    if pending:
        context["confirm_url"] = confirmation_url(
            campaign_slug=campaign.slug, public_id=signature.public_id
        )
        context[PER_RECIPIENT].append("confirm_url")
    if change is not None:
        context["change_url"] = change_url(campaign_slug=campaign.slug, change_id=change.public_id)
        context[PER_RECIPIENT].append("change_url")
    return {**static["mail"], "to": signature.email, "context": context, "language": language}


def _confirmation_email(
    *, campaign: Campaign, name: str, to: str, public_id: str
) -> dict[str, object]:
    """The outbox row for a new signer's e-mail; its body is rendered when it is sent."""
    language = get_language() or settings.LANGUAGE_CODE
    # The campaign's part is the same for every signer: kept as long as the campaign itself is.
    static = process_cached(
        ("confirmation-email", campaign.pk, campaign.updated_at, language, False),
        settings.SIGNING_CAMPAIGN_CACHE_SECONDS,
        lambda: _confirmation_email_static(campaign=campaign, repeat=False),
    )
    context = static["context"] | {
        "name": name,
        "confirm_url": confirmation_url(campaign_slug=campaign.slug, public_id=public_id),
        PER_RECIPIENT: ["name", "confirm_url"],
    }
    return {**static["mail"], "to": to, "context": context, "language": language}


def _confirmation_email_static(*, campaign: Campaign, repeat: bool) -> dict[str, dict]:
    # In the signer's language, with the organizers' translation of the title if there is one.
    campaign = campaign_in_language(campaign=campaign, language=get_language()).campaign
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
