"""Factories of the AMO follow-up: a followed project starts from a retained sheet of the same mission."""

import factory

from projects.models import FollowedProject
from roadmap.models import SheetStatus
from tests.roadmap.factories import ProjectSheetFactory


class FollowedProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowedProject
        skip_postgeneration_save = True

    sheet = factory.SubFactory(ProjectSheetFactory, status=SheetStatus.RETAINED)
    mission = factory.SelfAttribute("sheet.mission")
    title = factory.SelfAttribute("sheet.title")


def project_objects(tenant) -> dict:
    """One followed project of the tenant's mission, for the isolation crawler (``tests/url_kwargs.py``)."""
    cache = tenant.__dict__.setdefault("_projects", {})
    if not cache:
        sheet = ProjectSheetFactory(mission=tenant.mission, status=SheetStatus.RETAINED)
        cache.update(project=FollowedProjectFactory(sheet=sheet, title=f"Projet suivi de {tenant.commune.name}"))
    return cache
