"""Results of a questionnaire (charts, comparison of audiences, maturity) and their exports."""

from urllib.parse import quote

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
    """The results page: one section's question cards drawn (the first, or ``?section=<id>``), the others
    loaded as they are opened; an htmx request with ``?section=<id>`` gets that section's cards alone."""
    questionnaire = load_questionnaire(request, mission_id, questionnaire_id, perm=access.can_see_results)
    filters = _filters(request)
    try:
        section = int(request.GET.get("section", ""))
    except ValueError:
        section = 0  # the first
    results = questionnaire_results(questionnaire, **filters, section=section)
    context = {
        "mission": questionnaire.mission,
        "commune": questionnaire.mission.commune,
        "questionnaire": questionnaire,
        "filters": filters,
        "section_query": "".join(f"{k}={quote(v)}&" for k, v in filters.items() if v),
        "audience_choices": Audience.choices,
        "results": results,
    }
    if request.htmx and "section" in request.GET:
        drawn = [(s, cards) for s, cards, is_drawn in results["sections"] if is_drawn]
        context["question_results"] = drawn[0][1] if drawn else []
        return render(request, "diagnostics/questionnaires/_results_section.html", context)
    return render(request, "diagnostics/questionnaires/results.html", context)


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
