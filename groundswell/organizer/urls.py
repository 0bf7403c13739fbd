from django.urls import path

from groundswell.organizer import coalition_views, member_views, views

app_name = "organizer"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("campaigns/new/", views.campaign_new, name="campaign_new"),
    path(
        "organizations/<slug:slug>/members/",
        member_views.organization_members,
        name="organization_members",
    ),
    path(
        "organizations/<slug:slug>/profile/",
        member_views.organization_profile,
        name="organization_profile",
    ),
    path(
        "organizations/<slug:slug>/members/<int:member_id>/",
        member_views.organization_member_change,
        name="organization_member_change",
    ),
    path("campaigns/<slug:slug>/", views.campaign_detail, name="campaign"),
    path("campaigns/<slug:slug>/edit/", views.campaign_edit, name="campaign_edit"),
    path("campaigns/<slug:slug>/preview/", views.campaign_preview, name="campaign_preview"),
    path("campaigns/<slug:slug>/export.csv", views.campaign_export, name="campaign_export"),
    path(
        "campaigns/<slug:slug>/version-notices/",
        views.campaign_version_notices,
        name="campaign_version_notices",
    ),
    path(
        "campaigns/<slug:slug>/partners/",
        coalition_views.campaign_partners,
        name="campaign_partners",
    ),
    path(
        "campaigns/<slug:slug>/partners/<slug:partner_slug>/remove/",
        coalition_views.campaign_partner_remove,
        name="campaign_partner_remove",
    ),
    path(
        "campaigns/<slug:slug>/contribution/",
        coalition_views.campaign_contribution,
        name="campaign_contribution",
    ),
    path(
        "campaigns/<slug:slug>/supporters.csv",
        coalition_views.campaign_supporters_export,
        name="campaign_supporters_export",
    ),
    # Last: any other single word is a status transition (POST only).
    path("campaigns/<slug:slug>/<slug:action>/", views.campaign_action, name="campaign_action"),
]
