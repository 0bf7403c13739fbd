from django.apps import AppConfig


class CoalitionsConfig(AppConfig):
    name = "groundswell.coalitions"
    label = "coalitions"

    def ready(self) -> None:
        # Registration only: the next step offered after confirming a signature.
        from groundswell.campaigns.what_next import what_next_register
        from groundswell.coalitions.next_steps import LABEL, follow_a_partner

        what_next_register("follow_partner", LABEL, follow_a_partner, order=90)
