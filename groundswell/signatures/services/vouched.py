"""Signatures the host organization vouches for (paper sheets, the API's `confirmed_by` mode):
they count at once, without a confirmation e-mail, and are marked with their channel, batch and
`confirmed_by`, so the count's breakdown shows them apart from signatures confirmed from an inbox.

Only the host's own staff or write keys may record them (the callers check); deduplication is
the form's: one signature per canonical address per campaign, and an address that has signed
(online or on paper) is never changed by a later sheet.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from groundswell.campaigns.models import Campaign
from groundswell.core.email_keys import email_key
from groundswell.core.text import multi_line_text, single_line_text
from groundswell.signatures.consent import consent_wording
from groundswell.signatures.errors import CampaignNotSigning
from groundswell.signatures.events import SignatureConfirmed, signature_confirmed
from groundswell.signatures.models import (
    CONFIRMED_BY_ORGANIZER,
    Consent,
    Signature,
    SignatureChannel,
    new_public_id,
)
from groundswell.signatures.tallies import counts_publish_soon, local_day, tally_add

# Channels a vouched signature may come through; "online" signatures confirm themselves.
VOUCHED_CHANNELS = frozenset(
    {SignatureChannel.API, SignatureChannel.PAPER, SignatureChannel.PARTNER_TOOL}
)


@dataclass(frozen=True)
class VouchedSignature:
    """One signer's data, already validated by the caller with the form's rules."""

    name: str
    email: str
    country: str
    postal_code: str = ""
    comment: str = ""
    show_name: bool = False
    source: str = ""
    # The signer ticked the host's consent box on the sheet (its wording is stored with it).
    contact_host: bool = False


@dataclass(frozen=True)
class VouchedOutcome:
    # Ids of new signatures, in the order given; and the positions (0-based) of the signers
    # who had signed already (or appeared twice in `signatures`), which changed nothing.
    created_ids: list[int] = field(default_factory=list)
    duplicate_positions: list[int] = field(default_factory=list)


def signatures_vouched_record(
    *,
    campaign: Campaign,
    signatures: Sequence[VouchedSignature],
    channel: str,
    batch: str = "",
    language: str = "en",
    now: datetime | None = None,
) -> VouchedOutcome:
    """Record confirmed signatures vouched for by the host, in one transaction: all or none.

    Each new one counts (its tally moves in the same transaction) and is published as
    `signature_confirmed` after commit, like a confirmation from an inbox.
    """
    now = now or timezone.now()
    if channel not in VOUCHED_CHANNELS:
        raise ValueError(f"not a vouched channel: {channel}")
    if not campaign.accepts_signatures(now):
        raise CampaignNotSigning(_("This petition is not accepting signatures."))
    for signature in signatures:
        single_line_text(signature.name)
        single_line_text(signature.postal_code)
        multi_line_text(signature.comment)
    wording = consent_wording(organization_name=campaign.organization.name)
    outcome = VouchedOutcome()
    with transaction.atomic():
        keys = [email_key(signature.email) for signature in signatures]
        taken = set(
            Signature.objects.filter(campaign=campaign, email_key__in=set(keys)).values_list(
                "email_key", flat=True
            )
        )
        rows: list[Signature] = []
        for position, (signature, key) in enumerate(zip(signatures, keys, strict=True)):
            if key in taken:
                outcome.duplicate_positions.append(position)
                continue
            taken.add(key)
            rows.append(
                Signature(
                    campaign=campaign,
                    public_id=new_public_id(),
                    name=signature.name,
                    email=signature.email,
                    email_key=key,
                    country=signature.country,
                    postal_code=signature.postal_code,
                    comment=signature.comment,
                    show_name=signature.show_name,
                    source=signature.source,
                    gave_consent=signature.contact_host,
                    text_version=campaign.text_version,
                    told_of_version=campaign.text_version,
                    created_at=now,
                    confirmed_at=now,
                    notified_at=now,
                    channel=channel,
                    confirmed_by=CONFIRMED_BY_ORGANIZER,
                    batch=batch,
                )
            )
        if not rows:
            return outcome
        # The unique (campaign, email_key) constraint still guards against a concurrent
        # signer: the transaction then fails with IntegrityError and nothing is recorded.
        Signature.objects.bulk_create(rows, batch_size=1000)
        ids_by_public_id = dict(
            Signature.objects.filter(public_id__in=[row.public_id for row in rows]).values_list(
                "public_id", "id"
            )
        )
        outcome.created_ids.extend(ids_by_public_id[row.public_id] for row in rows)
        consents = [
            Consent(
                signature_id=ids_by_public_id[row.public_id],
                organization_id=campaign.organization_id,
                wording=wording,
                language=language,
                given_at=now,
                confirmed_at=now,
            )
            for row in rows
            if row.gave_consent
        ]
        Consent.objects.bulk_create(consents, batch_size=1000)
        tally_add(
            campaign_id=campaign.pk,
            partner_id=None,
            day=local_day(now),
            signed=len(rows),
            confirmed=len(rows),
        )
        for signature_id in outcome.created_ids:
            signature_confirmed.publish(
                SignatureConfirmed(signature_id=signature_id, campaign_id=campaign.pk)
            )
        counts_publish_soon(campaign_id=campaign.pk)
    return outcome
