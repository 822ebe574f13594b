"""The ranking page and ``roadmap_rank`` on 150 sheets × 8 criteria × 4 consultants (4 800 scores).

.venv/bin/python manage.py migrate
.venv/bin/python benchmarks/roadmap_ranking_page.py [sheets criteria consultants]

Builds its own commune inside a transaction that is rolled back at the end: the database is left as it was.
"""

from _common import measure  # noqa: I001  (sets Django up first)

import random
import sys
from io import StringIO

from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse

from roadmap.models import Criterion, ProjectSheet, Score, ScoringSubmission
from roadmap.selectors.ranking import mission_ranking
from territoire.models import Commune, Membership, Mission, Role
from django.contrib.auth import get_user_model

# Sizes from the command line (sheets criteria consultants), 150 × 8 × 4 by default.
SHEETS, CRITERIA, CONSULTANTS = (int(a) for a in (sys.argv[1:4] if len(sys.argv) > 3 else (150, 8, 4)))


class Rollback(Exception):
    pass


settings.ALLOWED_HOSTS = ["*"]
try:
    with transaction.atomic():
        rng = random.Random(0)
        commune = Commune.objects.create(name="Bench-sur-Classement", code="99990")
        users = [
            get_user_model().objects.create(username=f"bench-consultant-{k}", first_name=f"C{k}")
            for k in range(CONSULTANTS)
        ]
        for user in users:
            Membership.objects.create(user=user, commune=commune, role=Role.CONSULTANT)
        mission = Mission.objects.create(commune=commune, title="Banc d'essai")
        mission.referents.set(users)
        criteria = Criterion.objects.bulk_create(
            Criterion(mission=mission, code=f"c{j}", label=f"Critère {j}", weight=1 + j % 3, position=j,
                      direction="lower" if j == 0 else "higher",
                      matrix_role="effort" if j in (0, 1) else "impact" if j in (2, 3) else "none")
            for j in range(CRITERIA)
        )  # fmt: skip
        sheets = ProjectSheet.objects.bulk_create(
            ProjectSheet(mission=mission, code=f"FP-{i:03d}", title=f"Projet {i}", status="proposed")
            for i in range(SHEETS)
        )
        Score.objects.bulk_create(
            Score(sheet=s, criterion=c, consultant=u, value=rng.randint(1, 5))
            for s in sheets
            for c in criteria
            for u in users
        )
        for i in range(1, SHEETS, 5):
            sheets[i].prerequisites.add(sheets[i - 1])
        ScoringSubmission.objects.bulk_create(ScoringSubmission(mission=mission, consultant=u) for u in users)
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
