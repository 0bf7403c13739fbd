from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.forms import UserCreationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from groundswell.accounts.models import Membership, User
from groundswell.coalitions.forms import InvitationAcceptForm
from groundswell.coalitions.services import CoalitionError, invitation_accept, invitation_get


class SignUpForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):
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
        signup = SignUpForm(request.POST or None)
        if request.method == "POST" and signup.is_valid():
            user = signup.save()
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect("invitation", token=token)
        context["signup"] = signup
        return render(request, "coalitions/invitation.html", context)

    other_organizations = [
        membership.organization.name
        for membership in Membership.objects.filter(user=request.user)
        .exclude(organization=pending.organization)
        .select_related("organization")
    ]
    form = InvitationAcceptForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            accepted = invitation_accept(
                token=token,
                user=request.user,
                confirmed_other_memberships=form.cleaned_data["confirm_other_memberships"],
            )
        except CoalitionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("Welcome to %(name)s.") % {"name": accepted.organization.name}
            )
            if accepted.campaign is not None:
                return redirect("organizer:campaign_contribution", slug=accepted.campaign.slug)
            return redirect("organizer:dashboard")
    context.update(form=form, other_organizations=other_organizations)
    return render(request, "coalitions/invitation.html", context)
