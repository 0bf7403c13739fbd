from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "groundswell.delivery"
    label = "delivery"
