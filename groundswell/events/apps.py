from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "groundswell.events"
    label = "events"

    def ready(self) -> None:
        # Registration only (system checks, Celery tasks by name, petition sections): Django's
        # app loading is the one place that imports an app's own modules from inside a function.
        from groundswell.campaigns.what_next import what_next_register
        from groundswell.events import checks, petition, tasks  # noqa: F401
        from groundswell.events.next_steps import LABEL, rsvp_to_the_event

        petition.register()
        what_next_register("rsvp", LABEL, rsvp_to_the_event, order=20)
