"""The one public page of updates: unsubscribing from an organization's updates."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from groundswell.accounts.models import Organization
from groundswell.updates.services import (
    UnsubscribeLinkInvalid,
    unsubscribe_token_read,
    unsubscription_record,
)


# CSRF-exempt and cookie-free by design (RFC 8058): mail providers POST
# "List-Unsubscribe=One-Click" to this address without any session. The signed token is the
# only credential, and all a forged request could do is unsubscribe the link's own owner.
# A GET (a link scanner, a prefetch) only shows the button: it never unsubscribes.
# The page is in the language of the e-mail the link came in: the link names it (?lang=, see
# core.link_language).
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, organization: str, token: str) -> HttpResponse:
    found = Organization.objects.filter(slug=organization).first()
    try:
        if found is None:
            raise UnsubscribeLinkInvalid
        if request.method == "POST":
            unsubscription_record(organization=found, token=token)
            return render(request, "updates/unsubscribed.html", {"organization": found})
        unsubscribe_token_read(organization=found, token=token)
    except UnsubscribeLinkInvalid:
        message = _("This unsubscribe link is not valid. Nothing was changed.")
        return render(request, "updates/unsubscribe_invalid.html", {"message": message}, status=400)
    return render(request, "updates/unsubscribe.html", {"organization": found})
