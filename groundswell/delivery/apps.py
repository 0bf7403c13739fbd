from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "groundswell.delivery"
    label = "delivery"

    def ready(self) -> None:
        # Registration only (Celery tasks by name, domain event subscribers):
        # Django's app loading is the one place that imports an app's own modules from inside a
        # function.
        from groundswell.delivery import petition, subscribers, tasks  # noqa: F401

        subscribers.subscribe()
        petition.register()
