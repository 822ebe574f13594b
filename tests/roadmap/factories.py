"""Factories of the roadmap's tables (project sheets; scoring and funding add theirs here)."""

from decimal import Decimal

import factory

from roadmap.models import Criterion, CriterionDirection, MatrixRole, ProjectSheet, Score, SheetStatus
from tests.factories import MissionFactory, UserFactory


class ProjectSheetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectSheet
        skip_postgeneration_save = True

    mission = factory.SubFactory(MissionFactory)
    code = factory.Sequence(lambda n: f"FP-{n + 1:02d}")
    title = factory.Sequence(lambda n: f"Projet {n + 1}")
    status = SheetStatus.PROPOSED


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    mission = factory.SubFactory(MissionFactory)
    code = factory.Sequence(lambda n: f"critere-{n + 1}")
    label = factory.Sequence(lambda n: f"Critère {n + 1}")
    weight = Decimal("1")
    position = factory.Sequence(lambda n: n)

    class Params:
        cost = factory.Trait(direction=CriterionDirection.LOWER_IS_BETTER, matrix_role=MatrixRole.EFFORT)
        impact = factory.Trait(matrix_role=MatrixRole.IMPACT)


class ScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Score

    sheet = factory.SubFactory(ProjectSheetFactory)
    criterion = factory.SubFactory(CriterionFactory, mission=factory.SelfAttribute("..sheet.mission"))
    consultant = factory.SubFactory(UserFactory)
    value = 3


def scoring_objects(tenant):
    """A sheet and a criterion of the tenant's mission, cached on the tenant (for the isolation crawler)."""
    cache = tenant.__dict__.setdefault("_scoring", {})
    if not cache:
        cache["sheet"] = ProjectSheetFactory(mission=tenant.mission)
        cache["criterion"] = CriterionFactory(mission=tenant.mission)
    return cache
