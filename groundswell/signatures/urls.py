from django.urls import path

from groundswell.signatures import views

app_name = "signatures"
urlpatterns = [
    path("p/<slug:slug>/sign/", views.sign, name="sign"),
    path("p/<slug:slug>/thanks/", views.thanks, name="thanks"),
    path("p/<slug:slug>/confirm/<str:token>/", views.confirm, name="confirm"),
    path("p/<slug:slug>/withdraw/<str:token>/", views.withdraw, name="withdraw"),
    path("p/<slug:slug>/change/<str:token>/", views.change, name="change"),
]
