from django.urls import path

from groundswell.letters import organizer_views, views

app_name = "letters"
urlpatterns = [
    path("letters/<slug:slug>/", views.letter, name="letter"),
    path("letters/<slug:slug>.json", views.letter_json, name="letter_json"),
    path("letters/<slug:slug>/history/", views.history, name="history"),
    path("letters/<slug:slug>/sign/", views.sign, name="sign"),
    path("letters/<slug:slug>/thanks/", views.thanks, name="thanks"),
    path("letters/<slug:slug>/verify/<str:token>/", views.verify, name="verify"),
    # Links e-mailed to work addresses: their paths name no letter (mail filters read them).
    path("address/verify/<str:token>/", views.address_verify, name="address_verify"),
    path("address/cancel/<str:token>/", views.address_cancel, name="address_cancel"),
    path("updates/confirm/<str:token>/", views.updates_confirm, name="updates_confirm"),
    path("organizer/letters/", organizer_views.letter_list, name="organizer_list"),
    path("organizer/letters/new/", organizer_views.letter_new, name="organizer_new"),
    path("organizer/letters/<slug:slug>/", organizer_views.letter_detail, name="organizer_letter"),
    path("organizer/letters/<slug:slug>/edit/", organizer_views.letter_edit, name="organizer_edit"),
    path(
        "organizer/letters/<slug:slug>/categories/new/",
        organizer_views.category_new,
        name="organizer_category_new",
    ),
    path(
        "organizer/letters/<slug:slug>/categories/<slug:category>/",
        organizer_views.category_edit,
        name="organizer_category_edit",
    ),
    path(
        "organizer/letters/<slug:slug>/signatories/",
        organizer_views.signatories,
        name="organizer_signatories",
    ),
    path(
        "organizer/letters/<slug:slug>/signatories/decide/",
        organizer_views.signatories_decide,
        name="organizer_decide",
    ),
    path(
        "organizer/letters/<slug:slug>/signatories/<str:public_id>/pin/",
        organizer_views.signatory_pin_view,
        name="organizer_pin",
    ),
    path(
        "organizer/letters/<slug:slug>/delivery.csv",
        organizer_views.delivery_export,
        name="organizer_delivery_export",
    ),
    path(
        "organizer/letters/<slug:slug>/contacts.csv",
        organizer_views.contacts_export,
        name="organizer_contacts_export",
    ),
    path(
        "organizer/letters/<slug:slug>/notify-signers/",
        organizer_views.notify_signers,
        name="organizer_notify",
    ),
    path(
        "organizer/letters/<slug:slug>/recount/", organizer_views.recount, name="organizer_recount"
    ),
    path(
        "organizer/letters/<slug:slug>/<slug:action>/",
        organizer_views.letter_action,
        name="organizer_action",
    ),
]
