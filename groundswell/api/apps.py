from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "groundswell.api"
    label = "api"

    def ready(self) -> None:
        # Registration only: Celery tasks by name, and the webhooks' domain event subscribers.
        from groundswell.api import tasks  # noqa: F401
        from groundswell.api.webhook_events import subscribe

        subscribe()
