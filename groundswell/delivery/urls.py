from django.urls import path

from groundswell.delivery.views import organizer, public

app_name = "delivery"

ORGANIZER = "organizer/campaigns/<slug:slug>/delivery/"

urlpatterns = [
    path("p/<slug:slug>/deliveries/<int:delivery_id>/", public.delivery_detail, name="delivery"),
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
