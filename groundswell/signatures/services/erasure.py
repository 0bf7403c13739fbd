"""Erasing signatures: the one way they leave the database (a signer's withdrawal, removal by
organizers or the admin, the purge of unconfirmed ones)."""

import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from groundswell.campaigns.models import Campaign
from groundswell.signatures.events import (
    SignatureErasing,
    SignatureRemoved,
    signature_erasing,
    signature_invalidated,
    signature_withdrawn,
)
from groundswell.signatures.models import WITHDRAWAL_REASONS, Signature
from groundswell.signatures.tallies import counts_publish, local_day, tally_add


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

    `reason` (WITHDRAWAL_REASONS) is how the transparency log records it: "withdrawn" or
    "erased" at the signer's request, "invalidated" as fraud. Everything that holds the signer's
    data goes with the row: consents and partner visits, every e-mail stored for them, sent or
    not (CASCADE from `OutboundEmail.signature`), and what the apps above keep of it, which they
    delete on `signature_erasing` in this transaction (the transparency log appends a tombstone
    if the signature is in it, the log is never rewritten; the delivery app deletes the stored
    packages that list it).
    """
    if reason not in WITHDRAWAL_REASONS:
        raise ValueError(f"unknown withdrawal reason {reason!r}")
    now = now or timezone.now()
    erasing = SignatureErasing(
        signature_id=signature.pk, campaign_id=signature.campaign_id, reason=reason, at=now
    )
    with transaction.atomic():
        # Before the signature row is locked: the log's subscriber locks its head first, the
        # order appends lock them in.
        signature_erasing.publish(erasing)
        locked = (
            Signature.objects.select_for_update()
            .filter(pk=signature.pk)
            .only(*ERASURE_FIELDS)
            .first()
        )
        if locked is None:
            return None
        _signatures_erase([locked])
        removed = signature_invalidated if reason == "invalidated" else signature_withdrawn
        removed.publish(
            SignatureRemoved(
                signature_id=locked.pk,
                campaign_id=locked.campaign_id,
                public_id=signature.public_id,
                reason=reason,
                was_confirmed=locked.confirmed_at is not None,
            )
        )
    # Withdrawals are rare: publish the counts now rather than on the next periodic run.
    counts_publish(campaign_id=locked.campaign_id)
    return WithdrawalOutcome(
        packages_discarded=erasing.copies.packages_discarded,
        copies_out_of_reach=erasing.copies.copies_out_of_reach,
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
