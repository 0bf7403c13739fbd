"""Delivery blocks that other apps' templates include: the petition page's deliveries and the
receipt link on the page shown after confirming a signature."""

from django import template
from django.template.context import Context

from groundswell.campaigns.models import Campaign
from groundswell.delivery.selectors import deliveries_public
from groundswell.delivery.services.receipts import receipt_path

register = template.Library()


@register.inclusion_tag("delivery/_timeline.html")
def delivery_timeline(campaign: Campaign) -> dict[str, object]:
    """The public deliveries of a campaign, newest first (one query)."""
    return {"campaign": campaign, "deliveries": list(deliveries_public(campaign=campaign))}


@register.simple_tag(takes_context=True)
def receipt_url_after_confirmation(context: Context) -> str:
    """The receipt link of the signature just confirmed, or "" when it cannot be told.

    The confirmation page's context holds the campaign but not the signature, so the signature is
    read from the confirmation token in the page's own URL, which the view has just checked.
    When that view passes `receipt_url` itself, the template uses that and this is not needed.
    """
    from groundswell.signatures.services import SigningError, confirmation_token_read

    request = context.get("request")
    campaign = context.get("campaign")
    match = getattr(request, "resolver_match", None)
    token = match.kwargs.get("token") if match else None
    if not token or campaign is None:
        return ""
    try:
        public_id = confirmation_token_read(token=token)
    except SigningError:
        return ""
    return receipt_path(campaign_slug=campaign.slug, public_id=public_id)
