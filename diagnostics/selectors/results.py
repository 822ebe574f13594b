"""Results of a questionnaire: aggregated in the database, drawn as server-side SVG (``territoire.charts``).

The page issues a fixed number of queries whatever the number of responses (see
``tests/diagnostics/test_results.py``) and never reads an answer: the answers are counted per campaign
and service when a response is submitted (:class:`diagnostics.models.ResultTally`), and the page adds
those tallies up into distributions of scalar answers, summaries of numbers, counts of items (multiple
choices, ranks, matrix cells), the latest free-text answers per question and average maturity scores
per dimension and per theme. Every aggregate is split by audience, which gives the side-by-side
comparison. Rendered charts are cached under a hash of the data they draw (the tallied counts), so a
submission redraws only the charts it changes, once.

Anonymous campaigns: a group of respondents smaller than ``ANONYMOUS_MIN_GROUP_SIZE`` (see
:func:`breakdown_allowed`) is never shown on its own — no service filter, no audience column beside
others, no chart series — since a reader who knows who is in a small service recognises their answers.
The totals of a questionnaire answered by a single audience are shown whatever their number: they
are the result the respondents were told about, and no filter narrows them down.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Count
from django.utils.translation import gettext as _

from diagnostics.anonymity import breakdown_allowed
from diagnostics.models import (
    TEXT_TYPES,
    Audience,
    Campaign,
    Question,
    QuestionType,
    Response,
    ResultTally,
)
from diagnostics.selectors.campaigns import campaign_stats, percent
from diagnostics.services.results import TEXTS_PER_QUESTION, result_tally_rebuild
from territoire import charts
from territoire.models import SmartDimension, SmartTheme

AUDIENCE = "response__campaign__audience"


@dataclass
class QuestionResult:
    question: Question
    answered: dict = field(default_factory=dict)  # audience → count
    chart: str = ""
    summary: list = field(default_factory=list)  # number questions: per audience n/avg/min/max
    texts: list = field(default_factory=list)
    scores: dict = field(default_factory=dict)  # audience → average score 0–100

    @property
    def total(self) -> int:
        return sum(self.answered.values())


def results_warm(questionnaire_id: int) -> None:
    """Draw all the charts of the unfiltered results into the cache.

    Run by ``diagnostics.results_refresh`` after a submission, so that the next reader of the results
    finds them ready (see :func:`diagnostics.services.respond.response_submit`).
    """
    from diagnostics.models import Questionnaire

    questionnaire = Questionnaire.objects.filter(pk=questionnaire_id).first()
    if questionnaire is not None:
        questionnaire_results(questionnaire, section=None)


def _tallied_rows(campaign_ids, service: str, submitted: dict) -> dict:
    """The answers of the campaigns' submitted responses (of one service, or all), counted: one query over
    their tallies (``diagnostics.services.results``), whatever the number of responses.

    ``submitted`` (campaign → submitted responses) finds tallies behind their campaign: responses written
    without the submit service (in bulk, or before tallies existed) are counted again here, once. A tally
    ahead of it is a submission committed since the count was read, and is right.
    """
    rows = list(
        ResultTally.objects.filter(campaign_id__in=campaign_ids).values_list(
            "campaign_id", "service", "responses", "answers", "items", "texts"
        )
    )
    tallied = defaultdict(int)
    for campaign_id, _service, responses, *_rest in rows:
        tallied[campaign_id] += responses
    behind = [pk for pk in campaign_ids if tallied[pk] < submitted.get(pk, 0)]
    if behind:
        result_tally_rebuild(campaign_ids=behind)
        return _tallied_rows(campaign_ids, service, submitted)
    raw = {"answers": [], "items": [], "texts": []}
    texts = defaultdict(list)  # question → [(updated_at, answer id, text, campaign)]
    for campaign_id, tally_service, _responses, answers, items, tally_texts in rows:
        if service and tally_service != service:
            continue
        for question_id, number, choice_id, n, score_sum, score_n in answers:
            raw["answers"].append(
                {
                    "question_id": question_id,
                    "response__campaign_id": campaign_id,
                    "number": None if number is None else Decimal(number),
                    "choice_id": choice_id,
                    "n": n,
                    "score_sum": None if score_sum is None else Decimal(score_sum),
                    "score_n": score_n,
                }
            )
        for question_id, choice_id, row, rank, n in items:
            raw["items"].append(
                {
                    "question_id": question_id,
                    "choice_id": choice_id,
                    "row": row,
                    "rank": rank,
                    "answer__response__campaign_id": campaign_id,
                    "n": n,
                }
            )
        for question_id, updated_at, answer_id, text in tally_texts:
            texts[question_id].append((updated_at, answer_id, text, campaign_id))
    for question_id, found in texts.items():
        found.sort(reverse=True)
        raw["texts"] += [
            (question_id, text, campaign_id) for _at, _id, text, campaign_id in found[:TEXTS_PER_QUESTION]
        ]
    return raw


def questionnaire_results(questionnaire, *, audience: str = "", service: str = "", section=0) -> dict:
    """Everything the results page shows. ``section``: the id of the one section whose question cards are
    built and charts drawn (the first when it names none of the questionnaire's); None draws them all. The
    page draws one and loads the others as they are opened.
    """
    campaigns = list(Campaign.objects.filter(questionnaire=questionnaire).order_by("audience", "opens_at"))
    stats = campaign_stats(campaigns)
    audience_of = {c.pk: c.audience for c in campaigns}
    labels = dict(Audience.choices)
    order = list(labels)
    groups = _groups(campaigns, audience=audience, service=service)
    kept = [
        c.pk
        for c in campaigns
        if not groups["group_hidden"]
        and (not audience or c.audience == audience)
        and c.audience not in groups["hidden_audiences"]
    ]
    sections = list(questionnaire.sections.prefetch_related("questions__choices"))
    questions = {q.pk: q for s in sections for q in s.questions.all()}
    raw = _tallied_rows(kept, service, {r["campaign"].pk: r["submitted"] for r in stats})
    results = {pk: QuestionResult(question=q) for pk, q in questions.items()}

    # 1. One pass over the answers gives counts, distributions, number summaries and scores, by audience.
    scalar = defaultdict(lambda: defaultdict(int))  # (question, audience) → {choice id or scale point: n}
    number_rows = defaultdict(list)  # (question, audience) → [(number, n)]
    score_sums = defaultdict(lambda: [Decimal(0), 0])  # (question, audience) → [sum, n]
    for row in raw["answers"]:
        question = questions.get(row["question_id"])
        if question is None:
            continue
        aud = audience_of[row["response__campaign_id"]]
        pk, n = question.pk, row["n"]
        result = results[pk]
        result.answered[aud] = result.answered.get(aud, 0) + n
        if question.type == QuestionType.NUMBER and row["number"] is not None:
            number_rows[(pk, aud)].append((row["number"], n))
        elif row["choice_id"]:
            scalar[(pk, aud)][row["choice_id"]] += n
        elif row["number"] is not None:
            scalar[(pk, aud)][int(row["number"])] += n
        if row["score_n"]:
            score_sums[(pk, aud)][0] += row["score_sum"]
            score_sums[(pk, aud)][1] += row["score_n"]
    audiences = sorted({a for r in results.values() for a in r.answered}, key=order.index)

    numbers = defaultdict(list)
    for (pk, aud), values in number_rows.items():
        total = sum(n for _, n in values)
        numbers[pk].append(
            {
                AUDIENCE: aud,
                "n": total,
                "avg": sum(v * n for v, n in values) / total,
                "low": min(v for v, _ in values),
                "high": max(v for v, _ in values),
            }
        )

    # 2. Items: chosen options, ranks, matrix cells.
    items = defaultdict(lambda: defaultdict(int))  # (question, audience) → {(choice, row, rank): n}
    for row in raw["items"]:
        aud = audience_of[row["answer__response__campaign_id"]]
        items[(row["question_id"], aud)][(row["choice_id"], row["row"], row["rank"])] += row["n"]

    # 3. The latest free-text answers of each question (and "other, please specify" texts).
    for question_id, text, campaign_id in raw["texts"]:
        if question_id in results:
            aud = audience_of[campaign_id]
            results[question_id].texts.append((text, labels.get(aud, aud)))

    # 4. Scores: per question (comparison table) and per dimension / theme (radar), weighted by answers.
    for (pk, aud), (total, n) in score_sums.items():
        if questions[pk].counts_for_maturity:
            results[pk].scores[aud] = float(total / n)
    maturity = {}
    for axis, choices in (("dimension", SmartDimension), ("theme", SmartTheme)):
        sums = defaultdict(lambda: [Decimal(0), 0])
        for (pk, aud), (total, n) in score_sums.items():
            value = getattr(questions[pk], axis)
            if value and questions[pk].counts_for_maturity:
                sums[(value, aud)][0] += total
                sums[(value, aud)][1] += n
        maturity[axis] = maturity_axis(sums, choices, audiences, labels)

    if section is None:
        drawn = {s.pk for s in sections}
    else:
        drawn = {section if section in {s.pk for s in sections} else sections[0].pk} if sections else set()
    for section in sections:
        if section.pk in drawn:
            for question in section.questions.all():
                pk = question.pk
                _draw(results[pk], audiences, labels, scalar, numbers.get(pk, []), items)

    return {
        "campaigns": stats,
        "audiences": [(a, labels.get(a, a)) for a in audiences],
        "sections": []
        if groups["group_hidden"]
        else [
            (s, [results[q.pk] for q in s.questions.all()] if s.pk in drawn else [], s.pk in drawn) for s in sections
        ],
        "maturity": maturity,
        "services": groups["services"],
        # Groups left out for anonymity: the chosen filter as a whole, or audiences beside the others.
        "group_hidden": groups["group_hidden"],
        "hidden_audiences": [labels[a] for a in sorted(groups["hidden_audiences"], key=order.index)],
        "min_group_size": settings.ANONYMOUS_MIN_GROUP_SIZE,
        "respondents": sum(r["submitted"] for r in stats),
        # Scored questions side by side: the gaps between audiences are a finding in themselves.
        "comparison": [results[q.pk] for s in sections for q in s.questions.all() if results[q.pk].scores]
        if len(audiences) > 1
        else [],
    }


def _groups(campaigns, *, audience: str, service: str) -> dict:
    """Which groups of respondents the results may show, given the filters (one grouped query).

    ``services``: the services the filter offers; ``group_hidden``: the filters ask for a group too small
    to show on its own; ``hidden_audiences``: audiences too small to stand beside the others.
    """
    audience_of = {c.pk: c.audience for c in campaigns}
    anonymous = {c.audience for c in campaigns if c.anonymous}
    sizes = defaultdict(int)  # (audience, service) → submitted responses
    rows = (
        Response.objects.filter(campaign_id__in=audience_of, submitted_at__isnull=False)
        .values_list("campaign_id", "service")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for campaign_id, response_service, n in rows:
        sizes[(audience_of[campaign_id], response_service)] += n
    answered = {a for (a, _s), n in sizes.items() if n}
    in_scope = {a for a in answered if not audience or a == audience}

    def protected(audiences) -> bool:
        return bool(anonymous & set(audiences))

    services = []
    for name in sorted({s for (a, s) in sizes if s and a in in_scope}):
        members = {a for a in in_scope if sizes[(a, name)]}
        if not protected(members) or breakdown_allowed(sum(sizes[(a, name)] for a in members)):
            services.append(name)
    hidden, group_hidden = set(), False
    if service and service not in services:
        # Asked for by a crafted URL, or a service that has since lost responses: nothing of it is shown.
        group_hidden = any(sizes[(a, service)] for a in in_scope)
    else:

        def size(a):
            return sizes[(a, service)] if service else sum(n for (b, _s), n in sizes.items() if b == a)

        if audience and len(answered) > 1:
            # One audience picked out of several: a breakdown like a column beside the others.
            group_hidden = protected([audience]) and 0 < size(audience) and not breakdown_allowed(size(audience))
        elif not audience:
            shown = {a for a in in_scope if size(a)}
            if len(shown) > 1:
                hidden = {a for a in shown & anonymous if not breakdown_allowed(size(a))}
    return {"services": services, "group_hidden": group_hidden, "hidden_audiences": hidden}


def maturity_axis(sums, choices, audiences, labels) -> dict:
    """Average scores on one axis (dimension or theme) per audience: table rows, the audiences' labels (the
    table's columns) and, from three values, a radar.

    ``sums`` maps ``(axis value, audience)`` to ``[sum of scores, number of scores]``.
    """
    table = defaultdict(dict)
    for (value, aud), (total, n) in sums.items():
        table[value][aud] = float(total / n)
    axes = [(value, label) for value, label in choices.choices if value in table]
    radar = ""
    if len(axes) >= 3:
        radar = charts.radar(
            [label for _v, label in axes],
            [(labels.get(a, a), [table[value].get(a) for value, _l in axes]) for a in audiences],
        )
    return {
        "rows": [(label, [table[value].get(a) for a in audiences]) for value, label in axes],
        "audiences": [labels.get(a, a) for a in audiences],
        "radar": radar,
    }


def _series(result, audiences, labels, keys, counts_of):
    """One series per audience, in percent of the audience's respondents to this question."""
    series = []
    for audience in audiences:
        total = result.answered.get(audience, 0)
        counts = counts_of(audience)
        series.append((str(labels.get(audience, audience)), tuple(percent(counts.get(k, 0), total) for k in keys)))
    return tuple(series)


def _mean_ranks(counts, *, by_row: bool) -> dict:
    """The average rank (or matrix score) per choice, or per row, of ``{(choice, row, rank): n}`` counts."""
    sums = defaultdict(lambda: [0, 0])
    for (choice, row, rank), n in counts.items():
        key = row if by_row else choice
        sums[key][0] += rank * n
        sums[key][1] += n
    return {key: round(total / n, 2) for key, (total, n) in sums.items() if n}


def _draw(result, audiences, labels, scalar, numbers, items) -> None:
    q = result.question
    if not result.total:
        return
    pk = q.pk
    if q.type in (QuestionType.LIKERT, QuestionType.RATING):
        # Colour means agreement here, not audience: one 100 % bar per audience, from disagreement to agreement.
        scale = q.scale
        if q.type == QuestionType.LIKERT:
            caption = _("Part des répondants de chaque public, du désaccord (à gauche) à l'accord (à droite).")
        else:
            caption = _("Note de 0 (pas du tout) à 10 (tout à fait) : part des répondants de chaque public.")
        result.chart = charts.likert(
            [label for _v, label in scale],
            [(labels.get(a, a), [scalar[(pk, a)].get(v, 0) for v, _l in scale]) for a in audiences],
            ident=pk,
            overall=_("Ensemble"),
            caption=caption,
        )
    elif q.type == QuestionType.YES_NO:
        series = _series(result, audiences, labels, [1, 0], lambda a: scalar[(pk, a)])
        result.chart = charts.bars([_("Oui"), _("Non")], series, ident=pk, horizontal=True, percent=True)
    elif q.type in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        choices = list(q.choices.all())
        keys = [c.pk for c in choices]

        def counts_of(a):
            if q.type == QuestionType.SINGLE:
                return scalar[(pk, a)]
            return {choice: n for (choice, _row, _rank), n in items[(pk, a)].items()}

        series = _series(result, audiences, labels, keys, counts_of)
        result.chart = charts.bars([c.label for c in choices], series, ident=pk, horizontal=True, percent=True)
    elif q.type == QuestionType.RANKING:
        choices = list(q.choices.all())
        series = []
        for a in audiences:
            means = _mean_ranks(items[(pk, a)], by_row=False)
            series.append((str(labels.get(a, a)), tuple(means.get(c.pk) for c in choices)))
        result.chart = charts.bars(
            [c.label for c in choices],
            series,
            ident=pk,
            horizontal=True,
            title=_("Rang moyen (1 = le plus prioritaire)"),
        )
    elif q.type == QuestionType.MATRIX:
        rows = q.rows
        series = []
        for a in audiences:
            means = _mean_ranks(items[(pk, a)], by_row=True)
            series.append((str(labels.get(a, a)), tuple(means.get(i) for i in range(len(rows)))))
        result.chart = charts.bars(
            rows,
            series,
            ident=pk,
            horizontal=True,
            range=(1, 5),
            title=_("Moyenne sur 5"),
        )
    elif q.type == QuestionType.NUMBER:
        result.summary = [
            {
                "audience": labels.get(row[AUDIENCE], row[AUDIENCE]),
                "n": row["n"],
                "avg": row["avg"],
                "low": row["low"],
                "high": row["high"],
            }
            for row in sorted(numbers, key=lambda r: audiences.index(r[AUDIENCE]))
        ]
    elif q.type in TEXT_TYPES:
        pass
