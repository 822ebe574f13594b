"""How a version of the final report is produced: asked for by a consultant, rendered by a worker, published.

``request_report`` freezes the mission's data (``content.collect``) on a new numbered version and enqueues the
``roadmap.report_render`` task once the transaction commits; a double click while a render is under way gets the
running version back. ``render_version`` is what the task and ``manage.py report_render`` call:

* it is idempotent: a version already done is left as it is (the task is acknowledged late, so a worker killed
  mid-render gets it redelivered, and the redelivery renders again from the start);
* the PDF is written to storage under a name of its own first, then published by ONE update (file name, status
  done, size, pages, SHA-256): a worker killed between the two leaves an orphan file that no row points to,
  never a half file served as done; the next attempt removes such leftovers;
* a failure leaves the version ``failed`` with a French message for the consultant, who may retry it;
* a task the broker refuses (Redis down) leaves the version queued and marked unsent: the consultant is told the
  rendering service is unavailable, and ``resend_unsent`` (called by the page's polling and every minute by the
  ``roadmap.report_resend`` task) sends it once the broker answers again.
"""

import hashlib
import logging
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from roadmap.models import ReportStatus, ReportVersion
from roadmap.models.reports import ACTIVE_STATUSES, STAGE_UNSENT, report_folder, report_upload_to
from roadmap.report import annex, content, document
from territoire import access, queueing
from territoire.models import Mission
from territoire.pdf import html_to_pdf

logger = logging.getLogger(__name__)

# A second click on "Générer" within this delay, while the first version is still queued or rendering, is the
# same request. Later, a consultant may want a new version with newer data: they get one.
DOUBLE_CLICK = timedelta(seconds=10)

# The stages the page shows while the worker renders (stored untranslated, shown through gettext).
STAGE_QUEUED = gettext_noop("En attente du moteur de rendu")
STAGE_LAYOUT = gettext_noop("Mise en page du rapport")
STAGE_PDF = gettext_noop("Écriture du PDF")
STAGE_PUBLISH = gettext_noop("Publication du fichier")
STAGE_DONE = gettext_noop("Terminé")

ERROR_TIMEOUT = gettext_noop(
    "Le rendu du rapport a pris trop de temps et a été interrompu. Réessayez ; si cela se répète, "
    "prévenez l'administrateur de la plateforme."
)
ERROR_RENDER = gettext_noop(
    "Le rapport n'a pas pu être produit à cause d'une erreur inattendue. Réessayez ; si cela se répète, "
    "prévenez l'administrateur de la plateforme."
)
ERROR_LOST = gettext_noop(
    "Le rendu du rapport s'est interrompu plusieurs fois (le moteur de rendu s'est arrêté). Réessayez plus tard ; "
    "si cela se répète, prévenez l'administrateur de la plateforme."
)
# A render delivered again after its worker died (acks late) starts over; past this many starts it is failed.
MAX_ATTEMPTS = 3


@dataclass(frozen=True)
class RenderResult:
    version: ReportVersion
    seconds: float


def report_filename(version: ReportVersion) -> str:
    """The name the person sees when downloading: ``Rapport-Sambrevaux-v3.pdf``."""
    commune = slugify(version.mission.commune.name).title() or "Commune"
    return f"Rapport-{commune}-v{version.number}.pdf"


def annex_filename(version: ReportVersion) -> str:
    return report_filename(version).removesuffix(".pdf") + "-annexe.xlsx"


def version_info(version: ReportVersion) -> dict:
    """What the cover prints about the version (``document.render_html(..., version=...)``)."""
    author = version.requested_by
    return {
        "number": version.number,
        "date": (version.created_at or timezone.now()).date().isoformat(),
        "author": author.get_full_name() or author.get_username(),
    }


def _send(version_id: int) -> bool:
    """Hand the render of ``version_id`` to the broker; if it cannot be reached, mark the version unsent (the
    version's row keeps that state, shown and polled by its page, rather than ``territoire.queueing``'s table)."""
    from roadmap.tasks import report_render_task

    def mark_unsent():
        ReportVersion.objects.filter(pk=version_id, status=ReportStatus.QUEUED).update(
            stage=STAGE_UNSENT, updated_at=timezone.now()
        )

    return queueing.send(report_render_task, version_id, on_refused=mark_unsent)


