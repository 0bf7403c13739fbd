from django.urls import path

from groundswell.signatures import petition_views as views

# The petition's public pages keep the "campaigns" namespace: their names are in templates.
app_name = "campaigns"
urlpatterns = [
    path("", views.home, name="home"),
    path("p/<slug:slug>/", views.petition, name="petition"),
    path("p/<slug:slug>.json", views.petition_json, name="petition_json"),
    path("p/<slug:slug>/comments/", views.petition_comments, name="petition_comments"),
    path("p/<slug:slug>/share.png", views.petition_share_image, name="petition_share_image"),
    path("p/<slug:slug>/history.json", views.petition_history_json, name="petition_history_json"),
    path("p/<slug:slug>/qr.svg", views.petition_qr, name="petition_qr"),
    path("p/<slug:slug>/poster/", views.petition_poster, name="petition_poster"),
    path("p/<slug:slug>/history/", views.petition_history, name="petition_history"),
    path("p/<slug:slug>/embed/", views.petition_embed, name="petition_embed"),
    path("p/<slug:slug>/embed/thanks/", views.petition_embed_thanks, name="petition_embed_thanks"),
]
