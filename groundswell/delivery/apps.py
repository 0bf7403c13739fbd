from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "groundswell.delivery"
    label = "delivery"

    def ready(self) -> None:
        from groundswell.delivery import checks  # noqa: F401  (registers the system checks)
