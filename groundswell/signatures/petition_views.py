"""The public pages of a petition: home, petition page, its JSON, the embedded form, the history of
its text. They live here, with the count and the signing form they show (the petition's
namespace stays "campaigns": its URL names are in templates and e-mails)."""

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language

from groundswell.campaigns.models import Campaign
from groundswell.campaigns.selectors import (
    campaign_public_get,
    campaign_public_summary,
    campaigns_public_open,
)
from groundswell.campaigns.translations import campaign_in_language
from groundswell.campaigns.versions import campaign_versions_public
from groundswell.coalitions.selectors import campaign_partners_active, partner_for_link
from groundswell.core.csp import framable_by_partner_sites
from groundswell.core.page_cache import cached_public_page
from groundswell.signatures.forms import SignatureForm, clean_source_code
from groundswell.signatures.petition_sections import petition_json_fields, petition_sections_render
from groundswell.signatures.selectors import coalition_figures, recent_public_signers


def render_petition(
    request: HttpRequest,
    campaign: Campaign,
    *,
    form: SignatureForm | None = None,
    status: int = 200,
    preview: bool = False,
    embed: bool = False,
    error: str = "",
) -> HttpResponse:
    """The public petition page; also organizer previews, re-shown forms and the embed."""
    if form is None:
        partner = partner_for_link(campaign=campaign, slug=request.GET.get("partner"))
        form = SignatureForm(
            host=campaign.organization,
            partner=partner,
            initial={
                "source": clean_source_code(request.GET.get("source")),
                "partner": partner.slug if partner else "",
                "embed": embed,
                "text_version": campaign.text_version,
            },
        )
    # The organizers' translation of the words, when the visitor reads its language.
    shown = campaign_in_language(campaign=campaign, language=get_language())
    context: dict[str, Any] = {
        "campaign": shown.campaign,
        "translation": shown.translation,
        "translation_behind": shown.is_behind,
        "form": form,
        "cosponsors": campaign_partners_active(campaign=campaign),
        "accepting": campaign.accepts_signatures(timezone.now()),
        "recent_signers": recent_public_signers(campaign=campaign),
        "preview": preview,
        "error": error,
    }
    if embed:
        return framable_by_partner_sites(
            render(request, "campaigns/embed.html", context, status=status)
        )
    context["sections"] = petition_sections_render(campaign=campaign)
    return render(request, "campaigns/petition.html", context, status=status)


@cached_public_page
def petition(request: HttpRequest, slug: str) -> HttpResponse:
    return render_petition(request, campaign_public_get(slug=slug))


def petition_embed(request: HttpRequest, slug: str) -> HttpResponse:
    """The signing form alone, for partners to frame on their own sites."""
    return render_petition(request, campaign_public_get(slug=slug), embed=True)


def petition_embed_thanks(request: HttpRequest, slug: str) -> HttpResponse:
    return framable_by_partner_sites(
        render(request, "campaigns/embed_thanks.html", {"campaign": campaign_public_get(slug=slug)})
    )


@cached_public_page
def petition_json(request: HttpRequest, slug: str) -> JsonResponse:
    campaign = campaign_public_get(slug=slug)
    summary = campaign_public_summary(campaign=campaign)
    figures = coalition_figures(campaign=campaign)
    summary["partners"] = [
        {"slug": partner.slug, "name": partner.name, "signature_count": partner.signature_count}
        for partner in figures.partners
    ]
    summary["unattributed_count"] = figures.unattributed_count
    summary.update(petition_json_fields(campaign=campaign))
    response = JsonResponse(summary)
    response["Access-Control-Allow-Origin"] = "*"
    return response


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "campaigns/home.html", {"campaigns": campaigns_public_open()})


def petition_history(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = campaign_public_get(slug=slug)
    context = {
        "kind": "petition",
        "title": campaign.title,
        "back_url": campaign.get_absolute_url(),
        "versions": campaign_versions_public(campaign=campaign),
    }
    return render(request, "letters/text_history.html", context)
