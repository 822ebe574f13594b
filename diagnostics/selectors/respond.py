"""What an autosave reads: the link's state in one narrow query, the questionnaire's structure from a cache.

An autosave is the request a respondent sends most (one per answer given), so it reads only what the save
needs. :func:`link_state` is one query: the token names an invitation (its response may not exist yet) or
a response, with its campaign's dates and the questionnaire's ``updated_at`` — eight columns, not the 61
columns of six tables the questionnaire page loads. :func:`question_shape` gives a question's type,
parameters and choices from the questionnaire's structure, cached per (questionnaire, ``updated_at``): in
the worker's memory, then in the shared cache, built from two queries once per version.

The version is read in the same query as the link, so it is never older than the database: any change to a
question or a choice touches its questionnaire's ``updated_at`` in the same transaction (the receivers
below; the builder's services are atomic, and bulk-created choices always come with a saved question), and
the next save reads the new version. A structure cached under an old version is simply never asked for
again. Once a questionnaire is answered its structure is locked (``diagnostics.models.questionnaires``):
only wording, the required flag, order and new questions still change it.
"""

from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache as once

from django.core.cache import cache
from django.db import connection
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from diagnostics.models import Campaign, Choice, Invitation, Question, Questionnaire, Response

CACHE_SECONDS = 24 * 60 * 60
LOCAL_VERSIONS = 64  # structures kept in each worker's memory


@dataclass(frozen=True)
class LinkState:
    """What a respondent's token names, as much as a save needs."""

    invitation_id: int | None
    response_id: int | None
    submitted_at: object
    campaign_id: int
    questionnaire_id: int
    opens_at: object
    closes_at: object
    version: object  # the questionnaire's updated_at

    @property
    def is_open(self) -> bool:
        return self.opens_at <= timezone.now() < self.closes_at


@once
def _link_sql() -> str:
    """Two index lookups (invitation token, response token) in one ``UNION ALL``, written once: an autosave
    runs it on every request, and building it through the ORM cost more than running it."""
    invitation, response = Invitation._meta.db_table, Response._meta.db_table
    campaign, questionnaire = Campaign._meta.db_table, Questionnaire._meta.db_table
    columns = "c.id, c.questionnaire_id, c.opens_at, c.closes_at, q.updated_at"
    return (
        f"SELECT i.id, r.id, r.submitted_at, {columns}, 0 AS kind FROM {invitation} i "
        f"JOIN {campaign} c ON c.id = i.campaign_id JOIN {questionnaire} q ON q.id = c.questionnaire_id "
        f"LEFT JOIN {response} r ON r.invitation_id = i.id WHERE i.token = %s "
        f"UNION ALL SELECT NULL, r.id, r.submitted_at, {columns}, 1 AS kind FROM {response} r "
        f"JOIN {campaign} c ON c.id = r.campaign_id JOIN {questionnaire} q ON q.id = c.questionnaire_id "
        f"WHERE r.token = %s ORDER BY kind LIMIT 1"
    )


def _datetime(value):
    """A datetime read by raw SQL: SQLite gives a naive one (UTC) or its text, PostgreSQL an aware one."""
    if value is None:
        return None
    parsed = value if isinstance(value, datetime) else parse_datetime(value)
    return timezone.make_aware(parsed, UTC) if timezone.is_naive(parsed) else parsed


def link_state(token: str) -> LinkState | None:
    """The state of the invitation or response named by ``token`` (None when it names none), one query.

    Tokens are random and unique; an invitation's would win if both kinds ever matched.
    """
    with connection.cursor() as cursor:
        cursor.execute(_link_sql(), [token, token])
        row = cursor.fetchone()
    if row is None:
        return None
    invitation_id, response_id, submitted_at, campaign_id, questionnaire_id, opens_at, closes_at, version, _ = row
    return LinkState(
        invitation_id=invitation_id,
        response_id=response_id,
        submitted_at=_datetime(submitted_at),
        campaign_id=campaign_id,
        questionnaire_id=questionnaire_id,
        opens_at=_datetime(opens_at),
        closes_at=_datetime(closes_at),
        version=_datetime(version),
    )


# --- The questionnaire's structure, per version -----------------------------------------------------

_local: OrderedDict = OrderedDict()


def _structure_key(questionnaire_id: int, version) -> str:
    stamp = version.isoformat() if hasattr(version, "isoformat") else str(version)
    return f"diag-structure:{questionnaire_id}:{stamp}"


def _build_structure(questionnaire_id: int) -> dict:
    """Question id → (question, its choices): unsaved copies holding only what validating an answer reads."""
    fields = ("pk", "type", "config", "counts_for_maturity")
    questions = {
        pk: (
            Question(pk=pk, questionnaire_id=questionnaire_id, type=kind, config=config, counts_for_maturity=counts),
            [],
        )
        for pk, kind, config, counts in Question.objects.filter(questionnaire_id=questionnaire_id)
        .order_by()
        .values_list(*fields)
    }
    choices = (
        Choice.objects.filter(question__questionnaire_id=questionnaire_id)
        .order_by("position", "pk")
        .values_list("pk", "question_id", "is_other")
    )
    for pk, question_id, is_other in choices:
        questions[question_id][1].append(Choice(pk=pk, question_id=question_id, is_other=is_other))
    return questions


def questionnaire_structure(questionnaire_id: int, version) -> dict:
    key = _structure_key(questionnaire_id, version)
    structure = _local.get(key)
    if structure is None:
        structure = cache.get(key)
        if structure is None:
            structure = _build_structure(questionnaire_id)
            cache.set(key, structure, CACHE_SECONDS)
        _local[key] = structure
        while len(_local) > LOCAL_VERSIONS:
            _local.popitem(last=False)
    return structure


def question_shape(link: LinkState, question_id: int) -> tuple[Question, list[Choice]] | None:
    """The question (type, parameters) and its choices, if it belongs to the link's questionnaire."""
    return questionnaire_structure(link.questionnaire_id, link.version).get(question_id)


@receiver(post_save, sender=Question)
@receiver(post_delete, sender=Question)
def _question_changed(sender, instance, raw=False, **kwargs):
    if raw:  # rows loaded as they were (mission_import, fixtures) keep their questionnaire's updated_at
        return
    Questionnaire.objects.filter(pk=instance.questionnaire_id).update(updated_at=timezone.now())


@receiver(post_save, sender=Choice)
@receiver(post_delete, sender=Choice)
def _choice_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    Questionnaire.objects.filter(questions=instance.question_id).update(updated_at=timezone.now())
