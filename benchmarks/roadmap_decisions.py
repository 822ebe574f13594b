"""Submitting a roadmap version to the Collège and reading the versions, on 150 sheets × 8 criteria × 4 consultants.

.venv/bin/python manage.py migrate
.venv/bin/python benchmarks/roadmap_decisions.py [sheets criteria consultants]

Builds its own commune inside a transaction that is rolled back at the end: the database is left as it was.
"""

from _common import measure  # noqa: I001  (sets Django up first)
from _roadmap import scored_mission

import sys

from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import reverse

from roadmap.models import DecisionChoice, TimelineSettings
from roadmap.services.decisions import roadmap_decide, roadmap_submit
from territoire.models import Membership, Role
from tests.factories import UserFactory

SHEETS, CRITERIA, CONSULTANTS = (int(a) for a in (sys.argv[1:4] if len(sys.argv) > 3 else (150, 8, 4)))


class Rollback(Exception):
    pass


settings.ALLOWED_HOSTS = ["*"]
try:
    with transaction.atomic():
        mission, users = scored_mission(
            code="99992",
            name="Bench-sur-Collège",
            sheets=SHEETS,
            criteria=CRITERIA,
            consultants=CONSULTANTS,
            status="retained",
            with_money=True,
        )
        TimelineSettings.objects.create(mission=mission, start_year=2027, start_quarter=1, years=6)
        college = [UserFactory() for _ in range(5)]
        for member in college:
            Membership.objects.create(user=member, commune=mission.commune, role=Role.COLLEGE)
        measure(
            "roadmap_submit (ranking + timeline frozen)",
            lambda: roadmap_submit(mission=mission, by=users[0]),
            repeat=3,
        )
        for _ in range(14):
            version = roadmap_submit(mission=mission, by=users[0], note="Version de test")
        for member in college:
            roadmap_decide(version=version, by=member, decision=DecisionChoice.VALIDATED)
        client = Client()
        client.force_login(college[0])
        print(f"{mission.roadmap_versions.count()} versions, {len(version.snapshot['ranking'])} sheets each")
        measure("versions page", lambda: client.get(reverse("roadmap:versions", args=[mission.pk])), repeat=5)
        detail = reverse("roadmap:version-detail", args=[mission.pk, version.pk])
        measure("version page (frozen ranking and timeline)", lambda: client.get(detail), repeat=5)
        raise Rollback
except Rollback:
    pass
