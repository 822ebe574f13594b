"""Results of a questionnaire (charts, comparison of audiences, maturity) and their exports."""

from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from diagnostics.models import Audience
from diagnostics.selectors.results import questionnaire_results
from diagnostics.views.common import load_questionnaire
from territoire import access, exports
from territoire.models import ExportKind


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


EXPORT_KINDS = {"csv": ExportKind.RESPONSES_CSV, "xlsx": ExportKind.RESPONSES_XLSX}


@require_POST
def questionnaire_export(request, mission_id, questionnaire_id, fmt):
    """Ask for the export of the responses (the page's filters ride in the query string); the job's page offers it."""
    questionnaire = load_questionnaire(request, mission_id, questionnaire_id, perm=access.can_see_results)
    job = exports.export_job_request(
        commune=questionnaire.mission.commune,
        mission=questionnaire.mission,
        kind=EXPORT_KINDS[fmt],
        params={"questionnaire": questionnaire.pk, **_filters(request)},
        by=request.user,
    )
    return redirect("territoire:export-job", job.pk)
