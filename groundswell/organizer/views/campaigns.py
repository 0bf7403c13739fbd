from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from groundswell.accounts.models import EDITING_ROLES, PERSONAL_DATA_ROLES, Role
from groundswell.accounts.requests import MemberRequest
from groundswell.accounts.selectors import organizations_for_user
from groundswell.campaigns.selectors import campaigns_for_user
from groundswell.campaigns.services import (
    CampaignTransitionError,
    campaign_available_actions,
    campaign_create,
    campaign_transition,
)
from groundswell.campaigns.translations import (
    campaign_translation_get,
    campaign_translation_save,
    translation_languages,
)
from groundswell.core.exports import csv_response
from groundswell.core.outbox import outbound_email_failures
from groundswell.core.text_versions import TextVersionError
from groundswell.organizer.charts import CHART_HEIGHT, CHART_WIDTH, daily_chart
from groundswell.organizer.confirmations import campaign_action_confirmation
from groundswell.organizer.forms import CampaignForm, CampaignTranslationForm, NewCampaignForm
from groundswell.organizer.permissions import campaign_for_member
from groundswell.signatures.petition_views import render_petition
from groundswell.signatures.selectors import (
    EXPORT_COLUMNS,
    daily_confirmed_counts,
    pending_signature_count,
    signatures_for_export,
)
from groundswell.signatures.services import petition_update
from groundswell.signatures.version_notices import (
    version_notice_pending_count,
    version_notices_start,
)

ALL_ROLES = frozenset(Role)


@login_required
def dashboard(request: MemberRequest) -> HttpResponse:
    campaigns = campaigns_for_user(user=request.user)
    can_create = organizations_for_user(user=request.user, roles=EDITING_ROLES).exists()
    context = {
        "campaigns": campaigns,
        "can_create": can_create,
        "organizations": organizations_for_user(user=request.user, roles=ALL_ROLES),
    }
    return render(request, "organizer/dashboard.html", context)


@login_required
def campaign_new(request: MemberRequest) -> HttpResponse:
    organizations = organizations_for_user(user=request.user, roles=EDITING_ROLES)
    if not organizations.exists():
        messages.error(request, _("You need to be an organizer of an organization to do that."))
        return redirect("organizer:dashboard")
    form = NewCampaignForm(request.POST or None, organizations=organizations)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        campaign = campaign_create(organization=data.pop("organization"), data=data)
        messages.success(request, _("Draft saved. Preview it, then publish when ready."))
        return redirect("organizer:campaign", slug=campaign.slug)
    return render(request, "organizer/campaign_form.html", {"form": form, "campaign": None})


@login_required
def campaign_detail(request: MemberRequest, slug: str) -> HttpResponse:
    access = campaign_for_member(user=request.user, slug=slug, roles=ALL_ROLES, partners=True)
    if not access.is_host:
        return redirect("organizer:campaign_contribution", slug=slug)
    campaign, role = access.campaign, access.role
    counts = daily_confirmed_counts(campaign=campaign, days=30, today=timezone.localdate())
    context = {
        "campaign": campaign,
        "pending_count": pending_signature_count(campaign=campaign),
        "chart": daily_chart(counts),
        "chart_width": CHART_WIDTH,
        "chart_height": CHART_HEIGHT,
        "actions": campaign_available_actions(campaign=campaign),
        "can_edit": role in EDITING_ROLES,
        "can_export": role in PERSONAL_DATA_ROLES,
        "version_notices_pending": version_notice_pending_count(campaign=campaign)
        if campaign.text_version > 1
        else 0,
        "email_failures": outbound_email_failures(campaign_id=campaign.pk),
        "translation_languages": translation_languages(),
    }
    return render(request, "organizer/campaign_detail.html", context)


