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
from groundswell.transparency.selectors import tiled_log_get


def checkpoint_json(campaign: Campaign) -> dict[str, object] | None:
    """The latest signed checkpoint: size, root, live count, time and where to fetch it."""
    log = tiled_log_get(campaign=campaign)
    if log is None:
        return None
    checkpoint = log.checkpoint
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
    checkpoint = checkpoint_json(campaign)
    return {"checkpoint": checkpoint} if checkpoint is not None else None


def register() -> None:
    petition_json_field_register(key="checkpoint", value=checkpoint_json)
    petition_section_register(
        name="checkpoint",
        slot=Slot.COUNT,
        template="transparency/_checkpoint.html",
        context=checkpoint_section,
        order=50,
    )
