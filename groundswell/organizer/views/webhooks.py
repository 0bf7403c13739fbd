"""An organization's webhooks: endpoints (the secret shown once), the log of deliveries, replay
of a failed one, and switching an endpoint off and on. Owners and admins only."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from groundswell.accounts.models import MANAGING_ROLES
from groundswell.accounts.requests import MemberRequest
from groundswell.api.models import WebhookDelivery, WebhookEndpoint
from groundswell.api.webhooks import (
    WEBHOOK_EVENTS,
    WebhookError,
    webhook_delivery_replay,
    webhook_endpoint_create,
    webhook_endpoint_enable,
    webhook_endpoints_of,
)
from groundswell.organizer.permissions import organization_for_member

LOG_LENGTH = 50


class WebhookEndpointForm(forms.Form):
    url = forms.URLField(label=gettext_lazy("URL"), max_length=500, assume_scheme="https")
    events = forms.MultipleChoiceField(
        label=gettext_lazy("Events"),
        choices=list(WEBHOOK_EVENTS.items()),
        widget=forms.CheckboxSelectMultiple,
    )


@login_required
def organization_webhooks(request: MemberRequest, slug: str) -> HttpResponse:
    organization, _role = organization_for_member(
        user=request.user, slug=slug, roles=MANAGING_ROLES
    )
    form = WebhookEndpointForm(request.POST if request.method == "POST" else None)
    secret = ""
    if request.method == "POST" and form.is_valid():
        try:
            endpoint = webhook_endpoint_create(
                organization=organization,
                url=form.cleaned_data["url"],
                events=form.cleaned_data["events"],
                created_by=request.user,
            )
        except WebhookError as error:
            form.add_error("url", str(error))
        else:
            secret = endpoint.secret
            form = WebhookEndpointForm()
    context = {
        "organization": organization,
        "endpoints": webhook_endpoints_of(organization=organization),
        "form": form,
        "secret": secret,
    }
    return render(request, "organizer/webhooks.html", context)


def _endpoint(request: MemberRequest, slug: str, endpoint_id: int) -> WebhookEndpoint:
    organization, _role = organization_for_member(
        user=request.user, slug=slug, roles=MANAGING_ROLES
    )
    endpoint = webhook_endpoints_of(organization=organization).filter(pk=endpoint_id).first()
    if endpoint is None:
        raise Http404("No such webhook")
    return endpoint


@login_required
def organization_webhook(request: MemberRequest, slug: str, endpoint_id: int) -> HttpResponse:
    endpoint = _endpoint(request, slug, endpoint_id)
    if request.method == "POST":
        webhook_endpoint_enable(
            endpoint=endpoint, active=request.POST.get("active") == "1", by=request.user
        )
        messages.success(request, _("Saved."))
        return redirect("organizer:organization_webhook", slug=slug, endpoint_id=endpoint.pk)
    deliveries = WebhookDelivery.objects.filter(endpoint=endpoint).order_by("-created_at", "-pk")
    context = {
        "organization": endpoint.organization,
        "endpoint": endpoint,
        "deliveries": deliveries.only(
            "event_type",
            "status",
            "attempts",
            "last_status_code",
            "last_error",
            "created_at",
            "delivered_at",
            "next_attempt_at",
            "event_id",
        )[:LOG_LENGTH],
    }
    return render(request, "organizer/webhook_log.html", context)


@login_required
@require_POST
def organization_webhook_replay(
    request: MemberRequest, slug: str, endpoint_id: int, delivery_id: int
) -> HttpResponse:
    endpoint = _endpoint(request, slug, endpoint_id)
    delivery = WebhookDelivery.objects.filter(endpoint=endpoint, pk=delivery_id).first()
    if delivery is None:
        raise Http404("No such delivery")
    webhook_delivery_replay(delivery=delivery)
    messages.success(request, _("The delivery will be sent again."))
    return redirect("organizer:organization_webhook", slug=slug, endpoint_id=endpoint.pk)
