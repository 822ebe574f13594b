"""Writes on questionnaires, their sections, questions and choices: keyword-only ``<entity>_<action>`` functions.

Campaigns live in :mod:`diagnostics.services.campaigns`; answers and submissions in
:mod:`diagnostics.services.respond`.
"""

import logging

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from diagnostics.builtin import BUILTIN_TEMPLATES, template_sections
from diagnostics.models import (
    CHOICE_TYPES,
    SCORED_TYPES,
    Choice,
    FindingSource,
    Question,
    Questionnaire,
    QuestionType,
    Section,
)
from diagnostics.services.findings import citation_refusal
from diagnostics.services.respond import answer_scores_recompute

logger = logging.getLogger(__name__)


class StructureLocked(Exception):
    """A structural edit was refused because the questionnaire already has responses."""


# --- Questionnaires -----------------------------------------------------------------------------


@transaction.atomic
def questionnaire_create(*, mission, by, title: str, description: str = "") -> Questionnaire:
    questionnaire = Questionnaire(mission=mission, title=title, description=description)
    questionnaire._history_user = by
    questionnaire.save()
    Section.objects.create(questionnaire=questionnaire, title=_("Section 1"), position=1)
    logger.info("questionnaire_created questionnaire=%s mission=%s by=%s", questionnaire.pk, mission.pk, by.pk)
    return questionnaire


@transaction.atomic
def questionnaire_load_builtin(*, mission, by, key: str) -> Questionnaire:
    meta = BUILTIN_TEMPLATES[key]
    questionnaire = Questionnaire(
        mission=mission, title=str(meta["title"]), description=str(meta["description"]), builtin_key=key
    )
    questionnaire._history_user = by
    questionnaire.save()
    for s_pos, (title, description, questions) in enumerate(template_sections(key), start=1):
        section = Section.objects.create(
            questionnaire=questionnaire, title=str(title), description=str(description), position=s_pos
        )
        created = []
        for q_pos, spec in enumerate(questions, start=1):
            question = Question(
                questionnaire=questionnaire,
                section=section,
                position=q_pos,
                type=spec["type"],
                text=str(spec["text"]),
                help_text=str(spec.get("help", "")),
                required=spec.get("required", False),
                config={
                    **spec.get("config", {}),
                    **({"rows": [str(r) for r in spec["rows"]]} if "rows" in spec else {}),
                },
                dimension=spec.get("dimension", ""),
                theme=spec.get("theme", ""),
                counts_for_maturity=spec.get("maturity", False),
            )
            question._history_user = by
            question.save()
            choices = Choice.objects.bulk_create(
                [
                    Choice(question=question, label=str(label).lstrip("+"), position=n, is_other=str(label)[0] == "+")
                    for n, label in enumerate(spec.get("choices", []), start=1)
                ]
            )
            created.append((question, choices))
            if "show_if" in spec:
                q_index, c_index = spec["show_if"]
                question.show_if_choice = created[q_index][1][c_index]
                question.save(update_fields=["show_if_choice"])
    logger.info("questionnaire_loaded_builtin questionnaire=%s key=%s by=%s", questionnaire.pk, key, by.pk)
    return questionnaire


@transaction.atomic
def questionnaire_copy(
    *, questionnaire: Questionnaire, by, mission=None, owner=None, title: str = ""
) -> Questionnaire:
    """Copy a questionnaire with its sections, questions, choices and conditions.

    Into a mission (``mission``: duplicate, new version, load a personal template) or as a personal
    template (``owner``, no mission).
    """
    copy = Questionnaire(
        mission=mission,
        owner=owner,
        title=title or questionnaire.title,
        description=questionnaire.description,
        source=questionnaire,
        version=questionnaire.version + 1 if mission and mission == questionnaire.mission else 1,
        builtin_key=questionnaire.builtin_key,
    )
    copy._history_user = by
    copy.save()
    choice_map = {}
    pending_conditions = []
    sections = questionnaire.sections.prefetch_related("questions__choices")
    for section in sections:
        new_section = Section.objects.create(
            questionnaire=copy, title=section.title, description=section.description, position=section.position
        )
        for question in section.questions.all():
            old_condition = question.show_if_choice_id
            choices = list(question.choices.all())
            question.pk = None
            question._state.adding = True
            question.questionnaire = copy
            question.section = new_section
            question.show_if_choice = None
            question._history_user = by
            question.save()
            for choice in choices:
                old_choice = choice.pk
                choice.pk = None
                choice._state.adding = True
                choice.question = question
                choice.save()
                choice_map[old_choice] = choice
            if old_condition:
                pending_conditions.append((question, old_condition))
    for question, old_condition in pending_conditions:
        if old_condition in choice_map:
            question.show_if_choice = choice_map[old_condition]
            question.save(update_fields=["show_if_choice"])
    logger.info("questionnaire_copied source=%s copy=%s by=%s", questionnaire.pk, copy.pk, by.pk)
    return copy


