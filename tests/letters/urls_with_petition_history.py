"""The site's URLs plus the petition history page, until the lead wires it in campaigns/urls.py."""

from django.urls import path

from groundswell.config.urls import urlpatterns as site_urlpatterns
from groundswell.signatures.petition_views import petition_history

urlpatterns = [
    path("p/<slug:slug>/history/", petition_history, name="petition_history"),
    *site_urlpatterns,
]
