from django.urls import path

from groundswell.transparency.views import proofs, public, tiles

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
    # The log as C2SP tiles (c2sp.org/tlog-tiles), its checkpoint a signed note.
    path("p/<slug:slug>/log/checkpoint", tiles.checkpoint, name="tlog_checkpoint"),
    path("p/<slug:slug>/log/tile/<path:tile_path>", tiles.tile, name="tlog_tile"),
    path(
        ".well-known/groundswell/transparency-keys",
        tiles.transparency_keys,
        name="transparency_keys",
    ),
]
