"""Delivery blocks that other apps' templates include: the petition page's deliveries."""

from django import template

from groundswell.campaigns.models import Campaign
from groundswell.delivery.selectors import deliveries_public

register = template.Library()


@register.inclusion_tag("delivery/_timeline.html")
def delivery_timeline(campaign: Campaign) -> dict[str, object]:
    """The public deliveries of a campaign, newest first (one query)."""
    return {"campaign": campaign, "deliveries": list(deliveries_public(campaign=campaign))}
