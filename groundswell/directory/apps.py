from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "groundswell.directory"
    label = "directory"

    def ready(self) -> None:
        # Registration only: what the directory lists.
        from groundswell.directory.listings import events_upcoming, letters_open, petitions
        from groundswell.directory.providers import directory_provider_register

        directory_provider_register("petitions", petitions, order=10)
        directory_provider_register("letters", letters_open, order=20)
        directory_provider_register("events", events_upcoming, order=30)
