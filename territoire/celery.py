import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "territoire.settings")

app = Celery("territoire")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
