"""The ranking page and ``roadmap_rank`` on 150 sheets × 8 criteria × 4 consultants (4 800 scores).

.venv/bin/python manage.py migrate
.venv/bin/python benchmarks/roadmap_ranking_page.py [sheets criteria consultants]

Builds its own commune inside a transaction that is rolled back at the end: the database is left as it was.
"""

from _common import measure  # noqa: I001  (sets Django up first)
from _roadmap import scored_mission

import sys
from io import StringIO

from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse

from roadmap.selectors.ranking import mission_ranking

# Sizes from the command line (sheets criteria consultants), 150 × 8 × 4 by default.
SHEETS, CRITERIA, CONSULTANTS = (int(a) for a in (sys.argv[1:4] if len(sys.argv) > 3 else (150, 8, 4)))


class Rollback(Exception):
    pass


settings.ALLOWED_HOSTS = ["*"]
try:
    with transaction.atomic():
        mission, users = scored_mission(
            code="99990",
            name="Bench-sur-Classement",
            sheets=SHEETS,
            criteria=CRITERIA,
            consultants=CONSULTANTS,
            status="proposed",
        )
        client = Client()
        client.force_login(users[0])
        url = reverse("roadmap:ranking", args=[mission.pk])
        print(f"mission {mission.pk}: {SHEETS} sheets × {CRITERIA} criteria × {CONSULTANTS} consultants")
        measure("ranking selector (1 000 draws)", lambda: mission_ranking(mission), repeat=5)
        measure("ranking page", lambda: client.get(url), repeat=5)
        measure(
            f"scoring grid page ({SHEETS * CRITERIA} cells)",
            lambda: client.get(reverse("roadmap:scoring-grid", args=[mission.pk])),
            repeat=3,
        )
        measure(
            "roadmap_rank --format json",
            lambda: call_command("roadmap_rank", mission=mission.pk, output="json", stdout=StringIO()),
            repeat=5,
        )
        raise Rollback
except Rollback:
    pass
