"""Export jobs: the page that follows one (polled by htmx while the worker builds the file), its download, a retry.

A job is seen only by the person who asked for it, and only while their role in the commune still
allows that export (``territoire.exports.can_download``); another commune's job is a 404.
"""

from django.contrib import messages
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from territoire import access, exports, queueing
from territoire.models import ExportJob, ExportStatus
from territoire.tasks import export_run_task


def _load_job(request, job_id) -> ExportJob:
    queryset = ExportJob.objects.filter(requested_by=request.user).select_related("commune", "mission")
    return access.load(request.user, queryset, perm=exports.can_download, pk=job_id)


def export_job(request, job_id):
    job = _load_job(request, job_id)
    # Its task waits for the broker (Redis down): the page says so, and the job is not stale, only late.
    unsent = job.is_active and queueing.is_unsent(export_run_task, job.pk)
    context = {
        "job": job,
        "unsent": queueing.UNAVAILABLE if unsent else "",
        "stale": not unsent and exports.is_stale(job),
        "back_url": exports.source_url(job),
        "mission": job.mission,
        "commune": job.commune,
    }
    if request.htmx:
        return render(request, "territoire/exports/status.html", context)
    return render(request, "territoire/exports/job.html", context)


def export_job_download(request, job_id):
    job = _load_job(request, job_id)
    if job.status != ExportStatus.DONE or not job.file:
        return redirect("territoire:export-job", job.pk)
    try:
        handle = job.file.open("rb")
    except FileNotFoundError:
        messages.error(request, _("Ce fichier n'est plus disponible : relancez l'export."))
        return redirect("territoire:export-job", job.pk)
    return FileResponse(
        handle, as_attachment=True, filename=job.filename, content_type=exports.content_type(job.filename)
    )


@require_POST
def export_job_retry(request, job_id):
    job = _load_job(request, job_id)
    new_job = exports.export_job_retry(job=job, by=request.user)
    return redirect("territoire:export-job", new_job.pk)
