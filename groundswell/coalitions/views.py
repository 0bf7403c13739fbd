from typing import cast

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.forms import UserCreationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from groundswell.accounts.models import Membership, Organization, User
from groundswell.accounts.requests import MemberRequest
from groundswell.accounts.selectors import user_manages
from groundswell.campaigns.models import Campaign
from groundswell.coalitions.forms import InvitationAcceptForm, PartnerAcceptForm
from groundswell.coalitions.models import Invitation
from groundswell.coalitions.selectors import partner_organization_choices
from groundswell.coalitions.services import (
    CoalitionError,
    InvitationRefused,
    invitation_get,
    member_invitation_accept,
    partner_invitation_accept,
)

TEMPLATE = "coalitions/invitation.html"


class SignUpForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):  # type: ignore[name-defined]
        model = User
        fields = ("username", "email")


@never_cache
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """Accept an invitation: log in or create an account, then press the button."""
    try:
        pending = invitation_get(token=token)
    except CoalitionError as error:
        return render(
            request, "coalitions/invitation_error.html", {"message": str(error)}, status=400
        )
    context: dict[str, object] = {"invitation": pending}
    if not request.user.is_authenticated:
        if pending.is_partner_invitation and pending.organization_id is not None:
            # Only its owners or admins may accept: a new account never could.
            return render(request, TEMPLATE, context)
        signup = SignUpForm(request.POST or None)
        if request.method == "POST" and signup.is_valid():
            user = signup.save()
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect("invitation", token=token)
        context["signup"] = signup
        return render(request, TEMPLATE, context)
    if pending.is_partner_invitation:
        return _partner_invitation(cast(MemberRequest, request), token, pending, context)
    return _member_invitation(cast(MemberRequest, request), token, pending, context)


def _refused(request: HttpRequest, context: dict[str, object], message: str) -> HttpResponse:
    return render(request, TEMPLATE, {**context, "refusal": message}, status=403)


def _partner_invitation(
    request: MemberRequest, token: str, pending: Invitation, context: dict[str, object]
) -> HttpResponse:
    if pending.organization is not None and not user_manages(
        user=request.user, organization=pending.organization
    ):
        return _refused(
            request,
            context,
            _("Only an owner or admin of %(name)s can accept this invitation.")
            % {"name": pending.organization.name},
        )
    form = PartnerAcceptForm(
        request.POST if request.method == "POST" else None,
        invitation=pending,
        organizations=partner_organization_choices(
            campaign=cast(Campaign, pending.campaign), user=request.user
        ),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            accepted = partner_invitation_accept(
                token=token,
                user=request.user,
                organization=data.get("organization"),
                new_organization_name=data.get("name", ""),
                new_organization_slug=data.get("slug", ""),
            )
        except InvitationRefused as error:
            return _refused(request, context, str(error))
        except CoalitionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("%(name)s now co-sponsors “%(title)s”.")
                % {
                    "name": cast(Organization, accepted.organization).name,
                    "title": cast(Campaign, accepted.campaign).title,
                },
            )
            return redirect(
                "organizer:campaign_contribution", slug=cast(Campaign, accepted.campaign).slug
            )
    context["form"] = form
    return render(request, TEMPLATE, context)


def _member_invitation(
    request: MemberRequest, token: str, pending: Invitation, context: dict[str, object]
) -> HttpResponse:
    other_organizations = [
        membership.organization.name
        for membership in Membership.objects.filter(user=request.user)
        .exclude(organization=pending.organization)
        .select_related("organization")
    ]
    form = InvitationAcceptForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            accepted = member_invitation_accept(
                token=token,
                user=request.user,
                confirmed_other_memberships=form.cleaned_data["confirm_other_memberships"],
            )
        except InvitationRefused as error:
            return _refused(request, context, str(error))
        except CoalitionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Welcome to %(name)s.")
                % {"name": cast(Organization, accepted.organization).name},
            )
            return redirect("organizer:dashboard")
    context.update(form=form, other_organizations=other_organizations)
    return render(request, TEMPLATE, context)
