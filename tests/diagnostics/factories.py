"""Factories of the diagnostic: questionnaires with questions of each type, campaigns, responses."""

from datetime import timedelta

import factory
from django.utils import timezone

from diagnostics.models import Audience, Campaign, Choice, Invitation, Question, Questionnaire, QuestionType, Section
from tests.factories import MissionFactory


class QuestionnaireFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Questionnaire

    mission = factory.SubFactory(MissionFactory)
    title = factory.Sequence(lambda n: f"Questionnaire {n}")


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    questionnaire = factory.SubFactory(QuestionnaireFactory)
    title = factory.Sequence(lambda n: f"Section {n}")
    position = factory.Sequence(lambda n: n + 1)


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question
        skip_postgeneration_save = True

    section = factory.SubFactory(SectionFactory)
    questionnaire = factory.LazyAttribute(lambda q: q.section.questionnaire)
    text = factory.Sequence(lambda n: f"Question {n} ?")
    type = QuestionType.SHORT_TEXT
    position = factory.Sequence(lambda n: n + 1)

    @factory.post_generation
    def choices(self, create, extracted, **kwargs):
        if create and extracted:
            for n, label in enumerate(extracted, start=1):
                Choice.objects.create(question=self, label=label.lstrip("+"), position=n, is_other=label[0] == "+")


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    questionnaire = factory.SubFactory(QuestionnaireFactory)
    mission = factory.LazyAttribute(lambda c: c.questionnaire.mission)
    title = factory.Sequence(lambda n: f"Campagne {n}")
    audience = Audience.STAFF
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=20))


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    campaign = factory.SubFactory(CampaignFactory)
    email = factory.Sequence(lambda n: f"personne{n}@example.org")


def full_questionnaire(mission):
    """A questionnaire with one question of every type, in two sections; returns (questionnaire, questions by type)."""
    questionnaire = QuestionnaireFactory(mission=mission, title="Questionnaire complet")
    first = SectionFactory(questionnaire=questionnaire, title="Première section", position=1)
    second = SectionFactory(questionnaire=questionnaire, title="Deuxième section", position=2)
    q = {}
    q["short_text"] = QuestionFactory(section=first, type=QuestionType.SHORT_TEXT, text="Votre fonction ?")
    q["single"] = QuestionFactory(
        section=first, type=QuestionType.SINGLE, text="Votre service ?", choices=["Travaux", "Finances", "+Autre"]
    )
    q["likert"] = QuestionFactory(
        section=first,
        type=QuestionType.LIKERT,
        text="La commune a une vision numérique claire.",
        required=True,
        counts_for_maturity=True,
        dimension="institutions",
        theme="governance",
    )
    q["multiple"] = QuestionFactory(
        section=first, type=QuestionType.MULTIPLE, text="Outils utilisés ?", choices=["Courriel", "GED", "+Autre"]
    )
    q["rating"] = QuestionFactory(
        section=second,
        type=QuestionType.RATING,
        text="Note des services en ligne ?",
        counts_for_maturity=True,
        dimension="technology",
        theme="administration",
    )
    q["number"] = QuestionFactory(
        section=second,
        type=QuestionType.NUMBER,
        text="Heures de formation ?",
        config={"unit": "h", "min": 0, "max": 500},
    )
    q["yes_no"] = QuestionFactory(
        section=second,
        type=QuestionType.YES_NO,
        text="Open data ?",
        counts_for_maturity=True,
        dimension="technology",
        theme="governance",
    )
    q["ranking"] = QuestionFactory(
        section=second, type=QuestionType.RANKING, text="Priorités ?", choices=["Mobilité", "Énergie", "Cadre de vie"]
    )
    q["matrix"] = QuestionFactory(
        section=second,
        type=QuestionType.MATRIX,
        text="Collaboration ?",
        config={"rows": ["Voisins", "Entreprises"]},
        counts_for_maturity=True,
        dimension="people",
        theme="governance",
    )
    q["long_text"] = QuestionFactory(section=second, type=QuestionType.LONG_TEXT, text="Une idée ?")
    return questionnaire, q


def tenant_objects(tenant):
    """One questionnaire (with a section, a question and a campaign) per tenant, for the URL crawler."""
    cached = getattr(tenant, "_diagnostics", None)
    if cached is None:
        section = SectionFactory(questionnaire=QuestionnaireFactory(mission=tenant.mission))
        question = QuestionFactory(section=section)
        campaign = CampaignFactory(questionnaire=section.questionnaire, audience=Audience.STAFF)
        cached = tenant._diagnostics = {
            "questionnaire": section.questionnaire,
            "section": section,
            "question": question,
            "campaign": campaign,
        }
    return cached
