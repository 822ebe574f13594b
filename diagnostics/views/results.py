"""Results of a questionnaire (charts, comparison of audiences, maturity) and their exports."""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.text import slugify

from diagnostics.exports import export_csv, export_xlsx
from diagnostics.models import Audience
from diagnostics.results import questionnaire_results
from diagnostics.views.common import load_questionnaire
from territoire import access


def _filters(request) -> dict:
    audience = request.GET.get("audience", "")
    return {
        "audience": audience if audience in Audience.values else "",
        "service": request.GET.get("service", "")[:120],
    }


def questionnaire_results_view(request, mission_id, questionnaire_id):
    questionnaire = load_questionnaire(request, mission_id, questionnaire_id, perm=access.can_see_results)
    filters = _filters(request)
    return render(
        request,
        "diagnostics/questionnaires/results.html",
        {
            "mission": questionnaire.mission,
            "commune": questionnaire.mission.commune,
            "questionnaire": questionnaire,
            "filters": filters,
            "audience_choices": Audience.choices,
            "results": questionnaire_results(questionnaire, **filters),
        },
    )


def questionnaire_export(request, mission_id, questionnaire_id, fmt):
    questionnaire = load_questionnaire(request, mission_id, questionnaire_id, perm=access.can_see_results)
    filters = _filters(request)
    name = slugify(questionnaire.title)[:60] or "questionnaire"
    if fmt == "xlsx":
        content = export_xlsx(questionnaire, **filters)
        response = HttpResponse(
            content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    else:
        response = HttpResponse(export_csv(questionnaire, **filters), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="reponses-{name}.{fmt}"'
    return response
