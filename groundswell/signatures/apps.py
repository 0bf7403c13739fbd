from django.apps import AppConfig


class SignaturesConfig(AppConfig):
    name = "groundswell.signatures"
    label = "signatures"
