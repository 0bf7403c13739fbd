""" "Why I'm signing": organizers hide (or show again) the comments signers made public."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from groundswell.accounts.models import PERSONAL_DATA_ROLES
from groundswell.accounts.requests import MemberRequest
from groundswell.organizer.permissions import campaign_for_member
from groundswell.signatures.comments import (
    COMMENTS_PER_PAGE,
    comments_for_moderation,
    signature_comment_moderate,
)


@login_required
def comments(request: MemberRequest, slug: str) -> HttpResponse:
    campaign = campaign_for_member(user=request.user, slug=slug, roles=PERSONAL_DATA_ROLES).campaign
    page = Paginator(comments_for_moderation(campaign=campaign), COMMENTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "organizer/campaign_comments.html", {"campaign": campaign, "page": page})


@login_required
@require_POST
def comment_moderate(request: MemberRequest, slug: str, public_id: str) -> HttpResponse:
    campaign = campaign_for_member(user=request.user, slug=slug, roles=PERSONAL_DATA_ROLES).campaign
    hidden = request.POST.get("hidden") == "1"
    signature_comment_moderate(campaign=campaign, public_id=public_id, hidden=hidden)
    messages.success(request, _("Comment hidden.") if hidden else _("Comment shown again."))
    return redirect("organizer:campaign_comments", slug=slug)
