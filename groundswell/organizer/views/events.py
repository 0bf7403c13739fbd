"""The organizer's event pages: the list, the editor, publishing, cancelling and finishing, the
delivery an event made, the RSVP list and its export, and the check-in page for the door.

Who may do what:
- every member of the host organization (viewers too) sees the event and its counts;
- editors (EDITING_ROLES) create, edit and move events, and record their delivery;
- roles that see personal data (PERSONAL_DATA_ROLES) see the RSVP list and run the door;
- each organization (host or co-host) exports only the RSVPs who agreed to hear from it;
- a co-host's staff in those roles run the door too (`event_for_door`), and nothing else of
  the host's: the door shows names and places, never addresses;
- a co-host's staff see nothing of a draft; a co-host the host removed from the campaign's
  partners loses the door and the thank-you, and keeps its own consenting RSVPs.
"""

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from groundswell.accounts.models import EDITING_ROLES, PERSONAL_DATA_ROLES, Organization, Role
from groundswell.accounts.requests import MemberRequest
from groundswell.accounts.selectors import organizations_for_user
from groundswell.campaigns.models import Campaign
from groundswell.coalitions.models import Partner
from groundswell.core.exports import csv_response
from groundswell.delivery.selectors import deliveries_for_campaign
from groundswell.events.forms import (
    EventDeliveryForm,
    EventForm,
    WalkInForm,
    consented_organization_ids,
)
from groundswell.events.models import EVENT_TRANSITIONS, Event
from groundswell.events.selectors import (
    RSVP_EXPORT_COLUMNS,
    door_counts,
    event_co_hosts,
    event_co_hosts_ended,
    events_co_hosted_at_the_door,
    events_for_organizations,
    rsvps_for_event,
    rsvps_for_export,
    rsvps_search,
    waitlist_count,
)
from groundswell.events.services.events import (
    EventError,
    event_create,
    event_delivery_link,
    event_transition,
    event_update,
)
from groundswell.events.services.notices import event_when
from groundswell.events.services.rsvps import (
    CheckinOutcome,
    CheckinRefused,
    RsvpError,
    rsvp_cancel_by_organizers,
    rsvp_check_in,
    rsvp_check_in_by_code,
    rsvp_consent_organizations,
    rsvp_walk_in_add,
)
from groundswell.organizer.permissions import event_door_open_to, event_for_door, event_for_member
from groundswell.updates.selectors import updates_of

ALL_ROLES = frozenset(Role)


def _campaigns(organization_ids: list[int]) -> QuerySet[Campaign]:
    return Campaign.objects.filter(organization_id__in=organization_ids).order_by("title")


def _co_host_choices(
    organization_ids: list[int], co_hosts_ended: list[int] | None = None
) -> QuerySet[Organization]:
    """Organizations that are partners of one of these organizations' campaigns, and the
    event's co-hosts whose partnership ended (`co_hosts_ended`: kept until the host unticks
    them); the services check that each co-host is a partner of the event's own campaign."""
    partner_ids = Partner.objects.filter(
        campaign__organization_id__in=organization_ids, removed_at__isnull=True
    ).values("organization_id")
    return Organization.objects.filter(
        Q(pk__in=partner_ids) | Q(pk__in=co_hosts_ended or [])
    ).order_by("name")


