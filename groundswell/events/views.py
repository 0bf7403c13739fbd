"""Public pages of events: the page and its JSON, its calendar file, RSVPs (form, confirmation
link, the RSVP's own page with its QR code and calendar file, cancellation)."""

import io

import segno
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_http_methods

from groundswell.campaigns.translations import campaign_in_language
from groundswell.core.bot_friction import submission_is_automated
from groundswell.core.http import client_address
from groundswell.core.qr_codes import qr_svg
from groundswell.core.ratelimit import rate_limit_exceeded
from groundswell.events.calendars import event_ics, google_calendar_url, outlook_calendar_url
from groundswell.events.forms import EVENT_FORM, RsvpForm, consented_organization_ids
from groundswell.events.links import rsvp_ticket_path
from groundswell.events.models import CONFIRMABLE_RSVP_STATUSES, Event, Rsvp, RsvpStatus
from groundswell.events.selectors import (
    event_co_hosts,
    event_public_get,
    event_public_summary,
    event_published_get,
    waitlist_count,
)
from groundswell.events.services.notices import event_when
from groundswell.events.services.rsvps import (
    RsvpError,
    event_rsvp_refusal,
    rsvp_cancel,
    rsvp_confirm,
    rsvp_consent_organizations,
    rsvp_create,
    rsvp_from_confirmation_link,
    rsvp_from_ticket_link,
)

RSVP_FIELDS_KEPT_SECRET = ("name", "email", "phone")


def _event_context(request: HttpRequest, event: Event) -> dict[str, object]:
    return {
        "event": event,
        "when": event_when(event),
        "co_hosts": event_co_hosts(event=event),
        "waitlist_count": waitlist_count(event=event),
        "refusal": event_rsvp_refusal(event=event),
        "google_url": google_calendar_url(event=event),
        "outlook_url": outlook_calendar_url(event=event),
    }


def _render_event(
    request: HttpRequest, event: Event, form: RsvpForm, *, status: int = 200, error: str = ""
) -> HttpResponse:
    # The event's campaign, named as its petition page names it to this visitor; one still in
    # draft is not named at all (its page is not public yet).
    campaign = event.campaign if event.campaign and event.campaign.is_public else None
    if campaign is not None:
        campaign = campaign_in_language(campaign=campaign, language=get_language()).campaign
    context = {
        **_event_context(request, event),
        "campaign": campaign,
        "form": form,
        "error": error,
    }
    return render(request, "events/event.html", context, status=status)


@sensitive_post_parameters(*RSVP_FIELDS_KEPT_SECRET)
@sensitive_variables("form", "data")
@require_http_methods(["GET", "POST"])
def event_page(request: HttpRequest, slug: str) -> HttpResponse:
    """The event, and its RSVP form (POSTed here)."""
    event = event_public_get(slug=slug)
    organizations = rsvp_consent_organizations(event=event)
    if request.method == "GET":
        return _render_event(request, event, RsvpForm(consent_organizations=organizations))
    form = RsvpForm(request.POST, consent_organizations=organizations)
    if rate_limit_exceeded(
        scope="event-rsvp",
        key=client_address(request),
        limit=settings.RSVP_RATE_LIMIT_PER_MINUTE,
    ):
        message = _("Too many RSVPs from your network. Please wait a minute and try again.")
        return _render_event(request, event, form, status=429, error=message)
    refusal = event_rsvp_refusal(event=event)
    if refusal:
        return _render_event(request, event, form, status=409, error=refusal)
    if not form.is_valid():
        return _render_event(request, event, form, status=400)
    thanks = reverse("events:rsvp_thanks", kwargs={"slug": event.slug})
    # A bot sees what a person would see, and nothing is stored or sent.
    if submission_is_automated(request.POST, form=EVENT_FORM):
        return redirect(thanks)
    data = form.cleaned_data
    try:
        rsvp_create(
            event=event,
            name=data["name"],
            email=data["email"],
            phone=data["phone"],
            guests=data["guests"],
            consent_organization_ids=consented_organization_ids(form),
            language=translation.get_language() or "",
        )
    except RsvpError as error:
        return _render_event(request, event, form, status=409, error=str(error))
    return redirect(thanks)


def rsvp_thanks(request: HttpRequest, slug: str) -> HttpResponse:
    event = event_public_get(slug=slug)
    return render(request, "events/rsvp_thanks.html", {"event": event})


