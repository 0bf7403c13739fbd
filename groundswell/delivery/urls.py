from django.urls import path

from groundswell.delivery.views import public

app_name = "delivery"

urlpatterns = [
    path("p/<slug:slug>/deliveries/<int:delivery_id>/", public.delivery_detail, name="delivery"),
    path("p/<slug:slug>/timeline.json", public.petition_timeline_json, name="timeline_json"),
]
