"""Export the submitted responses of a questionnaire: one row per response, one column per question.

Written by ``territoire.spreadsheets`` (formula neutralisation) in an export job (``territoire.exports``).
"""

from collections import Counter
from decimal import Decimal, InvalidOperation
from itertools import groupby
from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from diagnostics.anonymity import is_small_group
from diagnostics.models import Answer, Audience, Question, Questionnaire, QuestionType, Response
from territoire import spreadsheets


def format_value(question: Question, value, labels: dict):
    """The answer as a person reads it (choice labels rather than ids); numbers stay numbers."""
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool) and question.type != QuestionType.YES_NO:
        return value
    if question.type == QuestionType.NUMBER:
        try:  # stored as the text of a Decimal: a number in the spreadsheet, not text (-5 is no formula)
            number = Decimal(str(value))
        except InvalidOperation:
            return str(value)
        return number if number.is_finite() else str(value)
    qtype = question.type
    if qtype == QuestionType.SINGLE:
        text = labels.get(value.get("choice"), "")
        return f"{text} : {value['other']}" if value.get("other") else text
    if qtype == QuestionType.MULTIPLE:
        text = " ; ".join(labels.get(c, "") for c in value.get("choices", []))
        return f"{text} : {value['other']}" if value.get("other") else text
    if qtype == QuestionType.RANKING:
        return " > ".join(labels.get(c, "") for c in value)
    if qtype == QuestionType.YES_NO:
        return _("Oui") if value else _("Non")
    if qtype == QuestionType.MATRIX:
        rows = question.rows
        return " ; ".join(f"{rows[int(k)] if int(k) < len(rows) else k} : {v}" for k, v in sorted(value.items()))
    return str(value)


def export_rows(questionnaire, *, audience: str = "", service: str = ""):
    """Yield the header then one list per submitted response, reading answers in one ordered pass.

    Rows are numbered (no response id). Rows of anonymous campaigns carry no respondent, the day of
    submission only, and neither service nor audience where that group counts fewer respondents than
    ``ANONYMOUS_MIN_GROUP_SIZE``; filtering on a service or an audience leaves them out altogether when
    they are that few, since the filter itself would single them out.
    """
    questions = list(
        Question.objects.filter(questionnaire=questionnaire)
        .select_related("section")
        .prefetch_related("choices")
        .order_by("section__position", "position", "pk")
    )
    labels = {c.pk: c.label for q in questions for c in q.choices.all()}
    columns = {q.pk: n for n, q in enumerate(questions)}
    responses = Response.objects.filter(campaign__questionnaire=questionnaire, submitted_at__isnull=False)
    if audience:
        responses = responses.filter(campaign__audience=audience)
    if service:
        responses = responses.filter(service=service)
    anonymous = responses.filter(campaign__anonymous=True)
    if (audience or service) and is_small_group(anonymous.count()):
        responses = responses.exclude(campaign__anonymous=True)
        anonymous = anonymous.none()
    audience_sizes, service_sizes = Counter(), Counter()
    for aud, name, n in (
        anonymous.order_by()
        .values("campaign__audience", "service")
        .annotate(n=Count("pk"))
        .values_list("campaign__audience", "service", "n")
    ):
        audience_sizes[aud] += n
        service_sizes[aud, name] += n
    audiences = dict(Audience.choices)
    yield [
        _("N°"),
        _("Campagne"),
        _("Public"),
        _("Service"),
        _("Répondant"),
        _("Envoyée le"),
        *[q.text for q in questions],
    ]
    answers = (
        Answer.objects.filter(response__in=responses.values("pk"))
        .order_by("response_id")
        .values_list("response_id", "question_id", "value")
        .iterator(chunk_size=5000)
    )
    grouped = groupby(answers, key=lambda a: a[0])
    current = next(grouped, None)
    rows = responses.order_by("pk").values_list(
        "pk",
        "campaign__title",
        "campaign__audience",
        "campaign__anonymous",
        "service",
        "invitation__email",
        "submitted_at",
    )
    for number, (pk, title, aud, is_anonymous, service_name, email, submitted_at) in enumerate(
        rows.iterator(chunk_size=2000), start=1
    ):
        cells = [""] * len(questions)
        while current is not None and current[0] < pk:
            current = next(grouped, None)
        if current is not None and current[0] == pk:
            for _response, question_id, value in current[1]:
                if question_id in columns:
                    n = columns[question_id]
                    cells[n] = format_value(questions[n], value, labels)
            current = next(grouped, None)
        audience_label = str(audiences.get(aud, aud))
        if is_anonymous:
            if is_small_group(audience_sizes[aud]):
                audience_label = ""
            if is_small_group(service_sizes[aud, service_name]):
                service_name = ""
            email, submitted = "", timezone.localtime(submitted_at).date()
        else:
            submitted = submitted_at
        yield [number, title, audience_label, service_name, email or "", submitted, *cells]


def _filters(job) -> dict:
    return {"audience": job.params.get("audience", ""), "service": job.params.get("service", "")}


def _questionnaire(job):
    questionnaire = Questionnaire.objects.select_related("mission").get(
        pk=job.params["questionnaire"], mission__commune=job.commune
    )
    return questionnaire, f"reponses-{slugify(questionnaire.title)[:60] or 'questionnaire'}"


def write_csv(out, questionnaire, **filters) -> None:
    rows = export_rows(questionnaire, **filters)
    spreadsheets.write_csv(out, next(rows), rows)


def write_xlsx(out, questionnaire, **filters) -> None:
    rows = export_rows(questionnaire, **filters)
    sheet = spreadsheets.Sheet(title=_("Réponses"), header=next(rows), rows=rows, widths=[6, 30, 18, 18, 24, 16])
    spreadsheets.write_xlsx(out, [sheet])


def build_csv(job, out) -> str:
    questionnaire, stem = _questionnaire(job)
    write_csv(out, questionnaire, **_filters(job))
    return f"{stem}.csv"


def build_xlsx(job, out) -> str:
    questionnaire, stem = _questionnaire(job)
    write_xlsx(out, questionnaire, **_filters(job))
    return f"{stem}.xlsx"


def results_url(job) -> str:
    query = urlencode({k: v for k, v in _filters(job).items() if v})
    url = reverse("diagnostics:questionnaire-results", args=[job.mission_id, job.params["questionnaire"]])
    return f"{url}?{query}" if query else url


def register_exports() -> None:
    """Let ``territoire.exports`` build the responses exports in its jobs (called by the app's ``ready``)."""
    from territoire import access, exports
    from territoire.models import ExportKind

    for kind, build in ((ExportKind.RESPONSES_CSV, build_csv), (ExportKind.RESPONSES_XLSX, build_xlsx)):
        exports.register(kind, build=build, perm=access.can_see_results, source_url=results_url)
