"""Signing and confirming: the only code that creates signatures or changes the counts."""

import random
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from groundswell.campaigns.models import Campaign
from groundswell.coalitions.models import Partner, PendingChange
from groundswell.coalitions.selectors import consent_names_pending
from groundswell.coalitions.services import (
    ConsentGiven,
    coalition_change_apply,
    coalition_change_request,
    coalition_consents_confirm,
    coalition_new_signature_record,
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
from groundswell.transparency.services.log import transparency_signature_confirmed

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


CHANGE_PURPOSE = "groundswell.signatures.change"


def change_url(*, campaign_slug: str, change_id: str) -> str:
    """The link, e-mailed to a signature's own address, to agree to what a repeat submission
    asked (a PendingChange)."""
    token = link_token_make(purpose=CHANGE_PURPOSE, value=change_id)
    return absolute_url(path_for("signatures:change", slug=campaign_slug, token=token))


def change_token_read(*, token: str) -> str:
    """The PendingChange's public id, or raise with a message for the signer."""
    try:
        return link_token_read(
            purpose=CHANGE_PURPOSE, token=token, max_age=settings.SIGNATURE_CONFIRMATION_MAX_AGE
        )
    except LinkExpired:
        raise ExpiredConfirmationLink(_("This link has expired. Nothing was changed.")) from None
    except LinkInvalid:
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
    mail = _confirmation_email(campaign=campaign, name=name, to=email, public_id=public_id)
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
    try:
        return _signature_repeat(
            campaign=campaign, key=values["email_key"], partner=partner, consents=consents, now=now
        )
    except Signature.DoesNotExist:
        # Erased (withdrawn, or purged unconfirmed) since the insert found it: sign anew.
        return signature_create(
            campaign=campaign, name=name, email=email, country=country, postal_code=postal_code,
            comment=comment, show_name=show_name, source=source, partner=partner,
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
        "asked_consents": _asked_consent_wordings(change),
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


def _asked_consent_wordings(change: PendingChange | None) -> list[str]:
    """The exact sentences the submission ticked, as the form showed them."""
    return [consent["wording"] for consent in change.consents] if change else []


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

    It confirms what the signer's own submission asked (the signature, its consents, the
    partner that brought it) and nothing else: a later submission with the same address asks
    its owner separately (`signature_change_confirm`). A link opened again confirms nothing.
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
        .only("id", "confirmed_at")
        .first()
    )
    if signature is None:
        raise InvalidConfirmationLink(
            _("This signature no longer exists. It may have been withdrawn.")
        )
    if signature.confirmed_at is None:
        raise CampaignNotSigning(_("This petition closed before your signature was confirmed."))
    return ConfirmationOutcome(
        signature_id=signature.pk, public_id=public_id, newly_confirmed=False
    )


@dataclass(frozen=True)
class RequestedChange:
    """What a change link asks its owner to agree to, as its page shows it."""

    signature_confirmed: bool
    # Organizations the signature's own submission asked to hear from, confirmed with it.
    original_consents: list[str]
    consent_wordings: list[str]
    visit_from: str
    applied: bool


@dataclass(frozen=True)
class ChangeOutcome:
    public_id: str
    newly_confirmed: bool


def _change_gone() -> InvalidConfirmationLink:
    return InvalidConfirmationLink(
        _(
            "This link no longer works: a newer e-mail replaced it, or the signature was "
            "withdrawn. Nothing was changed."
        )
    )


def _pending_change_for_link(*, campaign: Campaign, change_id: str, now: datetime) -> PendingChange:
    change = (
        PendingChange.objects.select_related("partner__organization", "signature")
        .filter(public_id=change_id, signature__campaign=campaign)
        .first()
    )
    if change is None:
        raise _change_gone()
    max_age = timedelta(seconds=settings.SIGNATURE_CONFIRMATION_MAX_AGE)
    if change.applied_at is None and change.created_at < now - max_age:
        raise ExpiredConfirmationLink(_("This link has expired. Nothing was changed."))
    return change


def pending_change_from_link(
    *, campaign: Campaign, token: str, now: datetime | None = None
) -> RequestedChange:
    """What a change link would do, for the page with the button; never changes anything."""
    now = now or timezone.now()
    change = _pending_change_for_link(
        campaign=campaign, change_id=change_token_read(token=token), now=now
    )
    confirmed = change.signature.confirmed_at is not None
    return RequestedChange(
        signature_confirmed=confirmed,
        original_consents=[]
        if confirmed
        else consent_names_pending(signature_id=change.signature_id),
        consent_wordings=_asked_consent_wordings(change),
        visit_from=change.partner.organization.name if change.partner else "",
        applied=change.applied_at is not None,
    )


def signature_change_confirm(
    *, campaign: Campaign, token: str, now: datetime | None = None
) -> ChangeOutcome:
    """The owner of a signature's address agrees, from the e-mailed link, to what a repeat
    submission asked: exactly that applies, once. A pending signature is confirmed with it, as
    its page says; its attribution never moves.
    """
    now = now or timezone.now()
    change_id = change_token_read(token=token)
    newly_confirmed = False
    with transaction.atomic():
        found = _pending_change_for_link(campaign=campaign, change_id=change_id, now=now)
        # The signature first, then the change: the order a repeat submission locks them in.
        signature = Signature.objects.select_for_update().filter(pk=found.signature_id).first()
        change = PendingChange.objects.filter(pk=found.pk, public_id=change_id).first()
        if signature is None or change is None:
            raise _change_gone()
        signature.campaign = campaign
        if change.applied_at is not None:
            return ChangeOutcome(public_id=signature.public_id, newly_confirmed=False)
        if not campaign.accepts_signatures(now):
            raise CampaignNotSigning(_("This petition is closed. Nothing was changed."))
        if signature.confirmed_at is None:
            _confirm_in_steps(
                public_id=signature.public_id, campaign=campaign, now=now, day=local_day(now)
            )
            transparency_signature_confirmed(campaign_id=campaign.pk)
            counts_publish_soon(campaign_id=campaign.pk)
            signature.confirmed_at, newly_confirmed = now, True
        coalition_change_apply(change=change, signature=signature, now=now)
    return ChangeOutcome(public_id=signature.public_id, newly_confirmed=newly_confirmed)


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


