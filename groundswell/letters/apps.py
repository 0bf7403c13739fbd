from django.apps import AppConfig


class LettersConfig(AppConfig):
    name = "groundswell.letters"
    label = "letters"

    def ready(self) -> None:
        # Registration only (system checks, Celery tasks by name): Django's app loading is the
        # one place that imports an app's own modules from inside a function.
        from django.utils.translation import gettext_lazy as _

        from groundswell.campaigns.what_next import what_next_register
        from groundswell.letters import tasks  # noqa: F401
        from groundswell.letters.next_steps import sign_the_letter

        what_next_register("sign_letter", _("Sign the open letter"), sign_the_letter, order=10)
