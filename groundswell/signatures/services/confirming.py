"""Confirming a signature, and agreeing to what a repeat submission asked: the only code that
makes a signature count."""

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from groundswell.campaigns.models import Campaign
from groundswell.signatures import signing_statements
from groundswell.signatures.errors import (
    CampaignNotSigning,
    ExpiredConfirmationLink,
    InvalidConfirmationLink,
)
from groundswell.signatures.events import SignatureConfirmed, signature_confirmed
from groundswell.signatures.links import change_token_read, confirmation_token_read
from groundswell.signatures.models import PendingChange, Signature
from groundswell.signatures.selectors import SignerSharing
from groundswell.signatures.services.consents import (
    asked_consent_wordings,
    coalition_change_apply,
    coalition_consents_confirm,
    consent_names_pending,
)
from groundswell.signatures.tallies import (
    SHARDS,
    counts_publish_soon,
    counts_reconcile,
    local_day,
    tally_add,
)


@dataclass(frozen=True)
class ConfirmationOutcome:
    signature_id: int
    public_id: str
    newly_confirmed: bool
    # What the confirmed page shares, when the confirming statement read it (PostgreSQL).
    sharing: SignerSharing | None = None


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
        sharing = None
        if connection.vendor == "postgresql":
            done = signing_statements.confirm_signature(
                public_id=public_id, campaign_id=campaign.pk, now=now, day=day, shard=shard
            )
            confirmed, sharing = (done.signature_id, done.sharing) if done else (None, None)
        else:
            confirmed = _confirm_in_steps(public_id=public_id, campaign=campaign, now=now, day=day)
        if confirmed is not None:
            signature_confirmed.publish(
                SignatureConfirmed(signature_id=confirmed, campaign_id=campaign.pk)
            )
            counts_publish_soon(campaign_id=campaign.pk)
            return ConfirmationOutcome(
                signature_id=confirmed, public_id=public_id, newly_confirmed=True, sharing=sharing
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
        consent_wordings=asked_consent_wordings(change),
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
            signature_confirmed.publish(
                SignatureConfirmed(signature_id=signature.pk, campaign_id=campaign.pk)
            )
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
