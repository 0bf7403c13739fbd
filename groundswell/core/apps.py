from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "groundswell.core"
    label = "core"

    def ready(self) -> None:
        # Registration only (system checks, Celery tasks by name): Django's app loading is the
        # one place that imports an app's own modules from inside a function.
        from groundswell.core import checks, tasks  # noqa: F401
