"""Factories of the findings (needs) and their sources."""

import factory

from diagnostics.models import Finding, FindingSource, SourceKind
from tests.diagnostics.factories_fieldwork import CardFactory, InterviewFactory
from tests.factories import MissionFactory


class FindingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Finding

    mission = factory.SubFactory(MissionFactory)
    statement = factory.Sequence(lambda n: f"Constat numéro {n}")
    theme = "mobility"
    dimension = "technology"
    importance = 2

    class Params:
        critical = factory.Trait(importance=4)


class CardSourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FindingSource

    finding = factory.SubFactory(FindingFactory)
    kind = SourceKind.CARD
    card = factory.SubFactory(CardFactory, workshop__mission=factory.SelfAttribute("...finding.mission"))


class InterviewSourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FindingSource

    finding = factory.SubFactory(FindingFactory)
    kind = SourceKind.INTERVIEW
    interview = factory.SubFactory(InterviewFactory, mission=factory.SelfAttribute("..finding.mission"))


def finding_objects(tenant) -> dict:
    """A finding with one source in the tenant's mission, for the URL isolation crawler."""
    cache = tenant.__dict__.setdefault("_findings", {})
    if not cache:
        source = InterviewSourceFactory(finding=FindingFactory(mission=tenant.mission))
        cache.update(finding=source.finding, source=source)
    return cache
