"""The organizer's transparency log page: signing a checkpoint (shown on the delivery page)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from groundswell.accounts.models import EDITING_ROLES
from groundswell.accounts.requests import MemberRequest
from groundswell.organizer.permissions import campaign_for_member
from groundswell.transparency.services.log import checkpoint_create


@login_required
@require_POST
def checkpoint_new(request: MemberRequest, slug: str) -> HttpResponse:
    campaign = campaign_for_member(user=request.user, slug=slug, roles=EDITING_ROLES).campaign
    checkpoint = checkpoint_create(campaign=campaign)
    messages.success(
        request,
        _("Checkpoint signed: %(count)s live signatures in a log of %(size)s entries.")
        % {"count": f"{checkpoint.live_count:,}", "size": f"{checkpoint.tree_size:,}"},
    )
    return redirect("organizer:delivery_overview", slug=campaign.slug)
