import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "groundswell.config.settings")

app = Celery("groundswell")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
