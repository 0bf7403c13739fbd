"""The public history of a petition's text (wired at /p/<slug>/history/)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from groundswell.campaigns.selectors import campaign_public_get
from groundswell.campaigns.versions import campaign_versions_public


def petition_history(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = campaign_public_get(slug=slug)
    context = {
        "kind": "petition",
        "title": campaign.title,
        "back_url": campaign.get_absolute_url(),
        "versions": campaign_versions_public(campaign=campaign),
    }
    return render(request, "letters/text_history.html", context)
