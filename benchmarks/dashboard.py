"""Dashboard, commune and mission pages for a consultant of 60+ communes.

.venv/bin/python manage.py seed_demo --size large
.venv/bin/python benchmarks/dashboard.py
"""

from _common import measure  # noqa: I001  (sets Django up first)

from django.conf import settings
from django.test import Client
from django.urls import reverse

from territoire.models import Commune, Mission
from django.contrib.auth import get_user_model

settings.ALLOWED_HOSTS = ["*"]
user = get_user_model().objects.get(username="claire.dubois")
client = Client()
client.force_login(user)
commune = Commune.objects.filter(code="61099").first()
mission = Mission.objects.filter(commune=commune).first()
print(f"communes visible to claire.dubois: {Commune.objects.for_user(user).count()}")
measure("dashboard", lambda: client.get(reverse("territoire:dashboard")))
measure("commune page", lambda: client.get(reverse("territoire:commune-detail", args=[commune.pk])))
measure("mission page", lambda: client.get(reverse("territoire:mission-detail", args=[mission.pk])))
