from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from groundswell.core.views import favicon, healthz, language_switch, public_upload, readyz

urlpatterns = [
    path("", include("groundswell.signatures.petition_urls")),
    path("", include("groundswell.signatures.urls")),
    path("", include("groundswell.coalitions.urls")),
    path("", include("groundswell.transparency.urls")),
    path("", include("groundswell.delivery.urls")),
    path("organizer/", include("groundswell.organizer.urls")),
    path("", include("groundswell.letters.urls")),
    path("", include("groundswell.updates.urls")),
    path("", include("groundswell.events.urls")),
    path("", include("groundswell.api.urls")),
    path("", include("groundswell.directory.urls")),
    path("accounts/", include("groundswell.accounts.urls")),
    path("admin/", admin.site.urls),
    # The language switcher on every page.
    path("i18n/setlang/", language_switch, name="set_language"),
    path("favicon.ico", favicon, name="favicon"),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    # Public uploads only (logos, delivery photos); a production installation may serve these two
    # folders from its web server instead. Delivery packages are downloaded through their own
    # role-checked views, never from /media/.
    re_path(r"^media/(?P<path>(?:logos|deliveries/photos)/[^/]+)$", public_upload),
]

handler400 = "groundswell.core.views.bad_request"

# A mail provider's tracking webhooks (bounces, complaints), only when mail goes through one.
if settings.EMAIL_PROVIDER:
    urlpatterns.append(path("anymail/", include("anymail.urls")))
