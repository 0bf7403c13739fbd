from django.apps import AppConfig


class UpdatesConfig(AppConfig):
    name = "groundswell.updates"
    label = "updates"

    def ready(self) -> None:
        # Registration only (the built-in audiences, Celery tasks by name, the receiver of mail
        # providers' tracking webhooks): Django's app loading is the one place that imports an
        # app's own modules from inside a function.
        from groundswell.updates import audiences, suppressions, tasks  # noqa: F401

        audiences.register_built_in()
        suppressions.subscribe()
