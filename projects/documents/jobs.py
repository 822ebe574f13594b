"""Generated documents of a project (a CSC in PDF, DOCX or ODT; an award report in PDF): asked by a view,
built by the Celery task ``projects.render_document`` (PDF queue: its name has the word "render"; with the broker
down the render stays pending and is sent when it is back, ``territoire.queueing``), downloaded through a
permission-checked view. The file is built from the data at the time of the run."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from projects import documents
from projects.models import DocumentRender, FollowedProject, RenderStatus
from territoire import queueing

logger = logging.getLogger(__name__)

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
}


# A render still pending after this long has not run in time (the task's own limit is 6 minutes; a worker that died
# gets it redelivered only after the broker's visibility timeout): a new ask queues a new one rather than wait.
LOST_AFTER = timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)


@transaction.atomic
def document_render_request(*, project, fmt: str, by, specification=None, procurement=None) -> DocumentRender:
    """The render of a CSC (``specification``) or an award report (``procurement``) in ``fmt``, queued.

    At most one render per document and format waits for the worker: a double click, a second tab or another
    reader asking for the same file while one is pending gets that one — it is built from the data at the time of
    the run, so it is the file a new render would give. Any member may ask (the Collège downloads the CSC), so
    repeated clicks never pile up renders in the PDF queue.
    """
    FollowedProject.objects.select_for_update().only("pk").get(pk=project.pk)  # one request at a time
    waiting = (
        DocumentRender.objects.filter(
            project=project,
            specification=specification,
            procurement=procurement,
            format=fmt,
            status=RenderStatus.PENDING,
            created_at__gte=timezone.now() - LOST_AFTER,
        )
        .order_by("-created_at")
        .first()
    )
    if waiting is not None:
        logger.info("document_render_joined id=%s project=%s format=%s by=%s", waiting.pk, project.pk, fmt, by.pk)
        return waiting
    render = DocumentRender.objects.create(
        project=project, specification=specification, procurement=procurement, format=fmt, requested_by=by
    )
    from projects.documents.tasks import render_document_task

    queueing.send_on_commit(render_document_task, render.pk)
    logger.info("document_render_requested id=%s project=%s format=%s by=%s", render.pk, project.pk, fmt, by.pk)
    return render


def build(render: DocumentRender):
    """The neutral document of a render, and its file name without extension."""
    from projects.documents import award, csc

    if render.specification_id:
        specification = render.specification
        return csc.build(specification), f"csc-{slugify(specification.title)}-v{specification.version}"
    procurement = render.procurement
    return award.build(procurement), f"rapport-attribution-{slugify(procurement.title)}"


def document_render_run(*, render_id: int) -> str:
    render = (
        DocumentRender.objects.select_related(
            "project__mission__commune",
            "specification__project__mission__commune",
            "procurement__project__mission__commune",
        )
        .filter(pk=render_id)
        .first()
    )
    if render is None or render.status == RenderStatus.DONE:
        return render.status if render else "missing"
    try:
        document, stem = build(render)
        filename = f"{stem[:150]}.{render.format}"
        render.file.save(filename, ContentFile(documents.render(document, render.format)), save=False)
        render.filename, render.status = filename, RenderStatus.DONE
    except Exception:
        logger.exception("document_render_failed id=%s", render.pk)
        render.status, render.error = RenderStatus.FAILED, _("Le document n’a pas pu être produit. Réessayez.")
    render.save(update_fields=["file", "filename", "status", "error", "updated_at"])
    logger.info("document_rendered id=%s status=%s", render.pk, render.status)
    return render.status
