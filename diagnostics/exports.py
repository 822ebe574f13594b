"""Export the submitted responses of a questionnaire: one row per response, one column per question."""

import csv
import io
from itertools import groupby

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from diagnostics.models import Answer, Audience, Question, QuestionType, Response


def format_value(question: Question, value, labels: dict) -> str:
    """The answer as a person reads it (choice labels rather than ids)."""
    if value is None:
        return ""
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
    """Yield the header then one list per submitted response, reading answers in one ordered pass."""
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
    audiences = dict(Audience.choices)
    yield [
        _("N° de réponse"),
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
    for pk, title, aud, anonymous, service_name, email, submitted_at in rows.iterator(chunk_size=2000):
        cells = [""] * len(questions)
        while current is not None and current[0] < pk:
            current = next(grouped, None)
        if current is not None and current[0] == pk:
            for _response, question_id, value in current[1]:
                if question_id in columns:
                    n = columns[question_id]
                    cells[n] = format_value(questions[n], value, labels)
            current = next(grouped, None)
        yield [
            pk,
            title,
            str(audiences.get(aud, aud)),
            service_name,
            "" if anonymous else (email or ""),
            timezone.localtime(submitted_at).strftime("%d/%m/%Y %H:%M"),
            *cells,
        ]


def export_csv(questionnaire, **filters) -> bytes:
    out = io.StringIO()
    out.write("\ufeff")  # Excel opens UTF-8 CSV correctly only with a BOM.
    writer = csv.writer(out, delimiter=";")
    for row in export_rows(questionnaire, **filters):
        writer.writerow(row)
    return out.getvalue().encode("utf-8")


def export_xlsx(questionnaire, **filters) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Réponses"))
    for row in export_rows(questionnaire, **filters):
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
