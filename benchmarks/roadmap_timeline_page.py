"""The timeline page on 150 retained sheets × 8 criteria × 4 consultants, with budget and funding lines.

.venv/bin/python manage.py migrate
.venv/bin/python benchmarks/roadmap_timeline_page.py [sheets criteria consultants]

Builds its own commune inside a transaction that is rolled back at the end: the database is left as it was.
"""

from _common import measure  # noqa: I001  (sets Django up first)
from _roadmap import scored_mission

import sys
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import reverse

from roadmap.models import BudgetEnvelope, TimelineSettings
from roadmap.selectors.timeline import mission_timeline

SHEETS, CRITERIA, CONSULTANTS = (int(a) for a in (sys.argv[1:4] if len(sys.argv) > 3 else (150, 8, 4)))


class Rollback(Exception):
    pass


settings.ALLOWED_HOSTS = ["*"]
try:
    with transaction.atomic():
        mission, users = scored_mission(
            code="99991",
            name="Bench-sur-Planning",
            sheets=SHEETS,
            criteria=CRITERIA,
            consultants=CONSULTANTS,
            status="retained",
            with_money=True,
        )
        TimelineSettings.objects.create(mission=mission, start_year=2027, start_quarter=1, years=6, fte_capacity=10)
        BudgetEnvelope.objects.bulk_create(
            BudgetEnvelope(mission=mission, year=2027 + k, amount=Decimal(2_500_000)) for k in range(6)
        )
        client = Client()
        client.force_login(users[0])
        url = reverse("roadmap:timeline", args=[mission.pk])
        result = mission_timeline(mission)
        print(
            f"mission {mission.pk}: {SHEETS} sheets × {CRITERIA} criteria × {CONSULTANTS} consultants; "
            f"{len(result.scheduled)} scheduled, {len(result.unscheduled)} not"
        )
        measure("timeline selector (ranking included)", lambda: mission_timeline(mission), repeat=5)
        measure("timeline page", lambda: client.get(url), repeat=5)
        raise Rollback
except Rollback:
    pass
