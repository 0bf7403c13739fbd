from django.apps import AppConfig


class SignaturesConfig(AppConfig):
    name = "groundswell.signatures"
    label = "signatures"

    def ready(self) -> None:
        # Registration only (system checks, Celery tasks by name): Django's app loading is the
        # one place that imports an app's own modules from inside a function.
        from groundswell.signatures import tasks  # noqa: F401