def _enqueue(version_id: int) -> None:
    transaction.on_commit(lambda: _send(version_id))


def resend_unsent(versions=None) -> int:
    """Send again the versions whose task the broker refused (all of them, or those of ``versions``, a queryset);
    returns how many went. Each is claimed by one update first, so two callers never send the same one twice."""
    unsent = ReportVersion.objects.filter(status=ReportStatus.QUEUED, stage=STAGE_UNSENT)
    if versions is not None:
        unsent = unsent.filter(pk__in=versions.values("pk"))
    sent = 0
    for version_id in unsent.values_list("pk", flat=True):
        claimed = ReportVersion.objects.filter(pk=version_id, status=ReportStatus.QUEUED, stage=STAGE_UNSENT).update(
            stage=STAGE_QUEUED, updated_at=timezone.now()
        )
        if not claimed:
            continue
        if not _send(version_id):
            break  # the broker is still down: the others wait for the next call
        logger.info("report_resent version=%s", version_id)
        sent += 1
    return sent


@transaction.atomic
def request_report(mission: Mission, *, user) -> ReportVersion:
    """A new version of the report of ``mission``, with its snapshot, queued for the PDF worker.

    A double click (a version of this mission asked for a few seconds ago and not finished) returns that one.
    """
    if not access.can_manage_mission(user, mission):
        raise PermissionDenied
    mission = (
        Mission.objects.select_for_update(of=("self",)).select_related("commune").get(pk=mission.pk)
    )  # one number at a time
    recent = (
        ReportVersion.objects.filter(mission=mission, status__in=ACTIVE_STATUSES)
        .filter(created_at__gte=timezone.now() - DOUBLE_CLICK)
        .order_by("-number")
        .first()
    )
    if recent is not None:
        return recent
    version = create_version(mission, user=user)
    _enqueue(version.pk)
    return version


@transaction.atomic
def create_version(mission: Mission, *, user) -> ReportVersion:
    """The next numbered version of the report of ``mission`` with the snapshot of its data, not yet rendered
    (``request_report`` queues it for the worker; ``manage.py report_render`` renders it at once)."""
    mission = Mission.objects.select_for_update(of=("self",)).select_related("commune").get(pk=mission.pk)
    snapshot = content.collect(mission)
    annex_rows = annex.collect(mission)
    last = ReportVersion.objects.filter(mission=mission).aggregate(last=Max("number"))["last"] or 0
    version = ReportVersion.objects.create(
        mission=mission, number=last + 1, requested_by=user, snapshot=snapshot, annex=annex_rows, stage=STAGE_QUEUED
    )
    logger.info(
        "report_requested mission=%s version=%s number=%s by=%s", mission.pk, version.pk, version.number, user.pk
    )
    return version


def retry_report(version: ReportVersion, *, user) -> ReportVersion:
    """Render a failed (or stuck) version again, from the same snapshot."""
    if not access.can_manage_mission(user, version.mission):
        raise PermissionDenied
    if not version.shows_failed:
        raise ValidationError(_("Seule une version en échec peut être relancée."))
    updated = ReportVersion.objects.filter(pk=version.pk, status=version.status).update(
        status=ReportStatus.QUEUED,
        progress=0,
        stage=STAGE_QUEUED,
        error="",
        attempts=0,
        started_at=None,
        finished_at=None,
        updated_at=timezone.now(),
    )
    if updated:
        _enqueue(version.pk)
        logger.info("report_retried version=%s by=%s", version.pk, user.pk)
    version.refresh_from_db()
    return version


@transaction.atomic
def deliver_report(version: ReportVersion, *, user) -> ReportVersion:
    """Mark ``version`` as the one handed to the Collège (the mission's previous one no longer is)."""
    if not access.can_manage_mission(user, version.mission):
        raise PermissionDenied
    version = ReportVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != ReportStatus.DONE:
        raise ValidationError(_("Seule une version prête peut être remise au Collège."))
    ReportVersion.objects.filter(mission_id=version.mission_id, delivered=True).exclude(pk=version.pk).update(
        delivered=False, delivered_by=None, delivered_at=None, updated_at=timezone.now()
    )
    version.delivered, version.delivered_by, version.delivered_at = True, user, timezone.now()
    version.save(update_fields=["delivered", "delivered_by", "delivered_at", "updated_at"])
    logger.info("report_delivered mission=%s version=%s by=%s", version.mission_id, version.pk, user.pk)
    return version


