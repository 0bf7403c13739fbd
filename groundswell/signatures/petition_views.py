"""The public pages of a petition: home, petition page, its JSON, the embedded form, the history of
its text. They live here, with the count and the signing form they show (the petition's
namespace stays "campaigns": its URL names are in templates and e-mails)."""

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from groundswell.campaigns.models import Campaign
from groundswell.campaigns.selectors import (
    campaign_public_get,
    campaign_public_summary,
    campaigns_public_ended,
    campaigns_public_open,
)
from groundswell.campaigns.translations import campaign_in_language, campaigns_in_language
from groundswell.campaigns.versions import campaign_versions_public
from groundswell.coalitions.selectors import campaign_partners_active, partner_for_link
from groundswell.core.csp import framable_by_partner_sites
from groundswell.core.http import query_integer
from groundswell.core.page_cache import cached_public_page
from groundswell.core.qr_codes import qr_svg
from groundswell.core.share_images import ShareImage, share_image_cached, share_image_etag
from groundswell.core.sharing import share_url
from groundswell.core.svg_charts import column_chart, day_label
from groundswell.core.templatetags.numbers import number_display
from groundswell.signatures.comments import (
    COMMENTS_ON_PETITION_PAGE,
    public_comments,
    public_comments_page,
)
from groundswell.signatures.forms import SignatureForm, clean_referral_code, clean_source_code
from groundswell.signatures.history import MAX_DAYS, MAX_HOURS, count_history, daily_history
from groundswell.signatures.petition_sections import petition_json_fields, petition_sections_render
from groundswell.signatures.selectors import (
    channel_breakdown,
    coalition_figures,
    recent_public_signers,
)


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
    partner = partner_for_link(campaign=campaign, slug=request.GET.get("partner"))
    if form is None:
        form = SignatureForm(
            host=campaign.organization,
            partner=partner,
            initial={
                "source": clean_source_code(request.GET.get("source")),
                "partner": partner.slug if partner else "",
                "referral": clean_referral_code(request.GET.get("r")),
                "embed": embed,
                "text_version": campaign.text_version,
            },
        )
    now = timezone.now()
    # The organizers' translation of the words, when the visitor reads its language.
    shown = campaign_in_language(campaign=campaign, language=get_language())
    context: dict[str, Any] = {
        "campaign": shown.campaign,
        "translation": shown.translation,
        "translation_behind": shown.is_behind,
        "form": form,
        "cosponsors": campaign_partners_active(campaign=campaign),
        "accepting": campaign.accepts_signatures(now),
        "closed_message": campaign.signing_closed_message(now),
        "recent_signers": recent_public_signers(campaign=campaign),
        "preview": preview,
        "error": error,
        # Whoever shares from here passes on the partner who brought them.
        "share_url": share_url(
            page_url=request.build_absolute_uri(campaign.get_absolute_url()),
            partner_slug=partner.slug if partner else "",
        ),
        "share_image_url": request.build_absolute_uri(
            reverse("campaigns:petition_share_image", args=[campaign.slug])
        ),
    }
    if embed:
        return framable_by_partner_sites(
            render(request, "campaigns/embed.html", context, status=status)
        )
    context["sections"] = petition_sections_render(campaign=campaign)
    comments = list(public_comments(campaign=campaign)[: COMMENTS_ON_PETITION_PAGE + 1])
    context["comments"] = comments[:COMMENTS_ON_PETITION_PAGE]
    context["more_comments"] = len(comments) > COMMENTS_ON_PETITION_PAGE
    if not preview:
        daily = daily_history(campaign=campaign)
        context["history_chart"] = column_chart([(day_label(day), count) for day, count in daily])
    return render(request, "campaigns/petition.html", context, status=status)


# The signing form's referral field as the page without `?r=` renders it.
EMPTY_REFERRAL_FIELD = b'<input type="hidden" name="referral" id="id_referral">'


