"""Reading a respondent's form data, validating it per question type, saving and submitting.

Every answer is saved as it is given (autosave, one question per request) and always to the
response named by the URL's token, never by a form field: a tampered hidden field cannot move an
answer to another response. The order of writes makes concurrent requests safe:

* each save starts with a conditional ``UPDATE response SET last_activity_at … WHERE submitted_at
  IS NULL``: it takes the response's row lock (the database's write lock on SQLite), so two tabs
  saving the same response are serialised, and a save racing a submission either lands before
  it or is refused with a message — never silently lost after the response was sent;
* one upsert on (response, question) (unique together, ``INSERT … ON CONFLICT DO UPDATE``): the last
  write per question wins, and two first saves of one question never make two rows;
* submission is a conditional ``UPDATE … WHERE submitted_at IS NULL``: a double click or a second
  tab submits once, and both see the thank-you page.
"""

import json
import logging
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from diagnostics.models import Answer, AnswerItem, Campaign, Invitation, Question, QuestionType, Response
from diagnostics.services.results import result_tally_add, result_tally_rebuild
from territoire import queueing

logger = logging.getLogger(__name__)

SHORT_TEXT_MAX = 500
LONG_TEXT_MAX = 10_000


class AnswerError(ValueError):
    """The value given does not fit the question; the message is shown next to it."""


class AnswerRefused(Exception):
    """The response no longer accepts answers (submitted or campaign closed)."""


@dataclass
class Parsed:
    value: object
    number: Decimal | None = None
    choice_id: int | None = None
    text: str = ""
    score: Decimal | None = None
    items: list[dict] = field(default_factory=list)


def _score(fraction: float) -> Decimal:
    return Decimal(str(round(100 * fraction, 2)))


def _int(raw: str, low: int, high: int) -> int:
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise AnswerError(_("Choisissez une valeur de l'échelle.")) from None
    if not low <= value <= high:
        raise AnswerError(_("Choisissez une valeur entre %(low)s et %(high)s.") % {"low": low, "high": high})
    return value


def parse_answer(question: Question, data, choices) -> Parsed | None:
    """The answer given in ``data`` (a QueryDict) for ``question``; None when left empty.

    ``choices`` are the question's Choice objects. Raises AnswerError with a French message.
    """
    name = f"q{question.pk}"
    raw = (data.get(name) or "").strip()
    qtype = question.type
    if qtype in (QuestionType.SHORT_TEXT, QuestionType.LONG_TEXT):
        limit = SHORT_TEXT_MAX if qtype == QuestionType.SHORT_TEXT else LONG_TEXT_MAX
        if not raw:
            return None
        if len(raw) > limit:
            raise AnswerError(_("Votre réponse dépasse %(limit)s caractères.") % {"limit": limit})
        return Parsed(value=raw, text=raw)
    by_id = {str(c.pk): c for c in choices}
    if qtype == QuestionType.SINGLE:
        if not raw:
            return None
        choice = by_id.get(raw)
        if choice is None:
            raise AnswerError(_("Ce choix ne fait pas partie de la question."))
        other = (data.get(f"{name}_other") or "").strip()[:SHORT_TEXT_MAX] if choice.is_other else ""
        return Parsed(value={"choice": choice.pk, "other": other}, choice_id=choice.pk, text=other)
    if qtype == QuestionType.MULTIPLE:
        picked = [v for v in data.getlist(name) if v]
        if not picked:
            return None
        if any(v not in by_id for v in picked):
            raise AnswerError(_("Ce choix ne fait pas partie de la question."))
        ids = sorted({by_id[v].pk for v in picked})
        other = ""
        if any(by_id[str(i)].is_other for i in ids):
            other = (data.get(f"{name}_other") or "").strip()[:SHORT_TEXT_MAX]
        return Parsed(value={"choices": ids, "other": other}, text=other, items=[{"choice_id": i} for i in ids])
    if qtype == QuestionType.RANKING:
        ranks = {}
        for choice in choices:
            given = (data.get(f"{name}_c{choice.pk}") or "").strip()
            if given:
                ranks[choice.pk] = _int(given, 1, len(choices))
        if not ranks:
            return None
        if len(set(ranks.values())) != len(ranks):
            raise AnswerError(_("Chaque rang ne peut être donné qu'une fois."))
        order = sorted(ranks, key=ranks.get)
        return Parsed(value=order, items=[{"choice_id": c, "rank": ranks[c]} for c in order])
    if qtype in (QuestionType.LIKERT, QuestionType.RATING):
        if not raw:
            return None
        high = 5 if qtype == QuestionType.LIKERT else 10
        low = 1 if qtype == QuestionType.LIKERT else 0
        value = _int(raw, low, high)
        return Parsed(value=value, number=Decimal(value), score=_score((value - low) / (high - low)))
    if qtype == QuestionType.YES_NO:
        if not raw:
            return None
        if raw not in ("yes", "no"):
            raise AnswerError(_("Répondez par oui ou par non."))
        yes = raw == "yes"
        return Parsed(value=yes, number=Decimal(int(yes)), score=_score(1 if yes else 0))
    if qtype == QuestionType.NUMBER:
        if not raw:
            return None
        try:
            number = Decimal(raw.replace(" ", "").replace("\u202f", "").replace(",", "."))
        except InvalidOperation:
            raise AnswerError(_("Saisissez un nombre, par exemple 12 ou 12,5.")) from None
        if not number.is_finite() or abs(number) >= Decimal("1e10"):
            raise AnswerError(_("Saisissez un nombre, par exemple 12 ou 12,5."))
        low, high = question.config.get("min"), question.config.get("max")
        if low is not None and number < Decimal(str(low)):
            raise AnswerError(_("La valeur doit être au moins %(min)s.") % {"min": low})
        if high is not None and number > Decimal(str(high)):
            raise AnswerError(_("La valeur doit être au plus %(max)s.") % {"max": high})
        number = number.quantize(Decimal("0.0001"))
        return Parsed(value=str(number.normalize()), number=number)
    if qtype == QuestionType.MATRIX:
        cells = {}
        for index in range(len(question.rows)):
            given = (data.get(f"{name}_r{index}") or "").strip()
            if given:
                cells[index] = _int(given, 1, 5)
        if not cells:
            return None
        score = _score(sum((v - 1) / 4 for v in cells.values()) / len(cells))
        return Parsed(
            value={str(k): v for k, v in cells.items()},
            score=score,
            items=[{"row": k, "rank": v} for k, v in cells.items()],
        )
    raise AnswerError(_("Type de question inconnu."))


