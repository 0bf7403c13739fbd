"""The public page of a delivery, and the campaign's timeline as JSON (here because a delivery
made private must leave it)."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from groundswell.campaigns.selectors import campaign_public_get
from groundswell.campaigns.timeline import timeline_entry_json
from groundswell.campaigns.translations import campaign_in_language
from groundswell.core.page_cache import cached_public_page
from groundswell.delivery.selectors import delivery_public_get, timeline_shown
from groundswell.transparency.checkpoints import key_id
from groundswell.transparency.selectors import checkpoints_for_campaign
from groundswell.transparency.signing_key import checkpoint_public_key


@require_GET
def delivery_detail(request: HttpRequest, slug: str, delivery_id: int) -> HttpResponse:
    campaign = campaign_public_get(slug=slug)
    delivery = delivery_public_get(campaign=campaign, delivery_id=delivery_id)
    checkpoint = delivery.checkpoint
    earlier = [
        other
        for other in checkpoints_for_campaign(campaign=campaign)
        if other.tree_size < checkpoint.tree_size
    ]
    context = {
        # Its title as the petition page showed it to this visitor.
        "campaign": campaign_in_language(campaign=campaign, language=get_language()).campaign,
        "delivery": delivery,
        "photos": list(delivery.photos.all()),
        "checkpoint": checkpoint,
        "previous_checkpoint": earlier[-1] if earlier else None,
        "key_id": key_id(checkpoint_public_key()).hex(),
        "checkpoint_url": request.build_absolute_uri(
            reverse(
                "transparency:checkpoint",
                kwargs={"slug": campaign.slug, "tree_size": checkpoint.tree_size},
            )
        ),
        "checkpoints_url": request.build_absolute_uri(
            reverse("transparency:checkpoints", kwargs={"slug": campaign.slug})
        ),
        "public_key_url": request.build_absolute_uri(reverse("transparency:public_key")),
    }
    return render(request, "delivery/delivery_public.html", context)


@require_GET
@cached_public_page(query=())
def petition_timeline_json(request: HttpRequest, slug: str) -> JsonResponse:
    """The campaign's story, oldest first, cached like the petition's JSON."""
    campaign = campaign_public_get(slug=slug)
    response = JsonResponse(
        {
            "slug": campaign.slug,
            "status": campaign.shown_status,
            "outcome_note": campaign.outcome_note if campaign.has_outcome else "",
            "entries": [timeline_entry_json(entry) for entry in timeline_shown(campaign=campaign)],
        }
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response
