"""The account pages Groundswell changes from Django's: the login lock-out and password reset."""

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.views import PasswordResetView
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render

from groundswell.accounts.throttling import password_reset_request_allowed
from groundswell.core.http import client_address


def login_locked_out(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """What django-axes answers (AXES_LOCKOUT_CALLABLE) to a login attempt it locked out."""
    return render(
        request,
        "registration/locked_out.html",
        {"minutes": settings.LOGIN_LOCKOUT_MINUTES},
        status=429,
    )


class ThrottledPasswordResetView(PasswordResetView):
    """Django's password reset, limited per client and per typed address. Over a limit, the same
    "check your inbox" page answers and no e-mail leaves, so the answer never tells whether an
    account has that address, nor whether a limit was reached."""

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        allowed = password_reset_request_allowed(
            client=client_address(self.request), email=form.cleaned_data["email"]
        )
        if not allowed:
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)
