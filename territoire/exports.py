"""Export jobs: long exports leave the request and run in a Celery task.

A view asks for an export with :func:`export_job_request` (a double click or a second tab gets the
same job back), then redirects to the job's page, which polls until the file is ready and offers
it through a permission-checked download view. :func:`export_job_run` is what the task calls: it
builds the file into a temporary file (memory stays flat) and stores it with Django's storage API.

Each kind of export is registered once with its builder and the permission a user needs to ask for
it and download it (the same rule as the page it comes from). The PST kinds are registered here;
apps register theirs in ``AppConfig.ready`` (``territoire`` knows no other app).
"""

import json
import logging
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import BinaryIO

from celery.exceptions import SoftTimeLimitExceeded
from django.contrib.auth.models import AbstractBaseUser
from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from territoire import access, queueing
from territoire.models import Commune, ExportJob, ExportKind, ExportStatus, Mission
from territoire.models.exports import ACTIVE_STATUSES
from territoire.spreadsheets import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE

logger = logging.getLogger(__name__)

# The task's limits: past the soft one the job fails with a message; the hard one kills the process.
SOFT_TIME_LIMIT = 5 * 60
TIME_LIMIT = SOFT_TIME_LIMIT + 60
# An identical export asked again within this delay is the same job: a double click, not a wish for new data.
REUSE_DELAY = timedelta(seconds=10)
# A job still pending or running after this was lost (worker gone, broker purged): it is failed.
STALE_AFTER = timedelta(seconds=2 * TIME_LIMIT)
# Jobs and their files are deleted after this many days (``manage.py exports_purge``).
KEEP_DAYS = 7

CONTENT_TYPES = {"csv": CSV_CONTENT_TYPE, "xlsx": XLSX_CONTENT_TYPE, "xml": "application/xml"}


@dataclass(frozen=True)
class ExportType:
    """``build(job, out)`` writes the file to the binary file ``out`` and returns its file name;
    ``source_url(job)`` is the page the export was asked from (the job's page links back to it)."""

    build: Callable[[ExportJob, BinaryIO], str]
    perm: Callable[[object, object], bool]
    source_url: Callable[[ExportJob], str] | None = None


_TYPES: dict[str, ExportType] = {}


def register(kind: str, *, build, perm, source_url=None):
    _TYPES[ExportKind(kind)] = ExportType(build=build, perm=perm, source_url=source_url)


def source_url(job: ExportJob) -> str:
    """Where the person came from, or the mission's page; "" when neither is known."""
    source = export_type(job.kind).source_url
    if source is not None and job.mission_id:
        return source(job)
    return reverse("territoire:mission-detail", args=[job.mission_id]) if job.mission_id else ""


def export_type(kind: str) -> ExportType:
    return _TYPES[kind]


def can_download(user, job: ExportJob) -> bool:
    """Only the person who asked for an export sees it, and only while their role still allows that export."""
    return job.requested_by_id == user.pk and export_type(job.kind).perm(user, job)


def content_type(filename: str) -> str:
    return CONTENT_TYPES.get(filename.rsplit(".", 1)[-1].lower(), "application/octet-stream")


def is_stale(job: ExportJob, now=None) -> bool:
    return job.status in ACTIVE_STATUSES and job.created_at < (now or timezone.now()) - STALE_AFTER


# --- Services -----------------------------------------------------------------------------------


def _fail_stale(*, by, kind: str, params_key: str) -> None:
    now = timezone.now()
    ExportJob.objects.active().filter(
        requested_by=by, kind=kind, params_key=params_key, created_at__lt=now - STALE_AFTER
    ).update(status=ExportStatus.FAILED, error=_("L'export a été interrompu."), finished_at=now, updated_at=now)


def export_job_request(
    *,
    commune: Commune,
    mission: Mission | None,
    kind: str,
    params: dict,
    by: AbstractBaseUser,
    fresh: bool = False,
) -> ExportJob:
    """The job building this export for ``by``: the one under way or just done, else a new one.

    ``fresh`` skips a job already done (the person asks again on purpose). The new job's task is
    sent once the transaction commits; a broker down leaves the job pending until it is back.
    """
    params_key = json.dumps(params, sort_keys=True, separators=(",", ":"))
    _fail_stale(by=by, kind=kind, params_key=params_key)
    same = ExportJob.objects.filter(commune=commune, requested_by=by, kind=kind, params_key=params_key)
    reusable = Q(status__in=ACTIVE_STATUSES)
    if not fresh:
        reusable |= Q(status=ExportStatus.DONE, created_at__gte=timezone.now() - REUSE_DELAY)
    existing = same.filter(reusable).order_by("-created_at").first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            job = ExportJob.objects.create(
                commune=commune, mission=mission, kind=kind, params=params, params_key=params_key, requested_by=by
            )
    except IntegrityError:  # the same request, a few milliseconds earlier, in another thread
        return same.active().get()
    from territoire.tasks import export_run_task

    queueing.send_on_commit(export_run_task, job.pk)
    logger.info("export_requested job=%s kind=%s commune=%s by=%s", job.pk, kind, commune.pk, by.pk)
    return job