class NewEventForm(EventForm):
    organization = forms.ModelChoiceField(
        label=gettext_lazy("Host organization"), queryset=Organization.objects.none()
    )

    def __init__(self, *args: Any, organizations: QuerySet[Organization], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations  # type: ignore[attr-defined]
        self.order_fields(["organization"])


def _event_data(form: EventForm) -> dict[str, object]:
    data = dict(form.cleaned_data)
    data.pop("co_hosts", None)
    data.pop("organization", None)
    return data


@login_required
def event_list(request: MemberRequest) -> HttpResponse:
    organization_ids = list(
        organizations_for_user(user=request.user, roles=ALL_ROLES).values_list("pk", flat=True)
    )
    door_organization_ids = list(
        organizations_for_user(user=request.user, roles=PERSONAL_DATA_ROLES).values_list(
            "pk", flat=True
        )
    )
    context = {
        "events": list(events_for_organizations(organization_ids=organization_ids)),
        "co_hosted_events": list(
            events_co_hosted_at_the_door(
                organization_ids=door_organization_ids, hosts_left_out=organization_ids
            )
        ),
        "can_create": organizations_for_user(user=request.user, roles=EDITING_ROLES).exists(),
    }
    return render(request, "events/organizer/event_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def event_new(request: MemberRequest) -> HttpResponse:
    organizations = organizations_for_user(user=request.user, roles=EDITING_ROLES)
    organization_ids = list(organizations.values_list("pk", flat=True))
    if not organization_ids:
        messages.error(request, _("Only organizers of an organization can create events."))
        return redirect("organizer:event_list")
    form = NewEventForm(
        request.POST or None,
        organizations=organizations,
        campaigns=_campaigns(organization_ids),
        co_host_choices=_co_host_choices(organization_ids),
    )
    if request.method == "POST" and form.is_valid():
        if Event.objects.filter(slug=form.cleaned_data["slug"]).exists():
            form.add_error("slug", _("Another event already has this web address."))
        else:
            try:
                event = event_create(
                    organization=form.cleaned_data["organization"],
                    data=_event_data(form),
                    co_hosts=form.cleaned_data["co_hosts"],
                )
            except EventError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Event created as a draft."))
                return redirect("organizer:event", slug=event.slug)
    status = 400 if request.method == "POST" else 200
    return render(request, "events/organizer/event_form.html", {"form": form}, status=status)


@login_required
def event_detail(request: MemberRequest, slug: str) -> HttpResponse:
    access = event_for_member(user=request.user, slug=slug, roles=ALL_ROLES, co_hosts=True)
    event = access.event
    sees_people = access.role in PERSONAL_DATA_ROLES and access.is_host
    context = {
        "event": event,
        "access": access,
        "when": event_when(event),
        "co_hosts": event_co_hosts(event=event),
        "counts": door_counts(event=event),
        "waitlist_places": waitlist_count(event=event),
        "rsvps": list(rsvps_for_event(event=event)[:500]) if sees_people else [],
        "sees_people": sees_people,
        "can_run_door": access.role in PERSONAL_DATA_ROLES and event_door_open_to(access=access),
        "can_edit": access.role in EDITING_ROLES and access.is_host,
        "can_export": access.role in PERSONAL_DATA_ROLES,
        # The viewer's own organization's updates about the event (its thank-you), whoever
        # wrote or scheduled them: the organization sends them, and any of its editors stops one.
        "updates": list(updates_of(organization=access.organization, event=event)[:20]),
        "actions": [
            action for action, (starts, _end) in EVENT_TRANSITIONS.items() if event.status in starts
        ],
        "delivery_form": EventDeliveryForm(
            initial={"delivery": event.delivery_id},
            deliveries=deliveries_for_campaign(campaign=event.campaign)
            if event.campaign
            else Event.objects.none(),
        ),
    }
    return render(request, "events/organizer/event_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request: MemberRequest, slug: str) -> HttpResponse:
    event = event_for_member(user=request.user, slug=slug, roles=EDITING_ROLES).event
    organization_ids = [event.organization_id]
    co_hosts_ended = list(event_co_hosts_ended(event=event).values_list("pk", flat=True))
    form = EventForm(
        request.POST or None,
        initial=EventForm.initial_from(event),
        campaigns=_campaigns(organization_ids),
        co_host_choices=_co_host_choices(organization_ids, co_hosts_ended),
        co_hosts_ended=co_hosts_ended,
    )
    if request.method == "POST" and form.is_valid():
        if Event.objects.filter(slug=form.cleaned_data["slug"]).exclude(pk=event.pk).exists():
            form.add_error("slug", _("Another event already has this web address."))
        else:
            try:
                event = event_update(
                    event=event, data=_event_data(form), co_hosts=form.cleaned_data["co_hosts"]
                )
            except EventError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Event saved."))
                return redirect("organizer:event", slug=event.slug)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "event": event}
    return render(request, "events/organizer/event_form.html", context, status=status)


@login_required
@require_POST
def event_action(request: MemberRequest, slug: str, action: str) -> HttpResponse:
    event = event_for_member(user=request.user, slug=slug, roles=EDITING_ROLES).event
    try:
        event = event_transition(event=event, action=action)
    except EventError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("The event is now %(status)s.") % {"status": event.get_status_display()}
        )
    return redirect("organizer:event", slug=event.slug)


@login_required
@require_POST
def event_delivery(request: MemberRequest, slug: str) -> HttpResponse:
    event = event_for_member(user=request.user, slug=slug, roles=EDITING_ROLES).event
    form = EventDeliveryForm(
        request.POST,
        deliveries=deliveries_for_campaign(campaign=event.campaign)
        if event.campaign
        else Event.objects.none(),
    )
    if not form.is_valid():
        messages.error(request, _("Pick one of the campaign's deliveries."))
    else:
        try:
            event_delivery_link(event=event, delivery=form.cleaned_data["delivery"])
        except EventError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Delivery recorded."))
    return redirect("organizer:event", slug=event.slug)


@login_required
def event_rsvps_export(request: MemberRequest, slug: str) -> StreamingHttpResponse:
    """RSVPs who agreed that the viewer's own organization (host or co-host) may contact them."""
    access = event_for_member(
        user=request.user, slug=slug, roles=PERSONAL_DATA_ROLES, co_hosts=True
    )
    return csv_response(
        filename=f"{access.event.slug}-{access.organization.slug}-rsvps.csv",
        header=RSVP_EXPORT_COLUMNS,
        rows=rsvps_for_export(event=access.event, organization_id=access.organization.pk),
    )


@login_required
@require_POST
def event_rsvp_cancel(request: MemberRequest, slug: str, rsvp_id: int) -> HttpResponse:
    event = event_for_member(user=request.user, slug=slug, roles=EDITING_ROLES).event
    try:
        rsvp = rsvp_cancel_by_organizers(event=event, rsvp_id=rsvp_id)
    except RsvpError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("The RSVP of %(name)s is cancelled; they were told.") % {"name": rsvp.name}
        )
    return redirect("organizer:event", slug=event.slug)


