"""Factories of the diagnostic's fieldwork: interviews, workshops, inventory, initiatives."""

import datetime as dt

import factory
from django.utils import timezone

from diagnostics.models import (
    CardVote,
    ChallengeCard,
    DataFlow,
    DigitalSystem,
    FunctionCategory,
    Initiative,
    Interview,
    Interviewee,
    InterviewGuide,
    Workshop,
)
from tests.factories import CommuneFactory, MissionFactory, UserFactory


class InterviewGuideFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InterviewGuide

    author = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Guide {n}")


class InterviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interview

    mission = factory.SubFactory(MissionFactory)
    scheduled_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=3))
    interviewer = factory.SubFactory(UserFactory)
    location = "Maison communale, bureau 2"

    class Params:
        done = factory.Trait(status=Interview.Status.DONE, scheduled_at=factory.LazyFunction(timezone.now))


class IntervieweeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interviewee

    interview = factory.SubFactory(InterviewFactory)
    name = factory.Faker("name", locale="fr_BE")
    function = "Chef de service"
    audience = "staff"


class WorkshopFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workshop

    mission = factory.SubFactory(MissionFactory)
    title = factory.Sequence(lambda n: f"Midi du Smart {n}")
    date = factory.LazyFunction(timezone.now)
    location = "Salle du conseil"

    class Params:
        voting = factory.Trait(phase=Workshop.Phase.VOTING)
        selecting = factory.Trait(phase=Workshop.Phase.SELECTION)
        closed = factory.Trait(phase=Workshop.Phase.CLOSED)


class CardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChallengeCard

    workshop = factory.SubFactory(WorkshopFactory)
    text = factory.Sequence(lambda n: f"Défi numéro {n} pour la commune")
    theme = "mobility"


class CardVoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CardVote

    card = factory.SubFactory(CardFactory)
    participant = factory.Sequence(lambda n: f"participant-{n}")


class SystemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DigitalSystem

    commune = factory.SubFactory(CommuneFactory)
    name = factory.Sequence(lambda n: f"Logiciel {n}")
    category = FunctionCategory.OTHER
    vendor = "Éditeur SA"


class FlowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DataFlow

    commune = factory.LazyAttribute(lambda f: (f.source or f.target).commune)
    source = factory.SubFactory(SystemFactory)
    target = factory.SubFactory(SystemFactory, commune=factory.SelfAttribute("..source.commune"))
    data = "Adresses des citoyens"
    mode = DataFlow.Mode.MANUAL


class InitiativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Initiative

    commune = factory.SubFactory(CommuneFactory)
    title = factory.Sequence(lambda n: f"Initiative {n}")
    kind = Initiative.Kind.PARTICIPATION
    theme = "governance"


def fieldwork_objects(tenant) -> dict:
    """One object of each kind in the tenant's commune, for the URL isolation crawler."""
    cache = tenant.__dict__.setdefault("_fieldwork", {})
    if not cache:
        interview = InterviewFactory(mission=tenant.mission, interviewer=tenant.consultant)
        IntervieweeFactory(interview=interview)
        workshop = WorkshopFactory(mission=tenant.mission)
        system = SystemFactory(commune=tenant.commune)
        cache.update(
            interview=interview,
            guide=InterviewGuideFactory(author=tenant.consultant),
            workshop=workshop,
            card=CardFactory(workshop=workshop),
            system=system,
            flow=FlowFactory(source=system, target=SystemFactory(commune=tenant.commune)),
            initiative=InitiativeFactory(commune=tenant.commune),
        )
    return cache
