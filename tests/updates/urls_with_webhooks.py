"""The URLconf as it is with EMAIL_PROVIDER set: the mail provider's webhooks are mounted."""

from django.urls import include, path

from groundswell.config.urls import handler400  # noqa: F401
from groundswell.config.urls import urlpatterns as base_urlpatterns

urlpatterns = [*base_urlpatterns, path("anymail/", include("anymail.urls"))]
