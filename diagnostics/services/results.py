"""The results' tallies (:class:`diagnostics.models.ResultTally`): what the results page reads instead of
scanning the answers.

A submission adds its response's answers to the tally of its campaign and service, in the submitting
transaction (:func:`result_tally_add`); :func:`result_tally_rebuild` counts a campaign's submitted answers
again from scratch (``manage.py results_rebuild``, the ``diagnostics.results_refresh`` task, and anything
that writes submitted answers in bulk: rescoring a question, demo data, benchmarks). Both take the
campaigns' row locks first, so a rebuild never drops a submission committed while it counts, and two
submissions to one campaign add one after the other.
"""

from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, F, Sum, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from diagnostics.models import Answer, AnswerItem, Campaign, Response, ResultTally

TEXTS_PER_QUESTION = 8  # the latest free-text answers kept per question (and per campaign and service)


def _lock(campaign_ids) -> None:
    """The campaigns' row locks (a no-op on SQLite, whose writes are serialised anyway)."""
    list(Campaign.objects.select_for_update(no_key=True).filter(pk__in=campaign_ids).order_by("pk").values("pk"))


def _count(scope: dict, *, responses: dict) -> dict:
    """Tallies of the answers matching ``scope`` (lookups on Answer), keyed by (campaign, service): three
    grouped queries."""
    answers = Answer.objects.filter(**scope)
    tallies = defaultdict(lambda: {"responses": 0, "answers": [], "items": [], "texts": []})
    for key, n in responses.items():
        tallies[key]["responses"] = n
    for row in (
        answers.values("response__campaign_id", "response__service", "question_id", "number", "choice_id")
        .annotate(n=Count("pk"), score_sum=Sum("score"), score_n=Count("score"))
        .order_by()
    ):
        tallies[(row["response__campaign_id"], row["response__service"])]["answers"].append(
            [
                row["question_id"],
                _decimal(row["number"]),
                row["choice_id"],
                row["n"],
                _decimal(row["score_sum"]),
                row["score_n"],
            ]
        )
    for row in (
        AnswerItem.objects.filter(**{f"answer__{k}": v for k, v in scope.items()})
        .values(
            "answer__response__campaign_id", "answer__response__service", "question_id", "choice_id", "row", "rank"
        )
        .annotate(n=Count("pk"))
        .order_by()
    ):
        tallies[(row["answer__response__campaign_id"], row["answer__response__service"])]["items"].append(
            [row["question_id"], row["choice_id"], row["row"], row["rank"], row["n"]]
        )
    partition = [F("response__campaign_id"), F("response__service"), F("question_id")]
    for campaign_id, service, question_id, updated_at, pk, text in (
        answers.exclude(text="")
        .annotate(rn=Window(RowNumber(), partition_by=partition, order_by=[F("updated_at").desc(), F("pk").desc()]))
        .filter(rn__lte=TEXTS_PER_QUESTION)
        .values_list("response__campaign_id", "response__service", "question_id", "updated_at", "pk", "text")
    ):
        tallies[(campaign_id, service)]["texts"].append(
            [question_id, updated_at.isoformat(timespec="microseconds"), pk, text]
        )
    for tally in tallies.values():
        tally["texts"] = _latest(tally["texts"])
    return tallies


def _decimal(value) -> str | None:
    """An exact decimal as JSON keeps it: a normalised string ("3", "12.5"), the same from any database."""
    if value is None:
        return None
    value = Decimal(value).normalize()
    return format(value, "f")


def _latest(texts: list) -> list:
    """The latest ``TEXTS_PER_QUESTION`` texts of each question, latest first (ties: the latest answer row)."""
    texts = sorted(texts, key=lambda t: (t[0], t[1], t[2]), reverse=True)
    kept, per_question = [], defaultdict(int)
    for text in texts:
        per_question[text[0]] += 1
        if per_question[text[0]] <= TEXTS_PER_QUESTION:
            kept.append(text)
    return kept


def result_tally_add(*, response: Response) -> None:
    """Add a response just submitted to its tally. Runs inside the submitting transaction: the campaign's
    lock, three grouped reads of the response's own answers, the tally read and written — six statements
    whatever the number of responses (locked in tests/diagnostics/test_result_tallies.py)."""
    _lock([response.campaign_id])
    added = _count({"response_id": response.pk}, responses={}).get((response.campaign_id, response.service))
    tally = ResultTally.objects.filter(campaign_id=response.campaign_id, service=response.service).first()
    if tally is None:
        tally = ResultTally(campaign_id=response.campaign_id, service=response.service)
    tally.responses += 1
    if added is not None:
        answers = {tuple(row[:3]): row[3:] for row in tally.answers}
        for question, number, choice, n, score_sum, score_n in added["answers"]:
            old_n, old_sum, old_scores = answers.get((question, number, choice), (0, None, 0))
            if old_sum is not None:
                score_sum = old_sum if score_sum is None else _decimal(Decimal(old_sum) + Decimal(score_sum))
            answers[(question, number, choice)] = [old_n + n, score_sum, old_scores + score_n]
        tally.answers = [[*key, *values] for key, values in answers.items()]
        items = {tuple(row[:4]): row[4] for row in tally.items}
        for *key, n in added["items"]:
            items[tuple(key)] = items.get(tuple(key), 0) + n
        tally.items = [[*key, n] for key, n in items.items()]
        tally.texts = _latest(tally.texts + added["texts"])
    tally.updated_at = timezone.now()
    tally.save()


@transaction.atomic
def result_tally_rebuild(*, campaign_ids) -> int:
    """Count the submitted answers of these campaigns again, from scratch. Returns the tallies written."""
    campaign_ids = list(campaign_ids)
    _lock(campaign_ids)
    submitted = Response.objects.filter(campaign_id__in=campaign_ids, submitted_at__isnull=False)
    responses = {
        (row["campaign_id"], row["service"]): row["n"]
        for row in submitted.values("campaign_id", "service").annotate(n=Count("pk")).order_by()
    }
    scope = {"response__campaign_id__in": campaign_ids, "response__submitted_at__isnull": False}
    tallies = _count(scope, responses=responses)
    ResultTally.objects.filter(campaign_id__in=campaign_ids).delete()
    now = timezone.now()
    ResultTally.objects.bulk_create(
        [
            ResultTally(campaign_id=campaign_id, service=service, updated_at=now, **tally)
            for (campaign_id, service), tally in tallies.items()
        ]
    )
    return len(tallies)
