"""Factories of the roadmap's tables (project sheets; scoring and funding add theirs here)."""

import factory

from roadmap.models import ProjectSheet, SheetStatus
from tests.factories import MissionFactory


class ProjectSheetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectSheet
        skip_postgeneration_save = True

    mission = factory.SubFactory(MissionFactory)
    code = factory.Sequence(lambda n: f"FP-{n + 1:02d}")
    title = factory.Sequence(lambda n: f"Projet {n + 1}")
    status = SheetStatus.PROPOSED
