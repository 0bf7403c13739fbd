from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "groundswell.campaigns"
    label = "campaigns"

    def ready(self) -> None:
        # Registration only: Celery tasks by name.
        from groundswell.campaigns import tasks  # noqa: F401
