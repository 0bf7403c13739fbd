"""An organization's API keys: made, listed (last use shown) and revoked by its owners and
admins. A new key is shown once, on the page that made it; only its hash is kept."""

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
from groundswell.api.keys import api_key_create, api_key_revoke, api_keys_of
from groundswell.api.models import ApiScope
from groundswell.core.text import single_line_text
from groundswell.organizer.permissions import organization_for_member


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("What uses it"),
        max_length=100,
        validators=[single_line_text],
        help_text=gettext_lazy("For example: our CRM's nightly sync."),
    )
    scope = forms.ChoiceField(label=gettext_lazy("Access"), choices=ApiScope.choices)


@login_required
def organization_api_keys(request: MemberRequest, slug: str) -> HttpResponse:
    organization, _role = organization_for_member(
        user=request.user, slug=slug, roles=MANAGING_ROLES
    )
    form = ApiKeyForm(request.POST if request.method == "POST" else None)
    secret = ""
    if request.method == "POST" and form.is_valid():
        new = api_key_create(
            organization=organization,
            name=form.cleaned_data["name"],
            scope=form.cleaned_data["scope"],
            created_by=request.user,
        )
        secret = new.secret
        form = ApiKeyForm()
    context = {
        "organization": organization,
        "keys": api_keys_of(organization=organization).select_related("created_by"),
        "form": form,
        "secret": secret,
    }
    return render(request, "organizer/api_keys.html", context)


@login_required
@require_POST
def organization_api_key_revoke(request: MemberRequest, slug: str, key_id: int) -> HttpResponse:
    organization, _role = organization_for_member(
        user=request.user, slug=slug, roles=MANAGING_ROLES
    )
    api_key = api_keys_of(organization=organization).filter(pk=key_id).first()
    if api_key is None:
        raise Http404("No such key")
    api_key_revoke(api_key=api_key)
    messages.success(request, _("The key %(prefix)s is revoked.") % {"prefix": api_key.prefix})
    return redirect("organizer:organization_api_keys", slug=slug)
