from django.urls import path

from groundswell.delivery.views import organizer, proofs, public

app_name = "delivery"

ORGANIZER = "organizer/campaigns/<slug:slug>/delivery/"

urlpatterns = [
    # Signers and the public.
    path("p/<slug:slug>/receipt/<str:token>/", public.receipt, name="receipt"),
    path(
        "p/<slug:slug>/receipt/<str:token>/receipt.json",
        public.receipt_download,
        name="receipt_download",
    ),
    path("p/<slug:slug>/deliveries/<int:delivery_id>/", public.delivery_detail, name="delivery"),
    path(".well-known/groundswell/checkpoint-key.pem", public.public_key, name="public_key"),
    # The transparency log as JSON.
    path("p/<slug:slug>/log/checkpoints.json", proofs.checkpoint_list, name="checkpoints"),
    path(
        "p/<slug:slug>/log/checkpoints/<int:tree_size>.json",
        proofs.checkpoint_detail,
        name="checkpoint",
    ),
    path("p/<slug:slug>/log/inclusion.json", proofs.inclusion, name="inclusion"),
    path("p/<slug:slug>/log/consistency.json", proofs.consistency, name="consistency"),
    # Organizers. Listed before the organizer app's catch-all campaign action URL.
    path(ORGANIZER, organizer.overview, name="organizer_overview"),
    path(f"{ORGANIZER}checkpoints/new/", organizer.checkpoint_new, name="organizer_checkpoint_new"),
    path(f"{ORGANIZER}packages/new/", organizer.package_new, name="organizer_package_new"),
    path(
        f"{ORGANIZER}packages/<int:package_id>/",
        organizer.package_detail,
        name="organizer_package",
    ),
    path(
        f"{ORGANIZER}packages/<int:package_id>/download/<slug:file>/",
        organizer.package_download,
        name="organizer_package_download",
    ),
    path(f"{ORGANIZER}deliveries/new/", organizer.delivery_new, name="organizer_delivery_new"),
    path(f"{ORGANIZER}withdraw/", organizer.withdraw, name="organizer_withdraw"),
]
