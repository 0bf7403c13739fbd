"""Updates to signers: the list, composing (with the audience's recipient count), the preview,
a test to oneself, scheduling or sending, cancelling, and live progress.

Who may do what: every member of the sending organization sees its updates and their progress;
editors (EDITING_ROLES) write, test, schedule, send and cancel. A campaign's partner writes as its
own organization, to the signers who agreed to hear from it; the host's staff and a partner's
never see each other's updates.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from groundswell.accounts.models import EDITING_ROLES, Organization, Role, User
from groundswell.accounts.requests import MemberRequest
from groundswell.campaigns.models import Campaign
from groundswell.core.templatetags.numbers import number_display
from groundswell.events.models import Event
from groundswell.letters.models import Letter
from groundswell.organizer.confirmations import (
    Confirmation,
    update_cancel_confirmation,
    update_send_confirmation,
)
from groundswell.organizer.permissions import (
    campaign_for_member,
    event_for_member,
    letter_for_member,
    update_for_member,
)
from groundswell.updates.audiences import audiences_for
from groundswell.updates.forms import ScheduleForm, UpdateForm
from groundswell.updates.models import (
    CANCELLABLE_UPDATE_STATUSES,
    EDITABLE_UPDATE_STATUSES,
    SCHEDULABLE_UPDATE_STATUSES,
    Update,
    UpdateStatus,
)
from groundswell.updates.selectors import update_progress, updates_of
from groundswell.updates.services import (
    UpdateError,
    update_cancel,
    update_draft_create,
    update_edit,
    update_recipient_count,
    update_schedule,
    update_send_check,
    update_send_now,
    update_test_send,
    update_unschedule,
)

ALL_ROLES = frozenset(Role)


def _audience_choices(*, user: User, update: Update) -> list[tuple[str, str]]:
    """The audiences this person may pick for this update, each with its recipient count."""
    choices = []
    for audience in audiences_for(user=user, update=update):
        probe = Update(
            pk=update.pk,
            organization_id=update.organization_id,
            campaign=update.campaign,
            letter=update.letter,
            event=update.event,
            audience=audience.key,
            audience_parameters=update.audience_parameters,
        )
        count = update_recipient_count(update=probe)
        choices.append(
            (
                audience.key,
                _("%(label)s (%(count)s now)")
                % {"label": audience.label, "count": number_display(count)},
            )
        )
    return choices


@login_required
def campaign_updates(request: MemberRequest, slug: str) -> HttpResponse:
    access = campaign_for_member(user=request.user, slug=slug, roles=ALL_ROLES, partners=True)
    organization = access.partner.organization if access.partner else access.campaign.organization
    context = {
        "about": access.campaign,
        "organization": organization,
        "updates": list(updates_of(organization=organization, campaign=access.campaign)[:100]),
        "new_url_name": "organizer:campaign_update_new",
        "back_url_name": "organizer:campaign",
        "can_edit": access.role in EDITING_ROLES,
    }
    return render(request, "updates/organizer/list.html", context)


@login_required
def letter_updates(request: MemberRequest, slug: str) -> HttpResponse:
    letter, role = letter_for_member(user=request.user, slug=slug, roles=ALL_ROLES)
    context = {
        "about": letter,
        "organization": letter.organization,
        "updates": list(updates_of(organization=letter.organization, letter=letter)[:100]),
        "new_url_name": "organizer:letter_update_new",
        "back_url_name": "organizer:letter",
        "can_edit": role in EDITING_ROLES,
    }
    return render(request, "updates/organizer/list.html", context)


def _compose(
    request: MemberRequest,
    *,
    organization: Organization,
    campaign: Campaign | None,
    letter: Letter | None,
    event: Event | None = None,
) -> HttpResponse:
    blank = Update(organization=organization, campaign=campaign, letter=letter, event=event)
    audiences = _audience_choices(user=request.user, update=blank)
    form = UpdateForm(request.POST if request.method == "POST" else None, audiences=audiences)
    if request.method == "POST" and form.is_valid():
        try:
            update = update_draft_create(
                organization=organization,
                campaign=campaign,
                letter=letter,
                event=event,
                subject=form.cleaned_data["subject"],
                body_markdown=form.cleaned_data["body_markdown"],
                audience=form.cleaned_data["audience"],
                created_by=request.user,
            )
        except UpdateError as error:
            form.add_error(None, str(error))
        else:
            return redirect("organizer:update", update_id=update.pk)
    if campaign is not None:
        back_url = reverse("organizer:campaign_updates", kwargs={"slug": campaign.slug})
    elif letter is not None:
        back_url = reverse("organizer:letter_updates", kwargs={"slug": letter.slug})
    else:
        back_url = reverse("organizer:event", kwargs={"slug": event.slug if event else ""})
    context = {
        "form": form,
        "about": campaign or letter or event,
        "organization": organization,
        "back_url": back_url,
    }
    return render(
        request, "updates/organizer/form.html", context, status=400 if form.errors else 200
    )


@login_required
@require_http_methods(["GET", "POST"])
def campaign_update_new(request: MemberRequest, slug: str) -> HttpResponse:
    access = campaign_for_member(user=request.user, slug=slug, roles=EDITING_ROLES, partners=True)
    organization = access.partner.organization if access.partner else access.campaign.organization
    return _compose(request, organization=organization, campaign=access.campaign, letter=None)


@login_required
@require_http_methods(["GET", "POST"])
def letter_update_new(request: MemberRequest, slug: str) -> HttpResponse:
    letter, _role = letter_for_member(user=request.user, slug=slug, roles=EDITING_ROLES)
    return _compose(request, organization=letter.organization, campaign=None, letter=letter)


@login_required
@require_http_methods(["GET", "POST"])
def event_update_new(request: MemberRequest, slug: str) -> HttpResponse:
    """An update to an event's attendees (the thank-you after it), from the host or a co-host,
    each to the people who agreed to hear from it."""
    access = event_for_member(user=request.user, slug=slug, roles=EDITING_ROLES, co_hosts=True)
    return _compose(
        request, organization=access.organization, campaign=None, letter=None, event=access.event
    )


@login_required
def update_detail(request: MemberRequest, update_id: int) -> HttpResponse:
    update, role = update_for_member(user=request.user, update_id=update_id, roles=ALL_ROLES)
    can_edit = role in EDITING_ROLES
    pending = update.status in SCHEDULABLE_UPDATE_STATUSES
    context = {
        "update": update,
        "about": update.campaign or update.letter or update.event,
        "can_edit": can_edit,
        "editable": update.status in EDITABLE_UPDATE_STATUSES
        or update.status == UpdateStatus.SCHEDULED,
        "schedulable": pending,
        "cancellable": update.status in CANCELLABLE_UPDATE_STATUSES,
        "recipient_count": update_recipient_count(update=update) if pending else None,
        "progress": update_progress(update=update),
        "schedule_form": ScheduleForm(),
    }
    return render(request, "updates/organizer/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def update_change(request: MemberRequest, update_id: int) -> HttpResponse:
    update, _role = update_for_member(user=request.user, update_id=update_id, roles=EDITING_ROLES)
    audiences = _audience_choices(user=request.user, update=update)
    initial = {
        "subject": update.subject,
        "body_markdown": update.body_markdown,
        "audience": update.audience,
    }
    form = UpdateForm(
        request.POST if request.method == "POST" else None, initial=initial, audiences=audiences
    )
    if request.method == "POST" and form.is_valid():
        try:
            # A scheduled update goes back to a draft to be changed, and stays scheduled if the
            # change is refused.
            with transaction.atomic():
                if update.status == UpdateStatus.SCHEDULED:
                    update_unschedule(update=update)
                update_edit(
                    update=update,
                    user=request.user,
                    subject=form.cleaned_data["subject"],
                    body_markdown=form.cleaned_data["body_markdown"],
                    audience=form.cleaned_data["audience"],
                )
        except UpdateError as error:
            update.refresh_from_db()
            form.add_error(None, str(error))
        else:
            return redirect("organizer:update", update_id=update.pk)
    context = {
        "form": form,
        "update": update,
        "about": update.campaign or update.letter or update.event,
        "organization": update.organization,
        "back_url": reverse("organizer:update", kwargs={"update_id": update.pk}),
    }
    return render(
        request, "updates/organizer/form.html", context, status=400 if form.errors else 200
    )


def _done(
    request: MemberRequest, update: Update, error: UpdateError | None, ok: str
) -> HttpResponse:
    if error is None:
        messages.success(request, ok)
    else:
        messages.error(request, str(error))
    return redirect("organizer:update", update_id=update.pk)


@login_required
@require_POST
def update_test(request: MemberRequest, update_id: int) -> HttpResponse:
    update, _role = update_for_member(user=request.user, update_id=update_id, roles=EDITING_ROLES)
    try:
        update_test_send(update=update, to=request.user.email)
    except UpdateError as error:
        return _done(request, update, error, "")
    return _done(
        request,
        update,
        None,
        _("A test was sent to %(address)s.") % {"address": request.user.email},
    )


@login_required
@require_POST
def update_schedule_view(request: MemberRequest, update_id: int) -> HttpResponse:
    update, _role = update_for_member(user=request.user, update_id=update_id, roles=EDITING_ROLES)
    form = ScheduleForm(request.POST)
    if not form.is_valid():
        return _done(request, update, UpdateError(_("Pick a date and time to send at.")), "")
    try:
        update_schedule(update=update, at=form.cleaned_data["at"], user=request.user)
    except UpdateError as error:
        return _done(request, update, error, "")
    return _done(request, update, None, _("The update is scheduled."))


def _confirm(request: MemberRequest, update: Update, confirmation: Confirmation) -> HttpResponse:
    back_to = reverse("organizer:update", kwargs={"update_id": update.pk})
    context = {"confirmation": confirmation, "back_to": back_to}
    return render(request, "organizer/confirm.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def update_send(request: MemberRequest, update_id: int) -> HttpResponse:
    """GET: the confirmation page, saying how many it goes to; POST: sending."""
    update, _role = update_for_member(user=request.user, update_id=update_id, roles=EDITING_ROLES)
    if request.method == "GET":
        try:
            recipient_count = update_send_check(update=update, user=request.user)
        except UpdateError as error:
            return _done(request, update, error, "")
        confirmation = update_send_confirmation(
            subject=update.subject, recipient_count=recipient_count
        )
        return _confirm(request, update, confirmation)
    try:
        update_send_now(update=update, user=request.user)
    except UpdateError as error:
        return _done(request, update, error, "")
    return _done(request, update, None, _("Sending has started."))


@login_required
@require_http_methods(["GET", "POST"])
def update_cancel_view(request: MemberRequest, update_id: int) -> HttpResponse:
    """GET: the confirmation page, saying what stops; POST: cancelling."""
    update, _role = update_for_member(user=request.user, update_id=update_id, roles=EDITING_ROLES)
    if request.method == "GET":
        if update.status not in CANCELLABLE_UPDATE_STATUSES:
            gone = UpdateError(_("This update was already sent or cancelled."))
            return _done(request, update, gone, "")
        confirmation = update_cancel_confirmation(
            subject=update.subject, sending=update.status == UpdateStatus.SENDING
        )
        return _confirm(request, update, confirmation)
    try:
        update_cancel(update=update)
    except UpdateError as error:
        return _done(request, update, error, "")
    return _done(request, update, None, _("The update is cancelled."))


@login_required
@never_cache
def update_progress_json(request: MemberRequest, update_id: int) -> JsonResponse:
    update, _role = update_for_member(user=request.user, update_id=update_id, roles=ALL_ROLES)
    return JsonResponse(update_progress(update=update))
