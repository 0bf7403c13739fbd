"""What the transparency app shows on the petition page and its JSON: the signed checkpoint the
count can be checked against (see signatures.petition_sections), so that a screenshot of the count
carries what verifies it later."""

import base64

from django.conf import settings
from django.urls import reverse

from groundswell.campaigns.models import Campaign
from groundswell.signatures.petition_sections import (
    Slot,
    petition_json_field_register,
    petition_section_register,
)
from groundswell.transparency.models import SignedCheckpoint
from groundswell.transparency.selectors import tiled_log_get


def checkpoint_json(campaign: Campaign) -> dict[str, object] | None:
    """The latest signed checkpoint: size, root, live count, time and where to fetch it."""
    log = tiled_log_get(campaign=campaign)
    return _checkpoint_fields(campaign, log.checkpoint) if log is not None else None


def _checkpoint_fields(campaign: Campaign, checkpoint: SignedCheckpoint) -> dict[str, object]:
    return {
        "origin": checkpoint.origin,
        "size": checkpoint.tree_size,
        "root_hash": base64.b64encode(bytes(checkpoint.root_hash)).decode("ascii"),
        "live_count": checkpoint.live_count,
        "time": checkpoint.timestamp.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "url": settings.GROUNDSWELL_BASE_URL
        + reverse("transparency:tlog_checkpoint", kwargs={"slug": campaign.slug}),
        "keys_url": settings.GROUNDSWELL_BASE_URL + reverse("transparency:transparency_keys"),
    }


def checkpoint_section(campaign: Campaign) -> dict[str, object] | None:
    """The JSON's fields, whose values the page keeps for machines (<time datetime>), and the
    moment itself, for the page to write in its reader's language."""
    log = tiled_log_get(campaign=campaign)
    if log is None:
        return None
    return {
        "checkpoint": _checkpoint_fields(campaign, log.checkpoint),
        "signed_at": log.checkpoint.timestamp,
    }


def register() -> None:
    petition_json_field_register(key="checkpoint", value=checkpoint_json)
    petition_section_register(
        name="checkpoint",
        slot=Slot.COUNT,
        template="transparency/_checkpoint.html",
        context=checkpoint_section,
        order=50,
    )
