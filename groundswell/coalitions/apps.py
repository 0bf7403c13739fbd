from django.apps import AppConfig


class CoalitionsConfig(AppConfig):
    name = "groundswell.coalitions"
    label = "coalitions"
