"""The consents and partner visits of a signature.

The signing services call these inside their own transactions, so a signature, its consents and
every count move together.
"""

from collections.abc import Sequence
from datetime import datetime

from groundswell.accounts.models import Organization
from groundswell.coalitions.models import Partner
from groundswell.signatures.consent import ConsentGiven
from groundswell.signatures.models import (
    Consent,
    PartnerReferral,
    PendingChange,
    Signature,
    new_change_id,
)
from groundswell.signatures.tallies import counts_publish_soon, local_day, tally_add


def coalition_new_signature_record(
    *, signature_id: int, partner: Partner | None, consents: Sequence[ConsentGiven], now: datetime
) -> None:
    """The referral and consents of a signature just inserted (the generic, multi-statement path;
    PostgreSQL does the same inside the signing statement, see signatures.signing_statements)."""
    if partner is not None:
        PartnerReferral.objects.create(signature_id=signature_id, partner=partner, created_at=now)
    Consent.objects.bulk_create(
        Consent(
            signature_id=signature_id,
            organization_id=consent.organization_id,
            wording=consent.wording,
            language=consent.language,
            given_at=now,
        )
        for consent in consents
    )


def coalition_change_request(
    *,
    signature: Signature,
    partner: Partner | None,
    consents: Sequence[ConsentGiven],
    now: datetime,
) -> PendingChange | None:
    """Keep what a repeat submission asked that the signature does not have yet (a visit from
    this partner, consents to other organizations), replacing an earlier request and its link.
    None when it asked nothing new.

    Whoever submitted may not own the address, so nothing else changes: only the owner's press
    of the button behind the e-mailed link applies it (`coalition_change_apply`). Runs in the
    signing transaction with the signature row locked.
    """
    visit = partner
    if (
        partner is not None
        and PartnerReferral.objects.filter(signature_id=signature.pk, partner=partner).exists()
    ):
        visit = None
    consented = set(
        Consent.objects.filter(signature_id=signature.pk).values_list("organization_id", flat=True)
    )
    asked = [
        {
            "organization_id": consent.organization_id,
            "wording": consent.wording,
            "language": consent.language,
        }
        for consent in consents
        if consent.organization_id not in consented
    ]
    if visit is None and not asked:
        return None
    change, _created = PendingChange.objects.update_or_create(
        signature_id=signature.pk,
        defaults={
            "public_id": new_change_id(),
            "partner": visit,
            "consents": asked,
            "created_at": now,
            "applied_at": None,
        },
    )
    return change


def coalition_change_apply(*, change: PendingChange, signature: Signature, now: datetime) -> None:
    """Apply to a confirmed signature exactly what its owner agreed to from their inbox: the
    partner's visit (an overlap figure; the signature stays attributed to whoever brought it
    first) and the consents, confirmed now. Runs with the signature row locked; at most once."""
    if signature.confirmed_at is None:
        raise ValueError("a change applies only to a confirmed signature")
    if (
        change.partner_id is not None
        and not PartnerReferral.objects.filter(
            signature_id=signature.pk, partner_id=change.partner_id
        ).exists()
    ):
        PartnerReferral.objects.create(
            signature_id=signature.pk, partner_id=change.partner_id, created_at=now
        )
        visits = signature.referral_count + 1
        Signature.objects.filter(pk=signature.pk).update(referral_count=visits)
        signature.referral_count = visits
        # Counted where reconciliation counts a visit: with the signature's own attribution, on
        # the day it was confirmed.
        tally_add(
            campaign_id=signature.campaign_id,
            partner_id=signature.partner_id,
            day=local_day(signature.confirmed_at),
            referrals=1,
            multi_partner=1 if visits == 2 else 0,
        )
        counts_publish_soon(campaign_id=signature.campaign_id)
    consented = set(
        Consent.objects.filter(signature_id=signature.pk).values_list("organization_id", flat=True)
    )
    asked = [consent for consent in change.consents if consent["organization_id"] not in consented]
    existing = set(
        Organization.objects.filter(
            pk__in=[consent["organization_id"] for consent in asked]
        ).values_list("pk", flat=True)
    )
    added = [
        Consent(
            signature_id=signature.pk,
            organization_id=consent["organization_id"],
            wording=consent["wording"],
            language=consent["language"],
            given_at=change.created_at,
            confirmed_at=now,
        )
        for consent in asked
        if consent["organization_id"] in existing
    ]
    if added:
        Consent.objects.bulk_create(added)
        Signature.objects.filter(pk=signature.pk).update(gave_consent=True)
    PendingChange.objects.filter(pk=change.pk).update(applied_at=now)


def coalition_consents_confirm(*, signature_id: int, now: datetime) -> None:
    Consent.objects.filter(signature_id=signature_id, confirmed_at__isnull=True).update(
        confirmed_at=now
    )


def asked_consent_wordings(change: PendingChange | None) -> list[str]:
    """The exact sentences the submission ticked, as the form showed them."""
    return [consent["wording"] for consent in change.consents] if change else []


def consent_names_pending(*, signature_id: int) -> list[str]:
    """Organizations a signer asked to hear from but has not yet confirmed from their inbox."""
    return list(
        Consent.objects.filter(signature_id=signature_id, confirmed_at__isnull=True)
        .order_by("organization__name")
        .values_list("organization__name", flat=True)
    )
