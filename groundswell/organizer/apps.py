from django.apps import AppConfig


class OrganizerConfig(AppConfig):
    name = "groundswell.organizer"
    label = "organizer"