def questionnaire_update(*, questionnaire: Questionnaire, by, title: str, description: str) -> Questionnaire:
    questionnaire.title, questionnaire.description = title, description
    questionnaire._history_user = by
    questionnaire.save(update_fields=["title", "description", "updated_at"])
    logger.info("questionnaire_updated questionnaire=%s by=%s", questionnaire.pk, by.pk)
    return questionnaire


@transaction.atomic
def questionnaire_delete(*, questionnaire: Questionnaire, by) -> None:
    if questionnaire.campaigns.exists():
        raise StructureLocked(_("Ce questionnaire a des campagnes : il ne peut pas être supprimé."))
    _refuse_if_cited(FindingSource.objects.filter(question__questionnaire=questionnaire), questionnaire)
    questionnaire_id = questionnaire.pk
    for question in questionnaire.questions.all():
        question._history_user = by
        question.delete()
    questionnaire._history_user = by
    questionnaire.delete()
    logger.info("questionnaire_deleted questionnaire=%s by=%s", questionnaire_id, by.pk)


def _refuse_if_cited(sources, subject) -> None:
    """A question cited by a finding is not deleted, alone or with its section or questionnaire."""
    refusal = citation_refusal(sources, subject)
    if refusal:
        raise StructureLocked(refusal)


# --- Sections -----------------------------------------------------------------------------------


def section_create(*, questionnaire: Questionnaire, by, title: str, description: str = "") -> Section:
    position = (questionnaire.sections.aggregate(m=Max("position"))["m"] or 0) + 1
    return Section.objects.create(questionnaire=questionnaire, title=title, description=description, position=position)


def section_update(*, section: Section, by, title: str, description: str) -> Section:
    section.title, section.description = title, description
    section.save(update_fields=["title", "description", "updated_at"])
    return section


@transaction.atomic
def section_delete(*, section: Section, by) -> None:
    if section.questionnaire.is_locked():
        raise StructureLocked(_("Des réponses existent déjà : une section ne peut plus être supprimée."))
    if section.questionnaire.sections.count() == 1:
        raise StructureLocked(_("Un questionnaire garde au moins une section."))
    _refuse_if_cited(FindingSource.objects.filter(question__section=section), section)
    section_id = section.pk
    for question in section.questions.all():
        question._history_user = by
        question.delete()
    section.delete()
    logger.info("section_deleted section=%s by=%s", section_id, by.pk)


@transaction.atomic
def section_move(*, section: Section, by, direction: int) -> None:
    _swap(list(section.questionnaire.sections.select_for_update()), section, direction, by=by)


def _swap(items, item, direction: int, *, by) -> None:
    """Move ``item`` one place up (-1) or down (+1) among ``items`` and renumber them 1..n."""
    index = next(n for n, other in enumerate(items) if other.pk == item.pk)
    target = index + direction
    if 0 <= target < len(items):
        items[index], items[target] = items[target], items[index]
    for position, other in enumerate(items, start=1):
        if other.position != position:
            other.position = position
            other._history_user = by
            other.save(update_fields=["position"])


# --- Questions ----------------------------------------------------------------------------------


@transaction.atomic
def question_create(*, section: Section, by, type: str, text: str, **fields) -> Question:
    position = (section.questions.aggregate(m=Max("position"))["m"] or 0) + 1
    choices = fields.pop("choices", None)
    if type in CHOICE_TYPES and not choices:
        choices = [_("Option 1"), _("Option 2")]
    if type == QuestionType.MATRIX and not fields.get("config", {}).get("rows"):
        fields["config"] = {**fields.get("config", {}), "rows": [_("Ligne 1"), _("Ligne 2")]}
    if type not in SCORED_TYPES:
        fields["counts_for_maturity"] = False
    question = Question(
        questionnaire=section.questionnaire, section=section, position=position, type=type, text=text, **fields
    )
    question._history_user = by
    question.save()
    if type in CHOICE_TYPES:
        _set_choices(question, choices)
    logger.info("question_created question=%s section=%s by=%s", question.pk, section.pk, by.pk)
    return question


def _set_choices(question: Question, labels) -> None:
    Choice.objects.bulk_create(
        [Choice(question=question, label=label, position=n) for n, label in enumerate(labels, start=1)]
    )


