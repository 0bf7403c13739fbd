from django.urls import path

from groundswell.organizer import views

app_name = "organizer"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("campaigns/new/", views.campaign_new, name="campaign_new"),
    path("campaigns/<slug:slug>/", views.campaign_detail, name="campaign"),
    path("campaigns/<slug:slug>/edit/", views.campaign_edit, name="campaign_edit"),
    path("campaigns/<slug:slug>/preview/", views.campaign_preview, name="campaign_preview"),
    path("campaigns/<slug:slug>/export.csv", views.campaign_export, name="campaign_export"),
    path("campaigns/<slug:slug>/<slug:action>/", views.campaign_action, name="campaign_action"),
]