ITEM_TYPES = {QuestionType.MULTIPLE, QuestionType.RANKING, QuestionType.MATRIX}


def answer_save(*, response: Response, question: Question, data, choices, campaign=None) -> Answer | None:
    """Validate and save one answer of ``response`` (None when the respondent cleared it).

    ``campaign`` (anything with ``is_open``) defaults to ``response.campaign``. Three statements for a
    scalar answer, in one transaction: the conditional touch of the response (its row lock), then one
    upsert of the answer (``INSERT … ON CONFLICT (response, question) DO UPDATE``, no savepoint); an
    answer made of items (multiple choices, ranks, matrix cells) then replaces its items (two more).
    """
    parsed = parse_answer(question, data, choices)  # raises AnswerError before any write
    campaign = campaign if campaign is not None else response.campaign
    if not campaign.is_open:
        raise AnswerRefused(_("Ce questionnaire est clos : les réponses ne peuvent plus être modifiées."))
    score = parsed.score if parsed is not None and question.counts_for_maturity else None
    if parsed is not None and question.type not in ITEM_TYPES and connection.vendor == "postgresql":
        if not _upsert_in_one_statement(response.pk, question.pk, parsed, score):
            raise AnswerRefused(_("Vos réponses ont déjà été envoyées : elles ne peuvent plus être modifiées."))
        return Answer(response_id=response.pk, question_id=question.pk, value=parsed.value)
    answer = None
    # No savepoint: nothing inside raises on purpose (a refusal is raised once the block is left), and
    # outside a test this block is the request's only transaction.
    with transaction.atomic(savepoint=False):
        now = timezone.now()
        touched = Response.objects.filter(pk=response.pk, submitted_at__isnull=True).update(last_activity_at=now)
        if touched and parsed is None:
            Answer.objects.filter(response_id=response.pk, question_id=question.pk).delete()
        elif touched:
            answer = Answer(
                response_id=response.pk,
                question_id=question.pk,
                value=parsed.value,
                number=parsed.number,
                choice_id=parsed.choice_id,
                text=parsed.text,
                score=score,
                updated_at=now,
            )
            Answer.objects.bulk_create(
                [answer],
                update_conflicts=True,
                unique_fields=["response", "question"],
                update_fields=["value", "number", "choice", "text", "score", "updated_at"],
            )
            if question.type in ITEM_TYPES:
                AnswerItem.objects.filter(answer_id=answer.pk).delete()
                AnswerItem.objects.bulk_create(
                    [AnswerItem(answer_id=answer.pk, question_id=question.pk, **item) for item in parsed.items]
                )
    if not touched:
        raise AnswerRefused(_("Vos réponses ont déjà été envoyées : elles ne peuvent plus être modifiées."))
    return answer


_ANSWER_COLUMNS = ("value", "number", "choice_id", "text", "score", "updated_at")


def _upsert_in_one_statement(response_id: int, question_id: int, parsed: Parsed, score) -> bool:
    """PostgreSQL: touch the response and upsert a scalar answer in one statement, outside any transaction.

    The ``UPDATE`` in the ``WITH`` takes the response's row lock and yields its id only while it is not
    submitted; the ``INSERT`` draws from it, so a submitted response gets no answer. One statement is
    atomic on its own: no BEGIN, COMMIT or savepoint, two round trips saved. False when refused.
    """
    response_table, answer_table = Response._meta.db_table, Answer._meta.db_table
    updates = ", ".join(f"{column} = EXCLUDED.{column}" for column in _ANSWER_COLUMNS)
    sql = (
        f"WITH touched AS (UPDATE {response_table} SET last_activity_at = %s "
        f"WHERE id = %s AND submitted_at IS NULL RETURNING id) "
        f"INSERT INTO {answer_table} (response_id, question_id, {', '.join(_ANSWER_COLUMNS)}) "
        f"SELECT id, %s, %s::jsonb, %s, %s, %s, %s, %s FROM touched "
        f"ON CONFLICT (response_id, question_id) DO UPDATE SET {updates} RETURNING id"
    )
    now = timezone.now()
    value = json.dumps(parsed.value)
    with connection.cursor() as cursor:
        cursor.execute(
            sql, [now, response_id, question_id, value, parsed.number, parsed.choice_id, parsed.text, score, now]
        )
        return cursor.fetchone() is not None