def _finish(job: ExportJob, *, status: str, error: str = "") -> None:
    job.status, job.error, job.finished_at = status, error, timezone.now()
    job.save(update_fields=["status", "error", "finished_at", "file", "filename", "updated_at"])


def export_job_run(*, job_id: int) -> str:
    """Build the job's file and store it; a job already done is left as it is (the task may run twice)."""
    job = ExportJob.objects.select_related("commune", "mission").filter(pk=job_id).first()
    if job is None or job.status == ExportStatus.DONE:
        return job.status if job else "missing"
    job.status, job.started_at = ExportStatus.RUNNING, timezone.now()
    job.save(update_fields=["status", "started_at", "updated_at"])
    try:
        with tempfile.TemporaryFile() as out:
            filename = export_type(job.kind).build(job, out)
            out.seek(0)
            job.file.save(filename, File(out), save=False)
        job.filename = filename
        _finish(job, status=ExportStatus.DONE)
    except SoftTimeLimitExceeded:
        logger.warning("export_timeout job=%s kind=%s", job.pk, job.kind)
        _finish(
            job,
            status=ExportStatus.FAILED,
            error=_("L'export a pris trop de temps. Réessayez avec des filtres, ou plus tard."),
        )
    except Exception:
        logger.exception("export_failed job=%s kind=%s", job.pk, job.kind)
        _finish(
            job,
            status=ExportStatus.FAILED,
            error=_("L'export n'a pas pu être produit. Réessayez ; si cela se répète, prévenez votre consultant."),
        )
    else:
        logger.info("export_done job=%s kind=%s bytes=%s", job.pk, job.kind, job.file.size)
    return job.status


def export_job_retry(*, job: ExportJob, by: AbstractBaseUser) -> ExportJob:
    """Ask again for the same export (after a failure, or to get fresh data)."""
    return export_job_request(
        commune=job.commune, mission=job.mission, kind=job.kind, params=job.params, by=by, fresh=True
    )


def export_jobs_purge(*, days: int = KEEP_DAYS, now=None) -> int:
    """Delete the jobs older than ``days`` and their files; returns how many jobs went."""
    expired = ExportJob.objects.expired(days=days, now=now)
    count = 0
    for job in expired.iterator():
        if job.file:
            job.file.delete(save=False)
        job.delete()
        count += 1
    logger.info("exports_purged count=%s days=%s", count, days)
    return count


# --- The PST exports ----------------------------------------------------------------------------


def _pst_nodes(job):
    from django.db.models import Prefetch

    from territoire.models import PST, PSTNode

    pst = PST.objects.select_related("commune").get(pk=job.params["pst"], commune=job.commune)
    nodes = (
        PSTNode.objects.filter(pst=pst)
        .order_by("position")
        .prefetch_related(
            "links",
            "tags",
            "budget_lines",
            Prefetch("objectives", queryset=PSTNode.objects.only("id", "parent_id", "code", "title")),
        )
    )
    return pst, list(nodes)


def _pst_filename(pst, extension: str) -> str:
    return f"{slugify(f'pst-{pst.commune.name}-{pst.legislature}')}.{extension}"


def _build_pst_csv(job, out) -> str:
    from territoire.pst import export

    pst, nodes = _pst_nodes(job)
    export.write_csv(out, nodes)
    return _pst_filename(pst, "csv")


def _build_pst_xlsx(job, out) -> str:
    from territoire.pst import export

    pst, nodes = _pst_nodes(job)
    export.write_xlsx(out, nodes, f"PST {pst.legislature}")
    return _pst_filename(pst, "xlsx")


def _build_pst_xml(job, out) -> str:
    from territoire.pst import ecomptes

    pst, nodes = _pst_nodes(job)
    out.write(ecomptes.export(pst, nodes))
    return _pst_filename(pst, "xml")


def _pst_url(job) -> str:
    return reverse("territoire:pst-detail", args=[job.mission_id, job.params["pst"]])


register(ExportKind.PST_CSV, build=_build_pst_csv, perm=access.can_view, source_url=_pst_url)
register(ExportKind.PST_XLSX, build=_build_pst_xlsx, perm=access.can_view, source_url=_pst_url)
register(ExportKind.PST_XML, build=_build_pst_xml, perm=access.can_view, source_url=_pst_url)
