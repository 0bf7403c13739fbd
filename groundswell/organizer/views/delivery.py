"""The organizer's delivery pages: the log's figures, packages, recording a delivery, withdrawals.

Who may do what:
- every member (viewers too) sees the log's figures, checkpoints and deliveries, and downloads
  built packages: a package holds only what the public petition page may show (names and
  comments of signers who chose to show their name, country, the first two characters of the
  postal code), never an e-mail address;
- editors (EDITING_ROLES) make checkpoints, build packages and record deliveries;
- only roles that see personal data (PERSONAL_DATA_ROLES) look up a signature by e-mail address
  to withdraw, erase or invalidate it.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from groundswell.accounts.models import EDITING_ROLES, PERSONAL_DATA_ROLES, Role
from groundswell.accounts.requests import MemberRequest
from groundswell.delivery.forms import DeliveryForm, PackageForm, WithdrawForm
from groundswell.delivery.models import PackageFile
from groundswell.delivery.selectors import (
    deliveries_for_campaign,
    package_for_campaign_get,
    packages_for_campaign,
    signature_by_email_get,
)
from groundswell.delivery.services.deliveries import delivery_record
from groundswell.delivery.services.packages import delivery_package_request, package_file_path
from groundswell.organizer.permissions import campaign_for_member
from groundswell.signatures.services import signature_withdraw
from groundswell.transparency.selectors import checkpoints_for_campaign, log_head_get

ALL_ROLES = frozenset(Role)
PACKAGE_REFRESH_SECONDS = 3


@login_required
def overview(request: MemberRequest, slug: str) -> HttpResponse:
    access = campaign_for_member(user=request.user, slug=slug, roles=ALL_ROLES)
    campaign, role = access.campaign, access.role
    head = log_head_get(campaign=campaign)
    live = head.live_count if head else 0
    context = {
        "campaign": campaign,
        "head": head,
        "waiting": max(campaign.signature_count - live, 0),
        "checkpoints": list(checkpoints_for_campaign(campaign=campaign).reverse()[:10]),
        "packages": list(packages_for_campaign(campaign=campaign, limit=10)),
        "deliveries": list(deliveries_for_campaign(campaign=campaign)),
        "package_form": PackageForm(),
        "can_edit": role in EDITING_ROLES,
        "can_withdraw": role in PERSONAL_DATA_ROLES,
    }
    return render(request, "delivery/organizer_overview.html", context)


@login_required
@require_POST
def package_new(request: MemberRequest, slug: str) -> HttpResponse:
    campaign = campaign_for_member(user=request.user, slug=slug, roles=EDITING_ROLES).campaign
    form = PackageForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("cover_letter", []):
            messages.error(request, str(error))
        return redirect("organizer:delivery_overview", slug=campaign.slug)
    package = delivery_package_request(
        campaign=campaign, user=request.user, cover_letter=form.cleaned_data["cover_letter"]
    )
    return redirect("organizer:delivery_package", slug=campaign.slug, package_id=package.pk)


@login_required
def package_detail(request: MemberRequest, slug: str, package_id: int) -> HttpResponse:
    campaign = campaign_for_member(user=request.user, slug=slug, roles=ALL_ROLES).campaign
    package = package_for_campaign_get(campaign=campaign, package_id=package_id)
    context = {
        "campaign": campaign,
        "package": package,
        "files": [choice for choice in PackageFile if package.file_name(choice)],
        "refresh_seconds": PACKAGE_REFRESH_SECONDS if package.is_active else None,
    }
    return render(request, "delivery/organizer_package.html", context)


@login_required
def package_download(request: MemberRequest, slug: str, package_id: int, file: str) -> FileResponse:
    campaign = campaign_for_member(user=request.user, slug=slug, roles=ALL_ROLES).campaign
    package = package_for_campaign_get(campaign=campaign, package_id=package_id)
    path = package_file_path(package, file)
    if path is None or not path.is_file():
        raise Http404("No such file")
    response = FileResponse(path.open("rb"), as_attachment=True, filename=path.name)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def delivery_new(request: MemberRequest, slug: str) -> HttpResponse:
    campaign = campaign_for_member(user=request.user, slug=slug, roles=EDITING_ROLES).campaign
    form = DeliveryForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        delivery = delivery_record(
            campaign=campaign,
            user=request.user,
            delivered_at=data["delivered_at"],
            place=data["place"],
            received_by=data["received_by"],
            notes=data["notes"],
            is_public=data["is_public"],
            photos=data["photos"],
        )
        messages.success(
            request,
            _("Delivery recorded with checkpoint %(size)s (%(count)s signatures).")
            % {
                "size": f"{delivery.checkpoint.tree_size:,}",
                "count": f"{delivery.checkpoint.live_count:,}",
            },
        )
        return redirect("organizer:delivery_overview", slug=campaign.slug)
    return render(
        request, "delivery/organizer_delivery_form.html", {"campaign": campaign, "form": form}
    )


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request: MemberRequest, slug: str) -> HttpResponse:
    campaign = campaign_for_member(user=request.user, slug=slug, roles=PERSONAL_DATA_ROLES).campaign
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        signature = signature_by_email_get(campaign=campaign, email=form.cleaned_data["email"])
        if signature is None:
            form.add_error("email", _("No signature of this petition has that e-mail address."))
        else:
            outcome = signature_withdraw(signature=signature, reason=form.cleaned_data["reason"])
            messages.success(
                request,
                _("The signature was removed; the public log records that it no longer counts."),
            )
            if outcome is not None and outcome.packages_discarded:
                messages.warning(
                    request,
                    ngettext(
                        "%(count)s delivery package listed it and was deleted; build a new one.",
                        "%(count)s delivery packages listed it and were deleted; build a new one.",
                        outcome.packages_discarded,
                    )
                    % {"count": outcome.packages_discarded},
                )
            return redirect("organizer:delivery_withdraw", slug=campaign.slug)
    return render(request, "delivery/organizer_withdraw.html", {"campaign": campaign, "form": form})
