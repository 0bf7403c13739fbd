"""Public pages of a campaign that need nothing above this app: its timeline as JSON (the URL
sits with the petition's others, in signatures.petition_urls)."""

from django.http import HttpRequest, JsonResponse

from groundswell.campaigns.selectors import campaign_public_get
from groundswell.campaigns.timeline import timeline_entry_json, timeline_public
from groundswell.core.page_cache import cached_public_page


@cached_public_page
def petition_timeline_json(request: HttpRequest, slug: str) -> JsonResponse:
    campaign = campaign_public_get(slug=slug)
    response = JsonResponse(
        {
            "slug": campaign.slug,
            "status": campaign.shown_status,
            "outcome_note": campaign.outcome_note if campaign.has_outcome else "",
            "entries": [timeline_entry_json(entry) for entry in timeline_public(campaign=campaign)],
        }
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response