@login_required
def campaign_edit(request: MemberRequest, slug: str) -> HttpResponse:
    campaign = campaign_for_member(user=request.user, slug=slug, roles=EDITING_ROLES).campaign
    form = CampaignForm(request.POST or None, instance=campaign)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        change_note = data.pop("change_note", "")
        try:
            campaign = petition_update(campaign=campaign, data=data, change_note=change_note)
        except TextVersionError as error:
            form.add_error("change_note", str(error))
        except ValidationError as error:  # e.g. published meanwhile, and the address changed
            form.add_error(None, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("organizer:campaign", slug=campaign.slug)
    return render(request, "organizer/campaign_form.html", {"form": form, "campaign": campaign})


@login_required
def campaign_preview(request: MemberRequest, slug: str) -> HttpResponse:
    campaign = campaign_for_member(user=request.user, slug=slug, roles=ALL_ROLES).campaign
    return render_petition(request, campaign, preview=True)


@login_required
@require_http_methods(["GET", "POST"])
def campaign_action(request: MemberRequest, slug: str, action: str) -> HttpResponse:
    """GET: the confirmation page, naming what the change does; POST: the change."""
    campaign = campaign_for_member(user=request.user, slug=slug, roles=EDITING_ROLES).campaign
    if request.method == "GET":
        confirmation = campaign_action_confirmation(action=action, title=campaign.title)
        if confirmation is None or action not in campaign_available_actions(campaign=campaign):
            raise Http404
        back_to = reverse("organizer:campaign", args=[campaign.slug])
        context = {"confirmation": confirmation, "back_to": back_to}
        return render(request, "organizer/confirm.html", context)
    try:
        campaign_transition(campaign=campaign, action=action)
    except CampaignTransitionError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("The campaign is now %(status)s.") % {"status": campaign.get_status_display()},
        )
    return redirect("organizer:campaign", slug=campaign.slug)


@login_required
@require_POST
def campaign_version_notices(request: MemberRequest, slug: str) -> HttpResponse:
    campaign = campaign_for_member(user=request.user, slug=slug, roles=EDITING_ROLES).campaign
    pending = version_notice_pending_count(campaign=campaign)
    if pending:
        version_notices_start(campaign=campaign)
        messages.success(
            request,
            _("Telling %(count)s signers of earlier versions about the new text.")
            % {"count": pending},
        )
    else:
        messages.info(request, _("Every signer already knows of the current text."))
    return redirect("organizer:campaign", slug=slug)


@login_required
def campaign_export(request: MemberRequest, slug: str) -> StreamingHttpResponse:
    campaign = campaign_for_member(user=request.user, slug=slug, roles=PERSONAL_DATA_ROLES).campaign
    return csv_response(
        filename=f"{campaign.slug}-signatures.csv",
        header=EXPORT_COLUMNS,
        rows=signatures_for_export(campaign=campaign),
    )


@login_required
def campaign_translation(request: MemberRequest, slug: str, language: str) -> HttpResponse:
    """The petition's words in `language`, written by the organizers beside the original."""
    campaign = campaign_for_member(user=request.user, slug=slug, roles=EDITING_ROLES).campaign
    languages = dict(translation_languages())
    if language not in languages:
        raise Http404
    existing = campaign_translation_get(campaign=campaign, language=language)
    data = request.POST if request.method == "POST" else None
    form = CampaignTranslationForm(data, instance=existing)
    if request.method == "POST" and form.is_valid():
        campaign_translation_save(
            campaign=campaign,
            language=language,
            title=form.cleaned_data["title"],
            ask=form.cleaned_data["ask"],
            background=form.cleaned_data["background"],
        )
        messages.success(
            request,
            _("The %(language)s version is saved; visitors reading %(language)s now see it.")
            % {"language": languages[language]},
        )
        return redirect("organizer:campaign", slug=campaign.slug)
    context = {
        "campaign": campaign,
        "form": form,
        "language": language,
        "language_name": languages[language],
        "translation": existing,
    }
    return render(
        request,
        "organizer/campaign_translation.html",
        context,
        status=400 if form.errors else 200,
    )
