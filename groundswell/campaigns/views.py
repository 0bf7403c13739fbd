from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone

from groundswell.campaigns.models import Campaign
from groundswell.campaigns.selectors import (
    campaign_public_get,
    campaign_public_summary,
    campaigns_public_open,
)
from groundswell.signatures.forms import SignatureForm, clean_source_code
from groundswell.signatures.selectors import recent_public_signers


def render_petition(
    request: HttpRequest,
    campaign: Campaign,
    *,
    form: SignatureForm | None = None,
    status: int = 200,
    preview: bool = False,
    error: str = "",
) -> HttpResponse:
    """The public petition page; also used for organizer previews and re-shown forms."""
    if form is None:
        form = SignatureForm(initial={"source": clean_source_code(request.GET.get("source"))})
    context = {
        "campaign": campaign,
        "form": form,
        "accepting": campaign.accepts_signatures(timezone.now()),
        "recent_signers": recent_public_signers(campaign=campaign),
        "preview": preview,
        "error": error,
    }
    return render(request, "campaigns/petition.html", context, status=status)


def petition(request: HttpRequest, slug: str) -> HttpResponse:
    return render_petition(request, campaign_public_get(slug=slug))


def petition_json(request: HttpRequest, slug: str) -> JsonResponse:
    campaign = campaign_public_get(slug=slug)
    response = JsonResponse(campaign_public_summary(campaign=campaign))
    response["Access-Control-Allow-Origin"] = "*"
    return response


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "campaigns/home.html", {"campaigns": campaigns_public_open()})
