"""Factories of the SPMM phases: answers, notes, documents and transitions of a followed project."""

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from projects.models import (
    AnswerStatus,
    ChecklistAnswer,
    ChecklistQuestion,
    PhaseDocument,
    PhaseNote,
    PhaseTransition,
    ProjectPhase,
)
from tests.projects.factories import FollowedProjectFactory, project_objects


class ChecklistQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChecklistQuestion

    phase = ProjectPhase.PREREQUISITES
    order = factory.Sequence(lambda n: 100 + n)
    topic = "Thème"
    text = factory.Sequence(lambda n: f"Question de test {n} ?")


class ChecklistAnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChecklistAnswer

    project = factory.SubFactory(FollowedProjectFactory)
    question = factory.SubFactory(ChecklistQuestionFactory)
    status = AnswerStatus.YES


class PhaseNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PhaseNote

    project = factory.SubFactory(FollowedProjectFactory)
    phase = ProjectPhase.PREREQUISITES
    text = "Note de test"


class PhaseDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PhaseDocument

    project = factory.SubFactory(FollowedProjectFactory)
    phase = ProjectPhase.PREREQUISITES
    title = "Compte rendu"
    file_name = "compte-rendu.pdf"
    stored_name = factory.Sequence(lambda n: f"doc{n:08d}")
    file = factory.LazyAttribute(lambda o: ContentFile(b"%PDF-1.4 test", name="compte-rendu.pdf"))
    size = 13


class PhaseTransitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PhaseTransition

    project = factory.SubFactory(FollowedProjectFactory)
    from_phase = ProjectPhase.PREREQUISITES
    to_phase = ProjectPhase.PLANNING
    decided_at = factory.LazyFunction(timezone.now)


def phase_objects(tenant) -> dict:
    """A document of the crawler's project (``tests/url_kwargs.py``)."""
    cache = tenant.__dict__.setdefault("_project_phases", {})
    if not cache:
        project = project_objects(tenant)["project"]
        cache.update(document=PhaseDocumentFactory(project=project))
    return cache
