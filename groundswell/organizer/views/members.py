"""An organization's people and their roles, managed by its owners and admins."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from groundswell.accounts.forms import OrganizationProfileForm, RoleForm
from groundswell.accounts.models import MANAGING_ROLES, Membership, Role
from groundswell.accounts.requests import MemberRequest
from groundswell.accounts.services import (
    MembershipError,
    membership_remove,
    membership_role_change,
)
from groundswell.coalitions.services import CoalitionError, member_invitation_create
from groundswell.organizer.permissions import organization_for_member

ALL_ROLES = frozenset(Role)


@login_required
def organization_members(request: MemberRequest, slug: str) -> HttpResponse:
    organization, role = organization_for_member(user=request.user, slug=slug, roles=ALL_ROLES)
    can_manage = role in MANAGING_ROLES
    invitation_url = ""
    form = RoleForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                _invitation, token = member_invitation_create(
                    organization=organization,
                    created_by=request.user,
                    role=form.cleaned_data["role"],
                )
            except CoalitionError as error:
                form.add_error("role", str(error))
            else:
                invitation_url = (
                    f"{settings.GROUNDSWELL_BASE_URL}{reverse('invitation', args=[token])}"
                )
                form = RoleForm()
    profile = OrganizationProfileForm(instance=organization)
    members = organization.memberships.select_related("user").order_by("user__username")
    context = {
        "organization": organization,
        "members": members,
        "can_manage": can_manage,
        "roles": Role.choices,
        "form": form,
        "invitation_url": invitation_url,
        "profile": profile,
    }
    return render(request, "organizer/organization_members.html", context)


@login_required
@require_POST
def organization_profile(request: MemberRequest, slug: str) -> HttpResponse:
    organization, _role = organization_for_member(
        user=request.user, slug=slug, roles=MANAGING_ROLES
    )
    form = OrganizationProfileForm(request.POST, request.FILES, instance=organization)
    if form.is_valid():
        form.save()
        messages.success(request, _("Organization details saved."))
    else:
        errors = "; ".join(str(error) for errors in form.errors.values() for error in errors)
        messages.error(request, _("Not saved: %(errors)s") % {"errors": errors})
    return redirect("organizer:organization_members", slug=slug)


@login_required
@require_POST
def organization_member_change(request: MemberRequest, slug: str, member_id: int) -> HttpResponse:
    organization, _role = organization_for_member(
        user=request.user, slug=slug, roles=MANAGING_ROLES
    )
    membership = get_object_or_404(Membership, pk=member_id, organization=organization)
    try:
        if request.POST.get("action") == "remove":
            membership_remove(membership=membership, removed_by=request.user)
            messages.success(request, _("Member removed."))
        else:
            membership_role_change(
                membership=membership, role=request.POST.get("role", ""), changed_by=request.user
            )
            messages.success(request, _("Role changed."))
    except MembershipError as error:
        messages.error(request, str(error))
    return redirect("organizer:organization_members", slug=slug)
