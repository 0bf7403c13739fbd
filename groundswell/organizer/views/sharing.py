"""Back-office pages about how a campaign spreads: referrals (which signers' links brought how
many), printable QR posters and the charts by partner, source and region."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from groundswell.accounts.models import PERSONAL_DATA_ROLES, Role
from groundswell.accounts.requests import MemberRequest
from groundswell.organizer.permissions import campaign_for_member
from groundswell.signatures.selectors import top_referrers

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
