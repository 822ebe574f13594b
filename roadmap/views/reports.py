"""The final report: its versions, their generation (followed live), download, delivery to the Collège, preview.

Every member of the commune opens the page and downloads the versions that are ready
(``access.can_download_reports``); the version handed to the Collège comes first. The commune's consultants
(``access.can_manage_mission``) also see the versions queued, rendering or failed, generate a new version,
retry a failed one, mark one "remise au Collège" and preview the report in the browser. Another commune's
version is a 404; a forbidden action a 403.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import F
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from roadmap.models import ReportStatus, ReportVersion
from roadmap.report import content, document, pipeline
from territoire import access
from territoire.spreadsheets import XLSX_CONTENT_TYPE


def unsent_message() -> str:
    return _(
        "Le service de rendu est momentanément indisponible : la version %(number)s reste en file d'attente et "
        "sera produite dès son retour, sans autre action de votre part."
    )


def _versions(mission, user):
    versions = ReportVersion.objects.listing().filter(mission=mission)
    if not access.can_manage_mission(user, mission):
        versions = versions.done()
    return versions.order_by(F("delivered").desc(), "-number")


def _load_version(request, mission, report_id, *, perm=access.can_download_reports) -> ReportVersion:
    queryset = ReportVersion.objects.listing().select_related("mission__commune").filter(mission=mission)
    return access.load(request.user, queryset, perm=perm, pk=report_id)


def reports(request, mission_id):
    mission = access.load_mission(request.user, mission_id, perm=access.can_download_reports)
    versions = list(_versions(mission, request.user))
    return render(
        request,
        "roadmap/reports/index.html",
        {
            "mission": mission,
            "commune": mission.commune,
            "versions": versions,
            "delivered": next((v for v in versions if v.delivered), None),
            "consultant": access.can_manage_mission(request.user, mission),
        },
    )


@require_POST
def report_generate(request, mission_id):
    mission = access.load_mission(request.user, mission_id, perm=access.can_manage_mission)
    version = pipeline.request_report(mission, user=request.user)
    version.refresh_from_db(fields=["status", "stage"])
    if version.is_unsent:
        messages.warning(request, unsent_message() % {"number": version.number})
        return redirect("roadmap:reports", mission.pk)
    messages.success(
        request,
        _("La version %(number)s du rapport est en préparation ; vous pouvez quitter la page et revenir plus tard.")
        % {"number": version.number},
    )
    return redirect("roadmap:reports", mission.pk)


@never_cache
def report_status(request, mission_id, report_id):
    """The row of one version, polled by htmx while it is queued or rendering; a version the broker refused (Redis
    down) is sent again from here, so that it starts as soon as the broker is back while someone watches."""
    mission = access.load_mission(request.user, mission_id, perm=access.can_manage_mission)
    version = _load_version(request, mission, report_id, perm=access.can_manage_mission)
    if version.is_unsent and pipeline.resend_unsent(ReportVersion.objects.filter(pk=version.pk)):
        version = _load_version(request, mission, report_id, perm=access.can_manage_mission)
    return render(
        request,
        "roadmap/reports/_version.html",
        {"mission": mission, "version": version, "consultant": True},
    )


def _consultant_action(request, mission_id, report_id, action, done: str):
    """Load the version for a consultant, apply ``action``, say how it went (``done`` has ``%(number)s``)."""
    mission = access.load_mission(request.user, mission_id, perm=access.can_manage_mission)
    version = _load_version(request, mission, report_id, perm=access.can_manage_mission)
    try:
        version = action(version, user=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        if version.is_unsent:
            messages.warning(request, unsent_message() % {"number": version.number})
        else:
            messages.success(request, done % {"number": version.number})
    return redirect("roadmap:reports", mission.pk)


@require_POST
def report_retry(request, mission_id, report_id):
    return _consultant_action(
        request, mission_id, report_id, pipeline.retry_report, _("Le rendu de la version %(number)s est relancé.")
    )


@require_POST
def report_deliver(request, mission_id, report_id):
    return _consultant_action(
        request,
        mission_id,
        report_id,
        pipeline.deliver_report,
        _("La version %(number)s est marquée comme remise au Collège."),
    )


def _serve(version: ReportVersion, field, filename: str, content_type: str):
    # Only a published file is served: a version queued, rendering or failed has none to give (a worker killed
    # after writing its file but before publishing it left no name on the row).
    if version.status != ReportStatus.DONE or not field:
        raise Http404
    try:
        handle = field.open("rb")
    except FileNotFoundError:  # gone from the folder or the bucket (a partial restore): no 500
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    response["Cache-Control"] = "no-store, private"
    return response


@never_cache
def report_download(request, mission_id, report_id):
    mission = access.load_mission(request.user, mission_id, perm=access.can_download_reports)
    version = _load_version(request, mission, report_id)
    return _serve(version, version.file, pipeline.report_filename(version), "application/pdf")


@never_cache
def report_annex(request, mission_id, report_id):
    """The spreadsheet annex of a version (ranking and sheets), downloadable by the same people as its PDF."""
    mission = access.load_mission(request.user, mission_id, perm=access.can_download_reports)
    version = _load_version(request, mission, report_id)
    return _serve(version, version.annex_file, pipeline.annex_filename(version), XLSX_CONTENT_TYPE)


def report_preview(request, mission_id):
    """The report as the PDF will say it, in the browser, from the data as they are now (same templates)."""
    mission = access.load_mission(request.user, mission_id, perm=access.can_manage_mission)
    html = document.render_html(content.collect(mission))
    # The document's relative URLs (its stylesheet, images) point into the static folder, as for the PDF.
    html = html.replace("<head>", f'<head><base href="{static("")}">', 1)
    response = HttpResponse(html)
    response["Cache-Control"] = "no-store, private"
    return response