@dataclass(frozen=True)
class WithdrawalOutcome:
    """A signature was erased, and with it `packages_discarded` stored delivery packages.

    `copies_out_of_reach`: a package that was ready to download, or a recorded delivery, listed
    it; what such a copy printed (its name and comment if shown, its country and postal area) is
    out of our hands."""

    packages_discarded: int
    copies_out_of_reach: bool


def signature_withdraw(
    *, signature: Signature, reason: str, now: datetime | None = None
) -> WithdrawalOutcome | None:
    """Take a signature out of the count and erase it; None if it was already gone.

    `reason` is how the transparency log records it: "withdrawn" or "erased" at the signer's
    request, "invalidated" as fraud. Everything that holds the signer's data goes with the row:
    consents and partner visits, every e-mail stored for them, sent or not (CASCADE from
    `OutboundEmail.signature`), and the stored delivery packages that list them. If the
    signature is in the log, a tombstone is appended (the log is never rewritten); its leaf keeps
    only the public id, salt and confirmation time, so the signer's receipt now reports it
    withdrawn.
    """
    from groundswell.delivery.services.packages import delivery_copies_of_signature_discard
    from groundswell.transparency.commitments import TOMBSTONE_REASONS
    from groundswell.transparency.services.log import transparency_signature_withdrawn

    if reason not in TOMBSTONE_REASONS:
        raise ValueError(f"unknown withdrawal reason {reason!r}")
    now = now or timezone.now()
    with transaction.atomic():
        # The log's head is locked before the signature row, the order appends lock them in.
        transparency_signature_withdrawn(signature=signature, reason=reason, now=now)
        locked = (
            Signature.objects.select_for_update()
            .filter(pk=signature.pk)
            .only(*ERASURE_FIELDS)
            .first()
        )
        if locked is None:
            return None
        copies = delivery_copies_of_signature_discard(
            signature_id=locked.pk, campaign_id=locked.campaign_id, now=now
        )
        _signatures_erase([locked])
    # Withdrawals are rare: publish the counts now rather than on the next periodic run.
    counts_publish(campaign_id=locked.campaign_id)
    return WithdrawalOutcome(
        packages_discarded=copies.packages, copies_out_of_reach=copies.out_of_reach
    )


# What erasing a signature needs to know of it to take it out of the tallies.
ERASURE_FIELDS = ("id", "campaign_id", "partner_id", "created_at", "confirmed_at", "referral_count")


def _signatures_erase(signatures: Sequence[Signature]) -> None:
    """Take locked signatures out of the tallies and delete them with everything they own.

    The one way signatures leave the database (withdrawal, removal by organizers, the purge of
    unconfirmed ones): the tallies move exactly as the signatures counted, and the delete
    cascades to consents, partner visits and outbox e-mails.
    """
    changes: dict[tuple[int, int | None, date], Counter[str]] = defaultdict(Counter)
    for signature in signatures:
        key = (signature.campaign_id, signature.partner_id, local_day(signature.created_at))
        changes[key]["signed"] -= 1
        if signature.confirmed_at is not None:
            visits = signature.referral_count
            confirmed = changes[
                (signature.campaign_id, signature.partner_id, local_day(signature.confirmed_at))
            ]
            confirmed["confirmed"] -= 1
            confirmed["referrals"] -= visits
            confirmed["multi_partner"] -= 1 if visits >= 2 else 0
    for (campaign_id, partner_id, day), deltas in changes.items():
        tally_add(campaign_id=campaign_id, partner_id=partner_id, day=day, **deltas)
    Signature.objects.filter(pk__in=[signature.pk for signature in signatures]).delete()


# A confirmation link made a little before its signature row was stored, or on a server whose
# clock runs ahead, still expires before the purge reaches it.
PURGE_GRACE = timedelta(hours=1)


def signatures_unconfirmed_purge(
    *, now: datetime | None = None, batch_size: int = 500, time_budget_seconds: float = 50.0
) -> int:
    """Erase the signatures never confirmed whose last confirmation link has expired, with their
    consents and e-mails; returns how many. Idempotent; several may run at once.

    They leave the tallies as a withdrawal of a pending signature does. Pending signatures are
    not in the transparency log, so no tombstone is needed.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.SIGNATURE_CONFIRMATION_MAX_AGE) - PURGE_GRACE
    expired = Q(confirmed_at__isnull=True) & (
        Q(notified_at__lt=cutoff) | Q(notified_at__isnull=True, created_at__lt=cutoff)
    )
    deadline = time.monotonic() + time_budget_seconds
    purged = 0
    # Campaign by campaign, so that each query walks the (campaign, confirmed_at) index's
    # pending entries of one campaign, never the whole table.
    for campaign_id in Campaign.objects.order_by("pk").values_list("pk", flat=True):
        while time.monotonic() < deadline:
            with transaction.atomic():
                batch = list(
                    Signature.objects.select_for_update(skip_locked=True)
                    .filter(expired, campaign_id=campaign_id)
                    .only(*ERASURE_FIELDS)[:batch_size]
                )
                if batch:
                    _signatures_erase(batch)
            purged += len(batch)
            if len(batch) < batch_size:
                break
    return purged
