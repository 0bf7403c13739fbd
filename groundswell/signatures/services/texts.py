"""Editing a petition whose text people may have signed: the campaign services, told whether
anyone has (signatures live above campaigns, so campaigns ask through `has_signers`)."""

from typing import Any

from groundswell.campaigns.models import Campaign, CampaignVersion
from groundswell.campaigns.services import campaign_update
from groundswell.campaigns.versions import campaign_text_update
from groundswell.signatures.models import Signature


def campaign_has_signers(campaign: Campaign) -> bool:
    """Anyone, confirmed or not: a pending signer read that text too."""
    return Signature.objects.filter(campaign=campaign).exists()


def petition_update(*, campaign: Campaign, data: dict[str, Any], change_note: str = "") -> Campaign:
    """`campaign_update`, with a new public text version once anyone has signed."""
    return campaign_update(
        campaign=campaign, data=data, change_note=change_note, has_signers=campaign_has_signers
    )


def petition_text_update(
    *, campaign: Campaign, ask: str, background: str, change_note: str = ""
) -> CampaignVersion:
    """`campaign_text_update`, with a new public text version once anyone has signed."""
    return campaign_text_update(
        campaign=campaign,
        ask=ask,
        background=background,
        change_note=change_note,
        has_signers=campaign_has_signers,
    )
