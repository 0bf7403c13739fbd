"""The site's URLs plus the petition history page, until the lead wires it in campaigns/urls.py."""

from django.urls import path

from groundswell.campaigns.versions_views import petition_history
from groundswell.config.urls import urlpatterns as site_urlpatterns

urlpatterns = [
    path("p/<slug:slug>/history/", petition_history, name="petition_history"),
    *site_urlpatterns,
]
