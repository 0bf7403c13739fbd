from django.apps import AppConfig


class TransparencyConfig(AppConfig):
    name = "groundswell.transparency"
    label = "transparency"

    def ready(self) -> None:
        # Registration only (system checks, Celery tasks by name, domain event subscribers):
        # Django's app loading is the one place that imports an app's own modules from inside a
        # function.
        from groundswell.transparency import checks, petition, subscribers, tasks  # noqa: F401

        subscribers.subscribe()
        petition.register()
