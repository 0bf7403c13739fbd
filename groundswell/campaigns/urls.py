from django.urls import path

from groundswell.campaigns import versions_views, views

app_name = "campaigns"
urlpatterns = [
    path("", views.home, name="home"),
    path("p/<slug:slug>/", views.petition, name="petition"),
    path("p/<slug:slug>.json", views.petition_json, name="petition_json"),
    path("p/<slug:slug>/history/", versions_views.petition_history, name="petition_history"),
    path("p/<slug:slug>/embed/", views.petition_embed, name="petition_embed"),
    path("p/<slug:slug>/embed/thanks/", views.petition_embed_thanks, name="petition_embed_thanks"),
]