def event_json(request: HttpRequest, slug: str) -> JsonResponse:
    event = event_public_get(slug=slug)
    response = JsonResponse(event_public_summary(event=event))
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _ics_response(content: bytes, *, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def event_calendar(request: HttpRequest, slug: str) -> HttpResponse:
    event = event_public_get(slug=slug)
    return _ics_response(event_ics(event=event), filename=f"{event.slug}.ics")


def event_qr(request: HttpRequest, slug: str) -> HttpResponse:
    """The published event's QR code (SVG), linking to its public page."""
    event = event_published_get(slug=slug)
    response = HttpResponse(
        qr_svg(url=f"{settings.GROUNDSWELL_BASE_URL}{event.get_absolute_url()}", title=event.title),
        content_type="image/svg+xml",
    )
    patch_cache_control(response, public=True, max_age=3600)
    return response


def event_poster(request: HttpRequest, slug: str) -> HttpResponse:
    """An A4 page to print: title, date and time in the event's time zone, place, QR code and
    the address written out."""
    event = event_published_get(slug=slug)
    context = {
        "event": event,
        "when": event_when(event),
        "link": f"{settings.GROUNDSWELL_BASE_URL}{event.get_absolute_url()}",
        "qr_url": reverse("events:event_qr", args=[event.slug]),
    }
    return render(request, "events/poster.html", context)


def _link_error(request: HttpRequest, error: Exception) -> HttpResponse:
    return render(request, "events/link_error.html", {"message": str(error)}, status=400)


@require_http_methods(["GET", "POST"])
def rsvp_confirm_view(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    """GET shows a button (mail scanners open links, and must never confirm anyone); the
    button's POST confirms, then shows the RSVP's page."""
    try:
        if request.method == "POST":
            rsvp = rsvp_confirm(token=token, slug=slug)
            return redirect(rsvp_ticket_path(slug=slug, public_id=rsvp.public_id))
        rsvp = rsvp_from_confirmation_link(token=token, slug=slug)
    except RsvpError as error:
        return _link_error(request, error)
    if rsvp.status not in CONFIRMABLE_RSVP_STATUSES:
        return redirect(rsvp_ticket_path(slug=slug, public_id=rsvp.public_id))
    return render(request, "events/rsvp_confirm.html", {"event": rsvp.event})


def _rsvp_from_ticket(request: HttpRequest, slug: str, token: str) -> Rsvp | HttpResponse:
    try:
        rsvp = rsvp_from_ticket_link(token=token, slug=slug)
    except RsvpError as error:
        return _link_error(request, error)
    if rsvp is None:
        return _rsvp_cancelled(request, slug, status=404)
    return rsvp


def rsvp_ticket(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    """The person's RSVP: its status, the online link once confirmed, the QR code to show at
    the door, the calendar links and the cancel button."""
    found = _rsvp_from_ticket(request, slug, token)
    if isinstance(found, HttpResponse):
        return found
    rsvp, event = found, found.event
    confirmed = rsvp.status == RsvpStatus.CONFIRMED
    online_url = event.online_url if confirmed else ""
    context = {
        **_event_context(request, event),
        "rsvp": rsvp,
        "confirmed": confirmed,
        "online_url": online_url,
        "google_url": google_calendar_url(event=event, online_url=online_url),
        "outlook_url": outlook_calendar_url(event=event, online_url=online_url),
        "token": token,
    }
    response = render(request, "events/rsvp_ticket.html", context)
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


def checkin_qr_text(rsvp: Rsvp) -> str:
    """What the QR code says: the event, so that the door can refuse another event's code."""
    return f"{rsvp.event.slug}/{rsvp.checkin_code}"


def rsvp_qr(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    found = _rsvp_from_ticket(request, slug, token)
    if isinstance(found, HttpResponse):
        return found
    if found.status != RsvpStatus.CONFIRMED:
        return HttpResponse(status=404)
    image = io.BytesIO()
    segno.make(checkin_qr_text(found), error="m").save(image, kind="png", scale=8, border=2)
    response = HttpResponse(image.getvalue(), content_type="image/png")
    response["Cache-Control"] = "private, no-store"
    return response


def rsvp_calendar(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    found = _rsvp_from_ticket(request, slug, token)
    if isinstance(found, HttpResponse):
        return found
    online_url = found.event.online_url if found.status == RsvpStatus.CONFIRMED else ""
    content = event_ics(event=found.event, online_url=online_url, rsvp_public_id=found.public_id)
    response = _ics_response(content, filename=f"{found.event.slug}.ics")
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
def rsvp_cancel_view(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    """GET explains, only the button's POST cancels (and erases the RSVP)."""
    try:
        if request.method == "POST":
            rsvp_cancel(token=token, slug=slug)
            return _rsvp_cancelled(request, slug)
        rsvp = rsvp_from_ticket_link(token=token, slug=slug)
    except RsvpError as error:
        return _link_error(request, error)
    if rsvp is None:
        return _rsvp_cancelled(request, slug)
    return render(request, "events/rsvp_cancel.html", {"event": rsvp.event})


def _rsvp_cancelled(request: HttpRequest, slug: str, *, status: int = 200) -> HttpResponse:
    # A way on: the event itself, where they may RSVP again.
    context = {"event_url": reverse("events:event", args=[slug])}
    return render(request, "events/rsvp_cancelled.html", context, status=status)
