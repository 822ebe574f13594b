"""Factories of the implementation follow-up: rows of a followed project, and one of each for the isolation crawler."""

import datetime
from decimal import Decimal

import factory

from projects.models import (
    Channel,
    Commitment,
    CommunicationAction,
    Feedback,
    Measurement,
    Milestone,
    Participant,
    ProjectDecision,
    ProjectIndicator,
    Risk,
    Spending,
)
from tests.projects.factories import FollowedProjectFactory, project_objects
from tests.roadmap.factories import BudgetLineFactory

TODAY = datetime.date(2026, 3, 16)


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    project = factory.SubFactory(FollowedProjectFactory)
    label = factory.Sequence(lambda n: f"Jalon {n + 1}")
    baseline_date = datetime.date(2026, 6, 1)
    current_date = factory.SelfAttribute("baseline_date")


class CommitmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commitment

    project = factory.SubFactory(FollowedProjectFactory)
    budget_line = factory.LazyAttribute(lambda o: BudgetLineFactory(sheet=o.project.sheet))
    amount = Decimal("5000.00")
    date = datetime.date(2026, 1, 15)
    supplier = "Fournisseur SA"


class SpendingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Spending

    project = factory.SubFactory(FollowedProjectFactory)
    budget_line = factory.LazyAttribute(lambda o: BudgetLineFactory(sheet=o.project.sheet))
    amount = Decimal("1000.00")
    date = datetime.date(2026, 2, 1)
    invoice_ref = factory.Sequence(lambda n: f"F-{n + 1:04d}")


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectIndicator

    project = factory.SubFactory(FollowedProjectFactory)
    label = factory.Sequence(lambda n: f"Indicateur {n + 1}")
    target = Decimal("100")


class MeasurementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measurement

    indicator = factory.SubFactory(IndicatorFactory)
    date = datetime.date(2026, 2, 1)
    value = Decimal("10")


class RiskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Risk

    project = factory.SubFactory(FollowedProjectFactory)
    description = factory.Sequence(lambda n: f"Risque {n + 1}")
    probability = 3
    impact = 4


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    project = factory.SubFactory(FollowedProjectFactory)
    name = factory.Sequence(lambda n: f"Participant {n + 1}")
    group = "Agents"


class FeedbackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Feedback

    participant = factory.SubFactory(ParticipantFactory)
    project = factory.SelfAttribute("participant.project")
    date = datetime.date(2026, 2, 1)
    text = "Le bouton est difficile à trouver."


class CommunicationActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommunicationAction

    project = factory.SubFactory(FollowedProjectFactory)
    action = factory.Sequence(lambda n: f"Annonce {n + 1}")
    audience = "Citoyens"
    channel = Channel.WEBSITE
    date = datetime.date(2026, 4, 1)


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectDecision

    project = factory.SubFactory(FollowedProjectFactory)
    date = datetime.date(2026, 2, 10)
    decision = "Lancer la phase de test."
    decided_by = "Comité de pilotage"


def implementation_objects(tenant) -> dict:
    """One row of each kind on the tenant's followed project, for the isolation crawler (``tests/url_kwargs.py``)."""
    cache = tenant.__dict__.setdefault("_implementation", {})
    if not cache:
        project = project_objects(tenant)["project"]
        indicator = IndicatorFactory(project=project, label=f"Indicateur de {tenant.commune.name}")
        participant = ParticipantFactory(project=project, name=f"Testeur de {tenant.commune.name}")
        cache.update(
            milestone=MilestoneFactory(project=project, label=f"Jalon de {tenant.commune.name}"),
            commitment=CommitmentFactory(project=project, supplier=f"Fournisseur de {tenant.commune.name}"),
            spending=SpendingFactory(project=project),
            indicator=indicator,
            measurement=MeasurementFactory(indicator=indicator),
            risk=RiskFactory(project=project, description=f"Risque de {tenant.commune.name}"),
            participant=participant,
            feedback=FeedbackFactory(participant=participant, text=f"Retour de {tenant.commune.name}"),
            action=CommunicationActionFactory(project=project, action=f"Annonce de {tenant.commune.name}"),
        )
    return cache
