"""The campaign's story, from the back office: the target's responses, the outcome (won or
lost, with a note) and the milestones organizers are told about. Same roles as editing the
campaign; partners' staff never reach these pages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from groundswell.accounts.models import EDITING_ROLES, User
from groundswell.accounts.requests import MemberRequest
from groundswell.campaigns.milestones import milestones_configure, milestones_reached
from groundswell.campaigns.models import TargetResponse
from groundswell.campaigns.responses import (
    target_response_delete,
    target_response_get,
    target_response_record,
    target_response_update,
    target_responses,
)
from groundswell.campaigns.services import CampaignTransitionError, campaign_outcome_set
from groundswell.organizer.confirmations import target_response_deletion_confirmation
from groundswell.organizer.forms import MilestonesForm, OutcomeForm, TargetResponseForm
from groundswell.organizer.permissions import campaign_for_member
from groundswell.updates.audiences import HOST_SIGNERS
from groundswell.updates.models import Update
from groundswell.updates.services import update_draft_create


@login_required
def responses(request: MemberRequest, slug: str) -> HttpResponse:
    """The responses recorded so far, and the form to record one more."""
    campaign = campaign_for_member(user=request.user, slug=slug, roles=EDITING_ROLES).campaign
    form = TargetResponseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        draft_update = fields.pop("draft_update")
        try:
            response = target_response_record(campaign=campaign, recorded_by=request.user, **fields)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Response recorded."))
            if draft_update:
                update = response_update_draft(response=response, user=request.user)
                return redirect("organizer:update_edit", update_id=update.pk)
            return redirect("organizer:campaign_responses", slug=slug)
    context = {
        "campaign": campaign,
        "form": form,
        "responses": target_responses(campaign=campaign),
    }
    return render(
        request, "organizer/campaign_responses.html", context, status=400 if form.errors else 200
    )


@login_required
def response_edit(request: MemberRequest, slug: str, response_id: int) -> HttpResponse:
    campaign = campaign_for_member(user=request.user, slug=slug, roles=EDITING_ROLES).campaign
    response = target_response_get(campaign=campaign, response_id=response_id)
    form = TargetResponseForm(request.POST or None, instance=response)
    del form.fields["draft_update"]  # a correction is not news
    if request.method == "POST" and form.is_valid():
        try:
            target_response_update(response=response, data=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Response corrected."))
            return redirect("organizer:campaign_responses", slug=slug)
    context = {"campaign": campaign, "form": form, "response": response}
    return render(
        request,
        "organizer/campaign_response_form.html",
        context,
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def response_delete(request: MemberRequest, slug: str, response_id: int) -> HttpResponse:
    """GET: the confirmation page, naming the response; POST: the deletion."""
    campaign = campaign_for_member(user=request.user, slug=slug, roles=EDITING_ROLES).campaign
    response = target_response_get(campaign=campaign, response_id=response_id)
    if request.method == "GET":
        confirmation = target_response_deletion_confirmation(
            responder_name=response.responder_name, responded_at=response.responded_at
        )
        back_to = reverse("organizer:campaign_responses", args=[slug])
        context = {"confirmation": confirmation, "back_to": back_to}
        return render(request, "organizer/confirm.html", context)
    target_response_delete(response=response)
    messages.success(request, _("Response deleted."))
    return redirect("organizer:campaign_responses", slug=slug)


@login_required
def outcome(request: MemberRequest, slug: str) -> HttpResponse:
    campaign = campaign_for_member(user=request.user, slug=slug, roles=EDITING_ROLES).campaign
    initial = {"outcome": campaign.status, "note": campaign.outcome_note}
    form = OutcomeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            campaign_outcome_set(
                campaign=campaign,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
            )
        except (CampaignTransitionError, ValidationError) as error:
            form.add_error(
                None, error.messages if isinstance(error, ValidationError) else str(error)
            )
        else:
            messages.success(request, _("The outcome is on the petition page."))
            return redirect("organizer:campaign", slug=slug)
    context = {"campaign": campaign, "form": form}
    return render(
        request, "organizer/campaign_outcome.html", context, status=400 if form.errors else 200
    )


@login_required
def milestones(request: MemberRequest, slug: str) -> HttpResponse:
    campaign = campaign_for_member(user=request.user, slug=slug, roles=EDITING_ROLES).campaign
    initial = {
        "thresholds": ", ".join(str(n) for n in campaign.milestone_thresholds),
        "goal_auto_raise": campaign.goal_auto_raise,
    }
    form = MilestonesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            milestones_configure(
                campaign=campaign,
                thresholds=form.cleaned_data["thresholds"],
                goal_auto_raise=form.cleaned_data["goal_auto_raise"],
            )
        except ValidationError as error:
            form.add_error("thresholds", error)
        else:
            messages.success(request, _("Milestones saved."))
            return redirect("organizer:campaign_milestones", slug=slug)
    context = {
        "campaign": campaign,
        "form": form,
        "thresholds": campaign.milestones(),
        "reached": milestones_reached(campaign=campaign),
    }
    return render(
        request, "organizer/campaign_milestones.html", context, status=400 if form.errors else 200
    )


def response_update_draft(*, response: TargetResponse, user: User) -> Update:
    """A draft update from the host to its consenting signers, quoting the response."""
    lines = [f"> {line}" for line in response.quote.splitlines()] if response.quote else []
    if response.source_url:
        lines += ["", f"[{_('Where they said it')}]({response.source_url})"]
    return update_draft_create(
        organization=response.campaign.organization,
        campaign=response.campaign,
        subject=_("%(name)s responded to our petition") % {"name": response.responder_name},
        body_markdown="\n".join(lines) or response.responder_name,
        audience=HOST_SIGNERS,
        created_by=user,
    )
