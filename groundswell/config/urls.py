from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

from groundswell.core.views import healthz, readyz

urlpatterns = [
    path("", include("groundswell.campaigns.urls")),
    path("", include("groundswell.signatures.urls")),
    path("", include("groundswell.coalitions.urls")),
    path("", include("groundswell.delivery.urls")),
    path("organizer/", include("groundswell.organizer.urls")),
    path("", include("groundswell.letters.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    # Uploaded logos; a production installation serves /media/ from its web server instead.
    path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT}),
]
