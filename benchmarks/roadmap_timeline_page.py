"""The timeline page on 150 retained sheets × 8 criteria × 4 consultants, with budget and funding lines.

.venv/bin/python manage.py migrate
.venv/bin/python benchmarks/roadmap_timeline_page.py [sheets criteria consultants]

Builds its own commune inside a transaction that is rolled back at the end: the database is left as it was.
"""

from _common import measure  # noqa: I001  (sets Django up first)

import random
import sys
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import reverse

from roadmap.models import BudgetEnvelope, BudgetLine, Criterion, FundingLine, ProjectSheet, Score
from roadmap.models import ScoringSubmission, TimelineSettings
from roadmap.selectors.timeline import mission_timeline
from territoire.models import Commune, Membership, Mission, Role
from django.contrib.auth import get_user_model

SHEETS, CRITERIA, CONSULTANTS = (int(a) for a in (sys.argv[1:4] if len(sys.argv) > 3 else (150, 8, 4)))


class Rollback(Exception):
    pass


settings.ALLOWED_HOSTS = ["*"]
try:
    with transaction.atomic():
        rng = random.Random(0)
        commune = Commune.objects.create(name="Bench-sur-Planning", code="99991")
        users = [
            get_user_model().objects.create(username=f"bench-planner-{k}", first_name=f"C{k}")
            for k in range(CONSULTANTS)
        ]
        for user in users:
            Membership.objects.create(user=user, commune=commune, role=Role.CONSULTANT)
        mission = Mission.objects.create(commune=commune, title="Banc d'essai du planning")
        mission.referents.set(users)
        criteria = Criterion.objects.bulk_create(
            Criterion(mission=mission, code=f"c{j}", label=f"Critère {j}", weight=1 + j % 3, position=j)
            for j in range(CRITERIA)
        )
        sheets = ProjectSheet.objects.bulk_create(
            ProjectSheet(mission=mission, code=f"FP-{i:03d}", title=f"Projet {i}", status="retained",
                         duration_months=rng.randint(3, 24), fte_internal=Decimal(rng.choice(["0.2", "0.5", "1"])))
            for i in range(SHEETS)
        )  # fmt: skip
        BudgetLine.objects.bulk_create(
            BudgetLine(sheet=s, label="Investissement", category="development", kind=kind, amount=amount)
            for s in sheets
            for kind, amount in (
                ("investment", Decimal(rng.randint(5, 300) * 1000)),
                ("running", Decimal(rng.randint(0, 15) * 1000)),
            )
        )
        FundingLine.objects.bulk_create(
            FundingLine(sheet=s, source="other", status="granted", amount=Decimal(rng.randint(0, 5) * 1000))
            for s in sheets
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
