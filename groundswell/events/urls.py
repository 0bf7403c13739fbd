from django.urls import path

from groundswell.events import views

app_name = "events"
urlpatterns = [
    path("e/<slug:slug>/", views.event_page, name="event"),
    path("e/<slug:slug>.json", views.event_json, name="event_json"),
    path("e/<slug:slug>.ics", views.event_calendar, name="event_calendar"),
    path("e/<slug:slug>/qr.svg", views.event_qr, name="event_qr"),
    path("e/<slug:slug>/poster/", views.event_poster, name="event_poster"),
    path("e/<slug:slug>/thanks/", views.rsvp_thanks, name="rsvp_thanks"),
    # Links e-mailed to people who RSVP'd: their tokens are taken out of logged paths
    # (groundswell.core.log_format) by the word before them.
    path("e/<slug:slug>/confirm/<str:token>/", views.rsvp_confirm_view, name="rsvp_confirm"),
    path("e/<slug:slug>/ticket/<str:token>/", views.rsvp_ticket, name="rsvp_ticket"),
    path("e/<slug:slug>/ticket/<str:token>/qr.png", views.rsvp_qr, name="rsvp_qr"),
    path(
        "e/<slug:slug>/ticket/<str:token>/calendar.ics",
        views.rsvp_calendar,
        name="rsvp_calendar",
    ),
    path("e/<slug:slug>/cancel/<str:token>/", views.rsvp_cancel_view, name="rsvp_cancel"),
]
