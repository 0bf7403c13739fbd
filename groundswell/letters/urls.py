from django.urls import path

from groundswell.letters import views

app_name = "letters"
urlpatterns = [
    path("letters/<slug:slug>/", views.letter, name="letter"),
    path("letters/<slug:slug>.json", views.letter_json, name="letter_json"),
    path("letters/<slug:slug>/share.png", views.share_image, name="share_image"),
    path("letters/<slug:slug>/history/", views.history, name="history"),
    path("letters/<slug:slug>/sign/", views.sign, name="sign"),
    path("letters/<slug:slug>/thanks/", views.thanks, name="thanks"),
    path("letters/<slug:slug>/verify/<str:token>/", views.verify, name="verify"),
    # Links e-mailed to work addresses: their paths name no letter (mail filters read them).
    path("address/verify/<str:token>/", views.address_verify, name="address_verify"),
    path("address/cancel/<str:token>/", views.address_cancel, name="address_cancel"),
    path("updates/confirm/<str:token>/", views.updates_confirm, name="updates_confirm"),
]
