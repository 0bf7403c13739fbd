from django.apps import AppConfig


class LettersConfig(AppConfig):
    name = "groundswell.letters"
    label = "letters"

    def ready(self) -> None:
        # Registration only (system checks, Celery tasks by name): Django's app loading is the
        # one place that imports an app's own modules from inside a function.
        from groundswell.letters import tasks  # noqa: F401
