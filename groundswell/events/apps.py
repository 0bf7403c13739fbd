from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "groundswell.events"
    label = "events"

    def ready(self) -> None:
        # Registration only (system checks, Celery tasks by name, petition sections): Django's
        # app loading is the one place that imports an app's own modules from inside a function.
        from groundswell.events import checks, petition, tasks  # noqa: F401

        petition.register()
