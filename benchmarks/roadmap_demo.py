"""The ranking page and ``roadmap_rank`` on the large demo mission (``seed_demo --size large``).

DATABASE_URL=sqlite:////tmp/bench.sqlite3 .venv/bin/python manage.py migrate
DATABASE_URL=sqlite:////tmp/bench.sqlite3 .venv/bin/python manage.py seed_demo --size large
DATABASE_URL=sqlite:////tmp/bench.sqlite3 .venv/bin/python benchmarks/roadmap_demo.py

Reads only: the mission of ``roadmap.demo.large`` (150 sheets × 8 criteria × 4 consultants, all submitted).
"""

from _common import measure  # noqa: I001  (sets Django up first)

from io import StringIO

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from roadmap.demo.large import COMMUNE
from roadmap.models import Criterion, ProjectSheet, Score
from territoire.models import Membership, Mission, Role

settings.ALLOWED_HOSTS = ["*"]
mission = Mission.objects.filter(commune__code=COMMUNE).first()
if mission is None or not ProjectSheet.objects.filter(mission=mission).exists():
    raise SystemExit("Lancez d'abord seed_demo --size large.")
print(
    f"mission {mission.pk}: {ProjectSheet.objects.filter(mission=mission).count()} sheets × "
    f"{Criterion.objects.filter(mission=mission).count()} criteria, "
    f"{Score.objects.filter(sheet__mission=mission).count()} scores"
)
url = reverse("roadmap:ranking", args=[mission.pk])
consultant = get_user_model().objects.get(username="claire.dubois")
college = Membership.objects.filter(commune=mission.commune, role=Role.COLLEGE).first().user
for label, user in (("ranking page, consultant", consultant), ("ranking page, Collège", college)):
    client = Client()
    client.force_login(user)
    assert client.get(url).status_code == 200
    measure(label, lambda client=client: client.get(url), repeat=5)
measure(
    "roadmap_rank --format json",
    lambda: call_command("roadmap_rank", mission=mission.pk, output="json", stdout=StringIO()),
    repeat=5,
)
