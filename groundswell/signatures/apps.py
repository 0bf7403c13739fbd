from django.apps import AppConfig


class SignaturesConfig(AppConfig):
    name = "groundswell.signatures"
    label = "signatures"

    def ready(self) -> None:
        # Registration only (system checks, Celery tasks by name): Django's app loading is the
        # one place that imports an app's own modules from inside a function.
        from django.utils.translation import gettext_lazy as _

        from groundswell.campaigns.what_next import what_next_register
        from groundswell.core.jobs import between_batches_register
        from groundswell.signatures import tasks  # noqa: F401
        from groundswell.signatures.next_steps import share_the_petition
        from groundswell.signatures.tallies import counts_publish_all_if_due

        what_next_register("share", _("Share the petition"), share_the_petition, order=50)
        # A worker busy with a long drain still publishes the counts on time.
        between_batches_register(counts_publish_all_if_due)