# The door.


def _wants_json(request: MemberRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _checkin_message(outcome: CheckinOutcome) -> str:
    if outcome.already:
        return _("%(name)s was already checked in.") % {"name": outcome.rsvp.name}
    return _("%(name)s is checked in (%(places)s places).") % {
        "name": outcome.rsvp.name,
        "places": outcome.rsvp.places,
    }


@login_required
@require_http_methods(["GET", "POST"])
def event_checkin(request: MemberRequest, slug: str) -> HttpResponse:
    """Search by name and tick people in, or type or scan a check-in code (POST `code`, or
    `rsvp` for a ticked name). The scanner posts with Accept: application/json."""
    event = event_for_door(user=request.user, slug=slug, roles=PERSONAL_DATA_ROLES).event
    if request.method == "POST":
        try:
            if request.POST.get("rsvp", "").isdigit():
                outcome = rsvp_check_in(event=event, rsvp_id=int(request.POST["rsvp"]))
            else:
                outcome = rsvp_check_in_by_code(event=event, code=request.POST.get("code", ""))
        except CheckinRefused as error:
            if _wants_json(request):
                return JsonResponse({"ok": False, "message": str(error)}, status=409)
            messages.error(request, str(error))
        else:
            message = _checkin_message(outcome)
            if _wants_json(request):
                return JsonResponse({"ok": True, "message": message})
            messages.success(request, message)
        query = " ".join(request.POST.get("q", "").split())[:100]
        target = f"?{urlencode({'q': query})}" if query else ""
        return redirect(f"{request.path}{target}")
    query = " ".join(request.GET.get("q", "").split())[:100]
    organizations = rsvp_consent_organizations(event=event)
    context = {
        "event": event,
        "query": query,
        "results": rsvps_search(event=event, query=query),
        "counts": door_counts(event=event),
        "walk_in_form": WalkInForm(consent_organizations=organizations),
    }
    return render(request, "events/organizer/checkin.html", context)


CHECKIN_WARNING = "events/organizer/_checkin_full.html"


@login_required
def event_checkin_counts(request: MemberRequest, slug: str) -> JsonResponse:
    event = event_for_door(user=request.user, slug=slug, roles=PERSONAL_DATA_ROLES).event
    counts = door_counts(event=event)
    # The full / over-capacity warning as the page shows it (empty when there is room), so that
    # the polling page keeps it as current as the figures.
    warning = render_to_string(CHECKIN_WARNING, {"counts": counts}, request=request).strip()
    response = JsonResponse({**counts.as_json(), "warning": warning})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def event_walk_in(request: MemberRequest, slug: str) -> HttpResponse:
    event = event_for_door(user=request.user, slug=slug, roles=PERSONAL_DATA_ROLES).event
    form = WalkInForm(request.POST, consent_organizations=rsvp_consent_organizations(event=event))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("organizer:event_checkin", slug=event.slug)
    try:
        outcome = rsvp_walk_in_add(
            event=event,
            name=form.cleaned_data["name"],
            email=form.cleaned_data["email"],
            consent_organization_ids=consented_organization_ids(form),
            language=translation.get_language() or "",
        )
    except CheckinRefused as error:  # their address's RSVP is waitlisted or cancelled
        messages.error(request, str(error))
        return redirect("organizer:event_checkin", slug=event.slug)
    if outcome.rsvp.walk_in and not outcome.already:
        messages.success(request, _("%(name)s added and checked in.") % {"name": outcome.rsvp.name})
    else:
        messages.success(request, _checkin_message(outcome))
    return redirect("organizer:event_checkin", slug=event.slug)