def _progress(version_id: int, *, percent: int, stage: str, **fields) -> None:
    ReportVersion.objects.filter(pk=version_id).update(
        progress=percent, stage=stage, updated_at=timezone.now(), **fields
    )


def _fail(version_id: int, message: str) -> None:
    ReportVersion.objects.filter(pk=version_id).exclude(status=ReportStatus.DONE).update(
        status=ReportStatus.FAILED, error=_(message), finished_at=timezone.now(), updated_at=timezone.now()
    )


def _remove_leftovers(version: ReportVersion) -> None:
    """Files of earlier attempts that were written but never published (a worker killed in between)."""
    folder = report_folder(version)
    try:
        _dirs, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        path = f"{folder}/{name}"
        if path not in (version.file.name, version.annex_file.name):
            default_storage.delete(path)
            logger.info("report_leftover_removed version=%s name=%s", version.pk, path)


def _publish(version: ReportVersion, pdf, workbook: bytes) -> bool:
    """Write the files under names of their own, then publish them with one update. False if another run won."""
    # A fresh name per attempt: an attempt never overwrites a file another attempt may be serving.
    token = secrets.token_hex(6)
    stored = default_storage.save(
        report_upload_to(version, f"rapport-v{version.number}-{token}.pdf"), ContentFile(pdf.content)
    )
    stored_annex = default_storage.save(
        report_upload_to(version, f"annexe-v{version.number}-{token}.xlsx"), ContentFile(workbook)
    )
    now = timezone.now()
    published = (
        ReportVersion.objects.filter(pk=version.pk)
        .exclude(status=ReportStatus.DONE)
        .update(
            file=stored,
            annex_file=stored_annex,
            status=ReportStatus.DONE,
            progress=100,
            stage=STAGE_DONE,
            size=len(pdf.content),
            pages=pdf.pages,
            sha256=hashlib.sha256(pdf.content).hexdigest(),
            error="",
            finished_at=now,
            updated_at=now,
        )
    )
    if not published:
        default_storage.delete(stored)
        default_storage.delete(stored_annex)
    return bool(published)


def render_version(version_id: int) -> RenderResult:
    """Render and publish one version; a version already done is returned as it is (the task may run twice)."""
    started = time.monotonic()
    version = ReportVersion.objects.select_related("mission__commune", "requested_by").filter(pk=version_id).first()
    if version is None or version.status == ReportStatus.DONE:
        return RenderResult(version=version, seconds=0.0)
    if version.attempts >= MAX_ATTEMPTS:
        logger.warning("report_given_up version=%s attempts=%s", version.pk, version.attempts)
        _fail(version.pk, ERROR_LOST)
        version.refresh_from_db()
        return RenderResult(version=version, seconds=0.0)
    _progress(
        version.pk,
        percent=5,
        stage=STAGE_LAYOUT,
        status=ReportStatus.RENDERING,
        started_at=timezone.now(),
        error="",
        attempts=F("attempts") + 1,
    )
    try:
        _remove_leftovers(version)
        html = document.render_html(version.snapshot, version=version_info(version))
        _progress(version.pk, percent=35, stage=STAGE_PDF)
        pdf = html_to_pdf(html)
        _progress(version.pk, percent=90, stage=STAGE_PUBLISH)
        _publish(version, pdf, annex.render_xlsx(version.annex))
    except SoftTimeLimitExceeded:
        logger.warning("report_timeout version=%s", version.pk)
        _fail(version.pk, ERROR_TIMEOUT)
    except Exception:
        logger.exception("report_failed version=%s", version.pk)
        _fail(version.pk, ERROR_RENDER)
    version.refresh_from_db()
    seconds = time.monotonic() - started
    logger.info(
        "report_rendered version=%s status=%s pages=%s bytes=%s seconds=%.1f",
        version.pk,
        version.status,
        version.pages,
        version.size,
        seconds,
    )
    return RenderResult(version=version, seconds=seconds)
