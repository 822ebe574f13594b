"""Writes on questionnaires and campaigns: keyword-only ``<entity>_<action>`` functions.

Answers and submissions live in :mod:`diagnostics.answering`.
"""

import logging
import secrets
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from diagnostics.answering import answer_scores_recompute
from diagnostics.builtin import BUILTIN_TEMPLATES, template_sections
from diagnostics.models import (
    CHOICE_TYPES,
    SCORED_TYPES,
    Campaign,
    Choice,
    FindingSource,
    Invitation,
    Question,
    Questionnaire,
    QuestionType,
    Response,
    Section,
)
from diagnostics.services_findings import citation_refusal

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
        _set_choices(question, choices, other=fields.get("has_other", False))
    logger.info("question_created question=%s section=%s by=%s", question.pk, section.pk, by.pk)
    return question


def _set_choices(question: Question, labels, *, other: bool = False) -> None:
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


# --- Campaigns ----------------------------------------------------------------------------------


def campaign_create(
    *,
    mission,
    questionnaire: Questionnaire,
    by,
    title: str,
    audience: str,
    opens_at: datetime,
    closes_at: datetime,
    anonymous: bool,
    intro: str = "",
    public: bool = False,
) -> Campaign:
    campaign = Campaign.objects.create(
        mission=mission,
        questionnaire=questionnaire,
        title=title,
        audience=audience,
        opens_at=opens_at,
        closes_at=closes_at,
        anonymous=anonymous,
        intro=intro,
        public_token=secrets.token_urlsafe(24) if public else None,
    )
    logger.info("campaign_created campaign=%s audience=%s by=%s", campaign.pk, audience, by.pk)
    return campaign


def campaign_close(*, campaign: Campaign, by) -> Campaign:
    now = timezone.now()
    if campaign.closes_at > now:
        campaign.closes_at = max(now, campaign.opens_at + timedelta(seconds=1))
        campaign.save(update_fields=["closes_at", "updated_at"])
    return campaign


def campaign_publish(*, campaign: Campaign, by) -> Campaign:
    if not campaign.public_token:
        campaign.public_token = secrets.token_urlsafe(24)
        campaign.save(update_fields=["public_token", "updated_at"])
    return campaign


@transaction.atomic
def campaign_invite(*, campaign: Campaign, by, people: list[dict]) -> int:
    """Add invitations (``email``, ``name``, ``service``) and send them after commit.

    An address already invited to this campaign is skipped. Returns the number of new invitations.
    """
    from diagnostics.tasks import send_invitations_task

    known = set(campaign.invitations.values_list("email", flat=True))
    new = []
    for person in people:
        email = person["email"].lower()
        if email in known:
            continue
        known.add(email)
        new.append(
            Invitation(campaign=campaign, email=email, name=person.get("name", ""), service=person.get("service", ""))
        )
    Invitation.objects.bulk_create(new)
    if new:
        transaction.on_commit(lambda: send_invitations_task.delay(campaign.pk))
    logger.info("campaign_invited campaign=%s new=%s by=%s", campaign.pk, len(new), by.pk)
    return len(new)


def campaign_remind(*, campaign: Campaign, by) -> int:
    """Send a reminder to every invited person who has not submitted yet (after commit)."""
    from diagnostics.tasks import send_reminders_task

    pending = campaign.invitations.exclude(response__submitted_at__isnull=False).filter(sent_at__isnull=False).count()
    if pending:
        transaction.on_commit(lambda: send_reminders_task.delay(campaign.pk))
    return pending


def invitations_claim(*, campaign: Campaign) -> list[Invitation]:
    """Claim the campaign's invitations not sent yet, for one sending run; returns the claimed rows.

    Each row is claimed by a conditional ``UPDATE … SET sent_at = now WHERE sent_at IS NULL``: its
    row count says which run won, so two overlapping runs (a double click, a retried task) never
    mail a person twice, on PostgreSQL as on SQLite. On PostgreSQL ``skip_locked`` also lets the
    second run pass over the rows the first one is claiming instead of waiting for them.
    """
    now = timezone.now()
    with transaction.atomic():
        candidates = list(
            Invitation.objects.select_for_update(skip_locked=True)
            .filter(campaign=campaign, sent_at__isnull=True)
            .values_list("pk", flat=True)
        )
    claimed = [pk for pk in candidates if Invitation.objects.filter(pk=pk, sent_at__isnull=True).update(sent_at=now)]
    return list(Invitation.objects.filter(pk__in=claimed).order_by("pk"))


def invitations_release(*, invitation_ids) -> int:
    """Give back claimed invitations whose e-mail could not be sent, so that a later run sends them."""
    return Invitation.objects.filter(pk__in=invitation_ids).update(sent_at=None)


# --- Responses without an account -----------------------------------------------------------------


def response_start(*, campaign: Campaign, invitation: Invitation | None = None) -> Response:
    """Start a respondent's response: the invitation's (created once, by its first saved page or answer,
    the invitation then counts as started) or a new anonymous one through the campaign's public link.

    The respondent has no account: the response's own token (or the invitation's) is what identifies them.
    """
    if invitation is None:
        response = Response.objects.create(campaign=campaign)
        logger.info("response_started response=%s campaign=%s invitation=-", response.pk, campaign.pk)
        return response
    try:
        with transaction.atomic():
            response, created = Response.objects.get_or_create(
                invitation=invitation, defaults={"campaign": campaign, "service": invitation.service}
            )
    except IntegrityError:  # two first saves at once: the other one created it
        response, created = Response.objects.get(invitation=invitation), False
    if created:
        logger.info("response_started response=%s campaign=%s invitation=%s", response.pk, campaign.pk, invitation.pk)
    response.campaign = campaign
    return response


# --- Responses by logged-in members ---------------------------------------------------------------


def response_for_member(*, campaign: Campaign, user, service: str = "") -> Response:
    """The member's own response to the campaign, created on first visit (one per user)."""
    response, _created = Response.objects.get_or_create(campaign=campaign, user=user, defaults={"service": service})
    return response


def response_touch(*, response: Response, section: int) -> None:
    Response.objects.filter(pk=response.pk, submitted_at__isnull=True).update(
        last_section=section, last_activity_at=timezone.now()
    )
