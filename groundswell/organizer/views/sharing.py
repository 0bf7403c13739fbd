"""Back-office pages about how a campaign spreads: referrals (which signers' links brought how
many), printable QR posters and the charts by partner, source and region."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from groundswell.accounts.models import EDITING_ROLES, PERSONAL_DATA_ROLES, Role
from groundswell.accounts.requests import MemberRequest
from groundswell.campaigns.services import campaign_what_next_set
from groundswell.campaigns.what_next import what_next_keys
from groundswell.core.svg_charts import bar_chart, column_chart, day_label
from groundswell.organizer.forms import WhatNextForm
from groundswell.organizer.permissions import campaign_for_member
from groundswell.signatures.regions import confirmed_by_region, confirmed_by_source
from groundswell.signatures.selectors import coalition_figures, top_referrers
from groundswell.signatures.tallies import tally_daily_confirmed

ALL_ROLES = frozenset(Role)


@login_required
def campaign_referrals(request: MemberRequest, slug: str) -> HttpResponse:
    """Top referrers. A partner's staff see only the signers their partner brought; first
    names only of signers who confirmed consent to the viewer's organization, and only to
    roles that may see personal data; everyone else sees public ids and counts."""
    access = campaign_for_member(user=request.user, slug=slug, roles=ALL_ROLES, partners=True)
    organization = access.partner.organization if access.partner else access.campaign.organization
    referrers = top_referrers(
        campaign=access.campaign,
        organization_id=organization.pk,
        partner_id=access.partner.pk if access.partner else None,
    )
    context = {
        "campaign": access.campaign,
        "organization": organization,
        "referrers": referrers,
        "show_names": access.role in PERSONAL_DATA_ROLES,
        "is_host": access.is_host,
    }
    return render(request, "organizer/campaign_referrals.html", context)


@login_required
def campaign_what_next(request: MemberRequest, slug: str) -> HttpResponse:
    """Which next steps the page after confirming offers (host staff; editors change them)."""
    access = campaign_for_member(user=request.user, slug=slug, roles=ALL_ROLES)
    campaign = access.campaign
    chosen = campaign.what_next if campaign.what_next is not None else sorted(what_next_keys())
    form = WhatNextForm(request.POST or None, initial={"what_next": chosen})
    if request.method == "POST":
        if access.role not in EDITING_ROLES:
            raise PermissionDenied
        if form.is_valid():
            campaign_what_next_set(campaign=campaign, keys=form.cleaned_data["what_next"])
            messages.success(request, _("The next steps are saved."))
            return redirect("organizer:campaign_what_next", slug=slug)
    context = {"campaign": campaign, "form": form, "can_edit": access.role in EDITING_ROLES}
    return render(request, "organizer/campaign_what_next.html", context)


@login_required
def campaign_charts(request: MemberRequest, slug: str) -> HttpResponse:
    """Confirmed signatures per day, by partner, by source and by region. A partner's staff see
    the days, sources and regions of their own supporters; every partner's total is public."""
    access = campaign_for_member(user=request.user, slug=slug, roles=ALL_ROLES, partners=True)
    campaign = access.campaign
    partner_id = access.partner.pk if access.partner else None
    everyone = access.is_host
    daily = (
        tally_daily_confirmed(campaign=campaign, days=30)
        if everyone
        else tally_daily_confirmed(campaign=campaign, days=30, partner_id=partner_id)
    )
    figures = coalition_figures(campaign=campaign)
    by_partner = [(partner.name, partner.signature_count) for partner in figures.partners]
    by_partner.append((_("No partner's link"), figures.unattributed_count))
    context = {
        "campaign": campaign,
        "access": access,
        "daily": column_chart([(day_label(day), n) for day, n in daily]),
        "by_partner": bar_chart(sorted(by_partner, key=lambda row: -row[1])),
        "by_source": bar_chart(
            confirmed_by_source(campaign=campaign, partner_id=partner_id, everyone=everyone)
        ),
        "by_region": bar_chart(
            confirmed_by_region(campaign=campaign, partner_id=partner_id, everyone=everyone)
        ),
    }
    return render(request, "organizer/campaign_charts.html", context)