@transaction.atomic
def question_update(
    *,
    question: Question,
    by,
    text: str,
    help_text: str,
    required: bool,
    type: str,
    dimension: str = "",
    theme: str = "",
    counts_for_maturity: bool = False,
    config: dict | None = None,
    choice_labels: list[str] | None = None,
    other_label: str = "",
    show_if_choice: Choice | None = None,
) -> Question:
    """Update a question; once the questionnaire is answered, refuse what would change its structure.

    Choices are given as their labels in order (and ``other_label`` for an "other, please specify"
    choice). Unlocked, the list replaces the choices, keeping existing rows label by position;
    locked, only the labels may change (same count).
    """
    locked = question.questionnaire.is_locked()
    config = dict(config if config is not None else question.config)
    if locked:
        if type != question.type:
            raise StructureLocked(_("Des réponses existent déjà : le type de question ne peut plus changer."))
        if len(config.get("rows", [])) != len(question.config.get("rows", [])):
            raise StructureLocked(_("Des réponses existent déjà : le nombre de lignes ne peut plus changer."))
        if show_if_choice != question.show_if_choice:
            raise StructureLocked(_("Des réponses existent déjà : la condition d'affichage ne peut plus changer."))
    if type not in SCORED_TYPES:
        counts_for_maturity = False
    rescore = counts_for_maturity != question.counts_for_maturity
    question.text, question.help_text, question.required, question.type = text, help_text, required, type
    question.dimension, question.theme, question.counts_for_maturity = dimension, theme, counts_for_maturity
    question.config, question.show_if_choice = config, show_if_choice
    question._history_user = by
    question.save(
        update_fields=[
            "text",
            "help_text",
            "required",
            "type",
            "dimension",
            "theme",
            "counts_for_maturity",
            "config",
            "show_if_choice",
            "updated_at",
        ]
    )
    if type in CHOICE_TYPES and choice_labels is not None:
        _replace_choices(question, choice_labels, other_label, locked=locked)
    elif type not in CHOICE_TYPES and not locked:
        question.choices.all().delete()
    if rescore:
        # Answers already stored were scored under the old flag: maturity figures must follow the new one.
        count = answer_scores_recompute(question=question)
        logger.info("question_rescored question=%s answers=%s by=%s", question.pk, count, by.pk)
    logger.info("question_updated question=%s by=%s", question.pk, by.pk)
    return question


def _replace_choices(question: Question, labels: list[str], other_label: str, *, locked: bool) -> None:
    existing = list(question.choices.all())
    plain = [c for c in existing if not c.is_other]
    other = next((c for c in existing if c.is_other), None)
    if locked and (len(labels) != len(plain) or bool(other_label) != bool(other)):
        raise StructureLocked(
            _("Des réponses existent déjà : vous pouvez corriger le libellé des choix, pas en ajouter ni en retirer.")
        )
    for position, label in enumerate(labels, start=1):
        if position <= len(plain):
            choice = plain[position - 1]
            if (choice.label, choice.position) != (label, position):
                choice.label, choice.position = label, position
                choice.save(update_fields=["label", "position"])
        else:
            Choice.objects.create(question=question, label=label, position=position)
    for choice in plain[len(labels) :]:
        choice.delete()
    if other_label and other:
        if other.label != other_label or other.position != len(labels) + 1:
            other.label, other.position = other_label, len(labels) + 1
            other.save(update_fields=["label", "position"])
    elif other_label:
        Choice.objects.create(question=question, label=other_label, position=len(labels) + 1, is_other=True)
    elif other:
        other.delete()


@transaction.atomic
def question_delete(*, question: Question, by) -> None:
    if question.questionnaire.is_locked():
        raise StructureLocked(
            _("Des réponses existent déjà : une question ne peut plus être supprimée. Dupliquez le questionnaire.")
        )
    _refuse_if_cited(question.finding_sources.all(), question)
    question_id = question.pk
    question._history_user = by
    question.delete()
    logger.info("question_deleted question=%s by=%s", question_id, by.pk)


@transaction.atomic
def question_move(*, question: Question, by, direction: int) -> None:
    _swap(list(question.section.questions.select_for_update()), question, direction, by=by)


@transaction.atomic
def section_reorder_questions(*, section: Section, by, order: list[int]) -> None:
    """Put the section's questions in the order given (drag and drop): exactly its own questions."""
    questions = {q.pk: q for q in section.questions.select_for_update()}
    if sorted(order) != sorted(questions):
        raise ValueError(_("L'ordre reçu ne correspond pas aux questions de la section. Rechargez la page."))
    for position, pk in enumerate(order, start=1):
        if questions[pk].position != position:
            questions[pk].position = position
            questions[pk]._history_user = by
            questions[pk].save(update_fields=["position"])
