"""What the delivery app shows on the petition page (see signatures.petition_sections)."""

from groundswell.campaigns.models import Campaign
from groundswell.delivery.selectors import deliveries_public
from groundswell.signatures.petition_sections import Slot, petition_section_register


def deliveries_section(campaign: Campaign) -> dict[str, object] | None:
    """The public deliveries of a campaign, newest first (one query); nothing without any."""
    deliveries = list(deliveries_public(campaign=campaign))
    return {"deliveries": deliveries} if deliveries else None


def register() -> None:
    petition_section_register(
        name="deliveries",
        slot=Slot.MAIN,
        template="delivery/_timeline.html",
        context=deliveries_section,
        order=50,
    )
