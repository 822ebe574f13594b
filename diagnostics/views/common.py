"""Loading helpers shared by the diagnostic's views: every object goes through ``territoire.access``
and must belong to the mission (and questionnaire) named in the URL."""

from django.db.models import Prefetch

from diagnostics.models import Campaign, Choice, Question, Questionnaire, Section
from territoire import access


def load_questionnaire(request, mission_id, questionnaire_id, *, perm=access.can_manage_mission) -> Questionnaire:
    return access.load(
        request.user,
        Questionnaire.objects.filter(mission_id=mission_id).select_related("mission__commune"),
        pk=questionnaire_id,
        perm=perm,
    )


def load_section(request, mission_id, questionnaire_id, section_id) -> Section:
    return access.load(
        request.user,
        Section.objects.filter(questionnaire__mission_id=mission_id, questionnaire_id=questionnaire_id).select_related(
            "questionnaire__mission__commune"
        ),
        pk=section_id,
        perm=access.can_manage_mission,
    )


def load_question(request, mission_id, questionnaire_id, question_id) -> Question:
    return access.load(
        request.user,
        Question.objects.filter(
            questionnaire__mission_id=mission_id, questionnaire_id=questionnaire_id
        ).select_related("questionnaire__mission__commune", "section"),
        pk=question_id,
        perm=access.can_manage_mission,
    )


def load_campaign(request, mission_id, campaign_id, *, perm=access.can_manage_mission) -> Campaign:
    return access.load(
        request.user,
        Campaign.objects.filter(mission_id=mission_id).select_related("mission__commune", "questionnaire"),
        pk=campaign_id,
        perm=perm,
    )


def sections_with_questions(questionnaire):
    return questionnaire.sections.prefetch_related(
        Prefetch(
            "questions",
            queryset=Question.objects.select_related("show_if_choice__question").prefetch_related(
                Prefetch("choices", queryset=Choice.objects.order_by("position", "pk"))
            ),
        )
    )


def builder_context(questionnaire) -> dict:
    from diagnostics.forms.questionnaires import QuestionAddForm, SectionForm

    sections = list(sections_with_questions(questionnaire))
    return {
        "mission": questionnaire.mission,
        "commune": questionnaire.mission.commune,
        "questionnaire": questionnaire,
        "sections": sections,
        "question_count": sum(len(s.questions.all()) for s in sections),
        "locked": questionnaire.is_locked(),
        "campaigns": questionnaire.campaigns.order_by("-opens_at"),
        "section_form": SectionForm(),
        "question_form": QuestionAddForm(),
    }
