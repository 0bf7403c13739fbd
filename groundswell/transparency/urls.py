from django.urls import path

from groundswell.transparency.views import proofs, public

app_name = "transparency"

urlpatterns = [
    # A signer's receipt.
    path("p/<slug:slug>/receipt/<str:token>/", public.receipt, name="receipt"),
    path(
        "p/<slug:slug>/receipt/<str:token>/receipt.json",
        public.receipt_download,
        name="receipt_download",
    ),
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
]