def petition(request: HttpRequest, slug: str) -> HttpResponse:
    """Every signer's share link carries its own `?r=` code: each would be a page of its own in
    the public page cache, and a viral link would miss it on every visit. So the page is the
    one cached without the code, and the code (checked: URL-safe characters only) is put into
    the form's hidden field."""
    raw = request.GET.get("r")
    # The cached page reads no `r` (`_petition_page` sees only the parameters it names).
    response = _petition_page(request, slug)
    if raw is None:
        return response
    code = clean_referral_code(raw)
    if code and response.status_code == 200 and not response.streaming:
        filled = EMPTY_REFERRAL_FIELD.replace(
            b' id="id_referral"', f' value="{code}" id="id_referral"'.encode()
        )
        response.content = response.content.replace(EMPTY_REFERRAL_FIELD, filled, 1)
    return response


@cached_public_page(query=("partner", "source"))
def _petition_page(request: HttpRequest, slug: str) -> HttpResponse:
    return render_petition(request, campaign_public_get(slug=slug))


def petition_embed(request: HttpRequest, slug: str) -> HttpResponse:
    """The signing form alone, for partners to frame on their own sites."""
    return render_petition(request, campaign_public_get(slug=slug), embed=True)


def petition_embed_thanks(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = campaign_public_get(slug=slug)
    # Its words as the embedded form showed them to this visitor.
    shown = campaign_in_language(campaign=campaign, language=get_language()).campaign
    return framable_by_partner_sites(
        render(request, "campaigns/embed_thanks.html", {"campaign": shown})
    )


@cached_public_page(query=())
def petition_json(request: HttpRequest, slug: str) -> JsonResponse:
    campaign = campaign_public_get(slug=slug)
    summary = campaign_public_summary(campaign=campaign)
    figures = coalition_figures(campaign=campaign)
    summary["partners"] = [
        {"slug": partner.slug, "name": partner.name, "signature_count": partner.signature_count}
        for partner in figures.partners
    ]
    summary["unattributed_count"] = figures.unattributed_count
    summary["channels"] = channel_breakdown(campaign=campaign)
    summary.update(petition_json_fields(campaign=campaign))
    response = JsonResponse(summary)
    response["Access-Control-Allow-Origin"] = "*"
    return response


def home(request: HttpRequest) -> HttpResponse:
    open_campaigns = list(campaigns_public_open())
    ended = campaigns_public_ended()
    # Every listed campaign's title in the reader's language, with one query for them all.
    listed = [*open_campaigns, *(campaign for group in ended.values() for campaign in group)]
    shown = {
        campaign.pk: campaign
        for campaign in campaigns_in_language(campaigns=listed, language=get_language())
    }
    context = {
        "campaigns": [shown[campaign.pk] for campaign in open_campaigns],
        "ended": {status: [shown[c.pk] for c in group] for status, group in ended.items()},
    }
    return render(request, "campaigns/home.html", context)


@cached_public_page(query=("page",))
def petition_comments(request: HttpRequest, slug: str) -> HttpResponse:
    """Every public "why I'm signing" comment, paginated."""
    campaign = campaign_public_get(slug=slug)
    page = public_comments_page(campaign=campaign, number=request.GET.get("page"))
    shown = campaign_in_language(campaign=campaign, language=get_language()).campaign
    return render(request, "signatures/comments.html", {"campaign": shown, "page": page})


def petition_history(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = campaign_public_get(slug=slug)
    context = {
        "kind": "petition",
        "title": campaign.title,
        "back_url": campaign.get_absolute_url(),
        "versions": campaign_versions_public(campaign=campaign),
    }
    return render(request, "letters/text_history.html", context)


def _logos(campaign: Campaign) -> list[bytes]:
    """The host's and the active partners' logos, as stored (unreadable files left out)."""
    organizations = [campaign.organization] + [
        partner.organization for partner in campaign_partners_active(campaign=campaign)
    ]
    logos = []
    for organization in organizations:
        if not organization.logo:
            continue
        try:
            with organization.logo.open("rb") as file:
                logos.append(file.read())
        except OSError:
            continue
    return logos


def petition_share_image(request: HttpRequest, slug: str) -> HttpResponse:
    """The link-preview picture (og:image): title, live count, coalition logos."""
    campaign = campaign_public_get(slug=slug)
    count = campaign.signature_count
    # The title the petition page's og:title gives this reader (a translation bumps updated_at).
    shown = campaign_in_language(campaign=campaign, language=get_language()).campaign

    def build() -> ShareImage:
        return ShareImage(
            title=shown.title,
            count_line=ngettext("%(count)s signature", "%(count)s signatures", count)
            % {"count": number_display(count)},
            subtitle=_("A petition to %(target)s") % {"target": campaign.target_line},
            logos=_logos(campaign),
        )

    png = share_image_cached(
        key=f"petition:{campaign.pk}:{get_language()}",
        fingerprint=f"{count}:{campaign.updated_at.isoformat()}",
        build=build,
    )
    response = HttpResponse(png, content_type="image/png")
    response["ETag"] = share_image_etag(png)
    patch_cache_control(response, public=True, max_age=max(settings.SHARE_IMAGE_SECONDS, 1))
    return response


def _poster_link(request: HttpRequest, campaign: Campaign) -> str:
    """The petition's address for print, with `?partner=` when one is asked for: an unknown
    partner is an error here (a poster printed with a mistyped code would lose its credit)."""
    slug = request.GET.get("partner", "")
    partner = partner_for_link(campaign=campaign, slug=slug) if slug else None
    if slug and partner is None:
        raise Http404("No such partner on this petition")
    return share_url(
        page_url=f"{settings.GROUNDSWELL_BASE_URL}{campaign.get_absolute_url()}",
        partner_slug=partner.slug if partner else "",
    )


def petition_qr(request: HttpRequest, slug: str) -> HttpResponse:
    """The petition's QR code (SVG), for a partner with `?partner=`."""
    campaign = campaign_public_get(slug=slug)
    shown = campaign_in_language(campaign=campaign, language=get_language()).campaign
    response = HttpResponse(
        qr_svg(url=_poster_link(request, campaign), title=shown.title),
        content_type="image/svg+xml",
    )
    patch_cache_control(response, public=True, max_age=3600)
    return response


def petition_poster(request: HttpRequest, slug: str) -> HttpResponse:
    """An A4 page to print: title, target, QR code and the address written out."""
    campaign = campaign_public_get(slug=slug)
    link = _poster_link(request, campaign)
    partner = request.GET.get("partner", "")
    context = {
        # The words in the reader's language when the organizers translated them: a poster
        # printed from the Spanish page is for Spanish readers.
        "campaign": campaign_in_language(campaign=campaign, language=get_language()).campaign,
        "link": link,
        "qr_url": reverse("campaigns:petition_qr", args=[campaign.slug])
        + (f"?{urlencode({'partner': partner})}" if partner else ""),
    }
    return render(request, "campaigns/poster.html", context)


@cached_public_page(query=("days", "hours"))
def petition_history_json(request: HttpRequest, slug: str) -> JsonResponse:
    """Confirmed signatures per day (`?days=`, 30 by default) and per hour (`?hours=`, 48)."""
    campaign = campaign_public_get(slug=slug)
    days = query_integer(request, "days", minimum=1, maximum=MAX_DAYS, default=30)
    hours = query_integer(request, "hours", minimum=1, maximum=MAX_HOURS, default=48)
    history = count_history(campaign=campaign, days=days, hours=hours)
    response = JsonResponse(
        {
            "slug": campaign.slug,
            "signature_count": campaign.signature_count,
            "daily": [{"date": day.isoformat(), "confirmed": n} for day, n in history.daily],
            "hourly": [{"hour": hour.isoformat(), "confirmed": n} for hour, n in history.hourly],
        }
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response
