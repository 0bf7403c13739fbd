"""Back-office pages of a coalition: partners, each partner's contribution, consented exports."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from groundswell.accounts.models import EDITING_ROLES, PERSONAL_DATA_ROLES, Role
from groundswell.accounts.requests import MemberRequest
from groundswell.coalitions.forms import PartnerInvitationForm
from groundswell.coalitions.models import Partner
from groundswell.coalitions.services import (
    CoalitionError,
    partner_invitation_create,
    partner_remove,
)
from groundswell.core.exports import csv_response
from groundswell.organizer.charts import CHART_HEIGHT, CHART_WIDTH, daily_chart
from groundswell.organizer.confirmations import partner_removal_confirmation
from groundswell.organizer.permissions import campaign_for_member
from groundswell.signatures.selectors import (
    CRM_COLUMNS,
    coalition_figures,
    consenting_supporters_for_export,
    signatures_brought_by,
    source_counts,
)
from groundswell.signatures.tallies import tally_daily_confirmed, tally_totals

ALL_ROLES = frozenset(Role)


def partner_links(request: MemberRequest, campaign_slug: str, partner_slug: str) -> dict[str, str]:
    # No style attribute in the snippet: partner sites with a Content-Security-Policy of their
    # own may refuse inline styles; embed.js sets the border and the height.
    base = settings.GROUNDSWELL_BASE_URL
    page = reverse("campaigns:petition", args=[campaign_slug])
    embed = reverse("campaigns:petition_embed", args=[campaign_slug])
    script = f"{base}{settings.STATIC_URL}groundswell/embed.js"
    iframe = (
        f'<iframe src="{base}{embed}?partner={partner_slug}" data-groundswell-embed '
        'width="100%" height="640" title="Sign the petition" loading="lazy"></iframe>\n'
        f'<script src="{script}" async></script>'
    )
    return {"link": f"{base}{page}?partner={partner_slug}", "embed": iframe}


@login_required
def campaign_partners(request: MemberRequest, slug: str) -> HttpResponse:
    access = campaign_for_member(user=request.user, slug=slug, roles=ALL_ROLES, partners=True)
    if not access.is_host:
        raise PermissionDenied
    can_manage = access.role in EDITING_ROLES
    form = PartnerInvitationForm(request.POST or None)
    invitation_url = ""
    invitation = None
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                invitation, token = partner_invitation_create(
                    campaign=access.campaign,
                    name=form.cleaned_data["name"],
                    slug=form.cleaned_data["slug"],
                    created_by=request.user,
                )
            except CoalitionError as error:
                form.add_error(None, str(error))
            else:
                invitation_url = (
                    f"{settings.GROUNDSWELL_BASE_URL}{reverse('invitation', args=[token])}"
                )
                form = PartnerInvitationForm()
    partners = [
        (partner, partner_links(request, access.campaign.slug, partner.slug))
        for partner in Partner.objects.filter(campaign=access.campaign)
        .select_related("organization")
        .order_by("created_at")
    ]
    context = {
        "campaign": access.campaign,
        "figures": coalition_figures(campaign=access.campaign),
        "partners": partners,
        "form": form,
        "can_manage": can_manage,
        "invitation_url": invitation_url,
        "invitation": invitation,
    }
    return render(request, "organizer/campaign_partners.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def campaign_partner_remove(request: MemberRequest, slug: str, partner_slug: str) -> HttpResponse:
    """GET: the confirmation page, naming what removing the partner does; POST: the removal."""
    access = campaign_for_member(user=request.user, slug=slug, roles=EDITING_ROLES, partners=True)
    if not access.is_host:
        raise PermissionDenied
    partner = get_object_or_404(Partner, campaign=access.campaign, slug=partner_slug)
    if request.method == "GET":
        if not partner.is_active:
            raise Http404
        confirmation = partner_removal_confirmation(
            partner_name=partner.organization.name, campaign_title=access.campaign.title
        )
        back_to = reverse("organizer:campaign_partners", args=[slug])
        context = {"confirmation": confirmation, "back_to": back_to}
        return render(request, "organizer/confirm.html", context)
    partner_remove(partner=partner, now=timezone.now())
    messages.success(
        request,
        _("%(name)s is no longer a partner. The signatures it brought stay counted.")
        % {"name": partner.organization.name},
    )
    return redirect("organizer:campaign_partners", slug=slug)


@login_required
def campaign_contribution(request: MemberRequest, slug: str) -> HttpResponse:
    """What the viewer's own organization brought: a partner's, or for the host, no partner's."""
    access = campaign_for_member(user=request.user, slug=slug, roles=ALL_ROLES, partners=True)
    partner_id = access.partner.pk if access.partner else None
    totals = tally_totals(campaign=access.campaign, partner_id=partner_id)
    counts = tally_daily_confirmed(campaign=access.campaign, days=30, partner_id=partner_id)
    sources = source_counts(signatures_brought_by(campaign=access.campaign, partner_id=partner_id))
    context = {
        "campaign": access.campaign,
        "access": access,
        "organization": access.partner.organization
        if access.partner
        else access.campaign.organization,
        "confirmed": totals.confirmed,
        "pending": totals.pending,
        "sources": sources,
        "chart": daily_chart(counts),
        "chart_width": CHART_WIDTH,
        "chart_height": CHART_HEIGHT,
        "links": partner_links(request, access.campaign.slug, access.partner.slug)
        if access.partner
        else None,
        "can_export": access.role in PERSONAL_DATA_ROLES,
    }
    return render(request, "organizer/campaign_contribution.html", context)


@login_required
def campaign_supporters_export(request: MemberRequest, slug: str) -> StreamingHttpResponse:
    """Signers who agreed that the viewer's own organization may contact them; nobody else."""
    access = campaign_for_member(
        user=request.user, slug=slug, roles=PERSONAL_DATA_ROLES, partners=True
    )
    organization = access.partner.organization if access.partner else access.campaign.organization
    return csv_response(
        filename=f"{access.campaign.slug}-{organization.slug}-supporters.csv",
        header=CRM_COLUMNS,
        rows=consenting_supporters_for_export(
            campaign=access.campaign, organization_id=organization.pk
        ),
    )