def stored_score(question: Question, value) -> Decimal | None:
    """The maturity score (0–100) of an answer already stored as ``value``; None when it has none.

    The same scale as :func:`parse_answer`, read back from the canonical JSON of the answer.
    """
    try:
        if question.type in (QuestionType.LIKERT, QuestionType.RATING):
            low, high = (1, 5) if question.type == QuestionType.LIKERT else (0, 10)
            return _score((int(value) - low) / (high - low))
        if question.type == QuestionType.YES_NO:
            return _score(1 if value else 0)
        if question.type == QuestionType.MATRIX and value:
            cells = [int(v) for v in value.values()]
            return _score(sum((v - 1) / 4 for v in cells) / len(cells))
    except (TypeError, ValueError, AttributeError):
        return None
    return None


def answer_scores_recompute(*, question: Question) -> int:
    """Rewrite the stored scores of the question's answers after its maturity flag changed.

    Counting for maturity fills ``score`` from each stored value; not counting empties it, so that
    results and the synthesis never mix answers scored under two rules. Returns the rows rewritten.
    """
    answers = list(Answer.objects.filter(question=question).only("pk", "value", "score"))
    for answer in answers:
        answer.score = stored_score(question, answer.value) if question.counts_for_maturity else None
    Answer.objects.bulk_update(answers, ["score"], batch_size=500)
    result_tally_rebuild(campaign_ids=question.questionnaire.campaigns.values_list("pk", flat=True))
    return len(answers)


def is_visible(question: Question, values: dict) -> bool:
    """Whether a question is shown, given the respondent's answers (question id → value)."""
    choice_id = question.show_if_choice_id
    if not choice_id:
        return True
    # The condition question is the choice's question: look for the choice among all answers.
    for value in values.values():
        if isinstance(value, dict) and (value.get("choice") == choice_id or choice_id in value.get("choices", [])):
            return True
    return False


@dataclass
class SubmitResult:
    ok: bool
    missing: list = field(default_factory=list)
    already: bool = False


def response_submit(*, response: Response, questions) -> SubmitResult:
    """Submit once: required visible questions must be answered; a second call is a no-op."""
    if response.submitted_at:
        return SubmitResult(ok=True, already=True)
    if not response.campaign.is_open:
        raise AnswerRefused(_("Ce questionnaire est clos : les réponses ne peuvent plus être envoyées."))
    with transaction.atomic():
        values = dict(Answer.objects.filter(response=response).values_list("question_id", "value"))
        visible = [q for q in questions if is_visible(q, values)]
        missing = [q for q in visible if q.required and q.pk not in values]
        if missing:
            return SubmitResult(ok=False, missing=missing)
        hidden = {q.pk for q in questions} - {q.pk for q in visible}
        submitted = Response.objects.filter(pk=response.pk, submitted_at__isnull=True).update(
            submitted_at=timezone.now()
        )
        if submitted and hidden:
            # Answers to follow-up questions whose condition no longer holds are not part of the response.
            Answer.objects.filter(response=response, question_id__in=hidden).delete()
        if submitted:
            result_tally_add(response=response)
            results_refresh_soon(response.campaign.questionnaire_id)
    return SubmitResult(ok=True, already=not submitted)


RESULTS_REFRESH_DELAY = 5  # seconds: submissions arriving together share one computation


def results_refresh_soon(questionnaire_id: int) -> None:
    """Have the results recomputed shortly after this transaction commits: at most one task per questionnaire
    is waiting at a time, and each one computes what was submitted until it starts."""

    def enqueue():
        from diagnostics.tasks import results_refresh_task

        if cache.add(f"diag-results-refresh:{questionnaire_id}", 1, RESULTS_REFRESH_DELAY):
            # Redis down: nothing to keep, the results page computes what the task would have.
            queueing.send(
                results_refresh_task, questionnaire_id, countdown=RESULTS_REFRESH_DELAY, on_refused=lambda: None
            )

    transaction.on_commit(enqueue)


# --- Responses by logged-in members ---------------------------------------------------------------


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


def response_for_member(*, campaign: Campaign, user, service: str = "") -> Response:
    """The member's own response to the campaign, created on first visit (one per user)."""
    response, _created = Response.objects.get_or_create(campaign=campaign, user=user, defaults={"service": service})
    return response


def response_touch(*, response: Response, section: int) -> None:
    Response.objects.filter(pk=response.pk, submitted_at__isnull=True).update(
        last_section=section, last_activity_at=timezone.now()
    )
