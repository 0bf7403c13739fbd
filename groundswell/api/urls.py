from django.urls import path

from groundswell.api.api import api

urlpatterns = [path("api/v1/", api.urls)]
