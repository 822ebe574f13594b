"""Findings list and « diagnostic smart » synthesis on the large demo (Sambrevaux, 92999).

.venv/bin/python manage.py seed_demo --size large
.venv/bin/python benchmarks/findings.py
"""

from _common import measure  # noqa: I001  (sets Django up first)

from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from diagnostics.models import Answer, Finding
from diagnostics.selectors.synthesis import synthesis
from territoire.models import Mission
from django.contrib.auth import get_user_model

settings.ALLOWED_HOSTS = ["*"]
user = get_user_model().objects.get(username="claire.dubois")
client = Client()
client.force_login(user)
mission = Mission.objects.filter(commune__code="92999").first()
print(
    f"mission {mission.pk}: {Finding.objects.filter(mission=mission).count()} findings, "
    f"{Answer.objects.filter(response__campaign__mission=mission).count()} answers"
)
measure("findings list", lambda: client.get(reverse("diagnostics:finding-list", args=[mission.pk])))
measure("synthesis page (charts cached)", lambda: client.get(reverse("diagnostics:synthesis", args=[mission.pk])))


def cold():
    cache.clear()
    synthesis(mission, user=user)


measure("synthesis data, charts redrawn (cold cache)", cold)
