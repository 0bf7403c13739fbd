from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "groundswell.campaigns"
    label = "campaigns"
