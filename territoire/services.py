import logging
from datetime import date, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from territoire import queueing
from territoire.models import Commune, Mission

logger = logging.getLogger(__name__)


@transaction.atomic
def mission_create(
    *,
    commune: Commune,
    title: str,
    by: AbstractBaseUser,
    description: str = "",
    start_date: date,
    planned_end_date: date,
    referents=(),
    privacy_notice: str = "",
) -> Mission:
    mission = Mission.objects.create(
        commune=commune,
        title=title,
        description=description,
        start_date=start_date,
        planned_end_date=planned_end_date,
        privacy_notice=privacy_notice,
    )
    mission.referents.set(referents or [by])
    logger.info("mission_created mission=%s commune=%s by=%s", mission.pk, commune.pk, by.pk)
    return mission


class StaleEdit(Exception):
    """Someone saved the object after the editor loaded it; ``current_version`` is the new version."""

    def __init__(self, current_version: str):
        super().__init__(current_version)
        self.current_version = current_version


def mission_version(mission: Mission) -> str:
    return mission.updated_at.isoformat()


@transaction.atomic
def mission_update(
    *, mission: Mission, by: AbstractBaseUser, referents=None, expected_version: str = "", **fields
) -> Mission:
    """Save the edited fields; with ``expected_version``, refuse (StaleEdit) if another save came first."""
    current = Mission.objects.select_for_update().only("updated_at").get(pk=mission.pk)
    if expected_version and mission_version(current) != expected_version:
        raise StaleEdit(mission_version(current))
    for name, value in fields.items():
        setattr(mission, name, value)
    mission.save(update_fields=[*fields, "updated_at"])
    if referents is not None:
        mission.referents.set(referents)
    logger.info("mission_updated mission=%s by=%s fields=%s", mission.pk, by.pk, ",".join(fields))
    return mission


def mission_set_phase(*, mission: Mission, phase: str, by: AbstractBaseUser) -> Mission:
    previous = mission.phase
    if previous == phase:
        return mission
    mission.phase = phase
    mission.save(update_fields=["phase", "updated_at"])
    logger.info("mission_phase_changed mission=%s from=%s to=%s by=%s", mission.pk, previous, phase, by.pk)
    return mission


SELFCHECK_PDF = "selfcheck/selfcheck.pdf"


def platform_selfcheck() -> dict:
    """Count communes, render a one-page PDF and store it: what a worker needs to do its real jobs.

    The PDF goes through the storage API like every report (a local folder or the bucket): the web
    process reads it back from ``pdf_name``, which proves both share the files. Each run replaces it.
    """
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from weasyprint import HTML

    from territoire.models import Commune

    pdf = HTML(string="<h1>Territoire</h1><p>Vérification du moteur PDF.</p>").write_pdf()
    default_storage.delete(SELFCHECK_PDF)
    name = default_storage.save(SELFCHECK_PDF, ContentFile(pdf))
    return {
        "communes": Commune.objects.count(),
        "pdf_bytes": len(pdf),
        "pdf_magic": pdf[:5].decode("ascii"),
        "pdf_name": name,
    }


# --- PST ----------------------------------------------------------------------------------------


class PSTImportError(Exception):
    """The import cannot go on; the message is French and meant for the user."""


def pst_preview(
    *, commune: Commune, data: bytes, name: str, start_year: int, end_year: int, entity: str, columns=None
) -> dict:
    """Read and validate a PST file against the commune's stored PST; writes nothing.

    Returns the fields of a ``PSTImport`` (payload, errors, counts, diff, mapping, status...). The file's
    own legislature and entity (eComptes XML) win over the ones given.
    """
    from territoire.models import PST, PSTImport
    from territoire.pst import PSTFileError, apply
    from territoire.pst.preview import parse_file

    try:
        payload = parse_file(data, name, columns)
    except PSTFileError as error:
        payload = {"format": "", "meta": {}, "nodes": [], "warnings": [], "headers": [], "columns": []}
        payload["errors"] = [{"row": None, "column": "", "message": str(error)}]
    meta = payload.get("meta", {})
    if meta.get("ins") and meta["ins"].lstrip("0") != commune.code.lstrip("0"):
        payload["warnings"].append(
            _(
                "Le fichier est le PST de la commune INS %(ins)s, pas de %(name)s (%(code)s) : "
                "vérifiez avant de confirmer."
            )
            % {"ins": meta["ins"], "name": commune.name, "code": commune.code}
        )
    start_year = meta.get("start_year") or start_year
    end_year = max(meta.get("end_year") or end_year, start_year)
    entity = meta.get("entity") or entity
    pst = PST.objects.filter(commune=commune, start_year=start_year, end_year=end_year, entity=entity).first()
    counts, diff = apply.compare(payload, pst if payload["nodes"] else None)
    refused = bool(payload["errors"]) or not payload["nodes"]
    return {
        "pst": pst,
        "start_year": start_year,
        "end_year": end_year,
        "entity": entity,
        "file_format": payload.get("format", ""),
        "headers": payload.pop("headers", []),
        "mapping": {"columns": payload.pop("columns", []), "header_row": payload.pop("header_row", None)},
        "errors": payload["errors"],
        "counts": counts,
        "diff": diff,
        "payload": payload,
        "status": PSTImport.Status.REFUSED if refused else PSTImport.Status.PREVIEW,
    }


PREVIEW_FIELDS = [
    "pst",
    "file_format",
    "headers",
    "mapping",
    "errors",
    "counts",
    "diff",
    "payload",
    "status",
    "start_year",
    "end_year",
    "entity",
    "updated_at",
]
# An analysis still running after this long was lost (worker killed, broker down): the screen refuses it.
# Longer than the task's own limits plus a wait in the queue behind a report.
PST_ANALYSIS_STALE_AFTER = timedelta(minutes=20)


def pst_import_create(
    *, commune: Commune, file, by: AbstractBaseUser | None, start_year: int, end_year: int, entity: str = "commune"
):
    """Store the uploaded file as an import ``analysing``: nothing is read yet (``pst_import_analyse`` does)."""
    from territoire.models import PSTImport

    name = (getattr(file, "name", "") or "pst").rsplit("/", 1)[-1][:200]
    pst_import = PSTImport(
        commune=commune,
        by=by,
        file_name=name,
        start_year=start_year,
        end_year=end_year,
        entity=entity,
        status=PSTImport.Status.ANALYSING,
    )
    pst_import.file.save(name, file, save=False)
    pst_import.save()
    logger.info("pst_import_uploaded import=%s commune=%s by=%s", pst_import.pk, commune.pk, getattr(by, "pk", None))
    return pst_import


@transaction.atomic
def pst_import_submit(
    *, commune: Commune, file, by: AbstractBaseUser, start_year: int, end_year: int, entity: str = "commune"
):
    """The screen's upload: store the file and leave its reading to a Celery task (a large PST takes seconds)."""
    pst_import = pst_import_create(
        commune=commune, file=file, by=by, start_year=start_year, end_year=end_year, entity=entity
    )
    _enqueue_analysis(pst_import.pk)
    return pst_import


def pst_import_preview(
    *, commune: Commune, file, by: AbstractBaseUser | None, start_year: int, end_year: int, entity: str = "commune"
):
    """Store the uploaded file and compute its preview at once (management command, benchmarks)."""
    pst_import = pst_import_create(
        commune=commune, file=file, by=by, start_year=start_year, end_year=end_year, entity=entity
    )
    return pst_import_analyse(import_id=pst_import.pk)


def _enqueue_analysis(import_id: int) -> None:
    from territoire.tasks import pst_import_analyse_task

    # The broker down: the import stays "analysing", the screen says the analysis waits for the service, and the
    # task goes when the broker is back (``territoire.queueing``).
    queueing.send_on_commit(pst_import_analyse_task, import_id)


def _pst_import_fail(import_id: int, message: str) -> None:
    from territoire.models import PSTImport

    PSTImport.objects.filter(pk=import_id, status=PSTImport.Status.ANALYSING).update(
        status=PSTImport.Status.REFUSED,
        errors=[{"row": None, "column": "", "message": message}],
        updated_at=timezone.now(),
    )


def pst_import_analyse(*, import_id: int):
    """Read the stored file of an import ``analysing`` and store its preview. Idempotent: an import in any
    other state is left alone. Any failure refuses the import with a French message, so it never stays
    ``analysing``; the error itself goes to the log."""
    from celery.exceptions import SoftTimeLimitExceeded

    from territoire.models import PSTImport

    pst_import = PSTImport.objects.select_related("commune").get(pk=import_id)
    if pst_import.status != PSTImport.Status.ANALYSING:
        return pst_import
    try:
        with pst_import.file.open("rb") as handle:
            data = handle.read()
        preview = pst_preview(
            commune=pst_import.commune,
            data=data,
            name=pst_import.file_name,
            start_year=pst_import.start_year,
            end_year=pst_import.end_year,
            entity=pst_import.entity,
            columns=pst_import.mapping.get("columns") or None,
        )
    except SoftTimeLimitExceeded:
        logger.warning("pst_import_analysis_timeout import=%s", import_id)
        _pst_import_fail(import_id, _("L'analyse du fichier a pris trop de temps : découpez-le ou allégez-le."))
        return PSTImport.objects.get(pk=import_id)
    except Exception:
        logger.exception("pst_import_analysis_failed import=%s", import_id)
        _pst_import_fail(
            import_id,
            _(
                "L'analyse du fichier a échoué sur une erreur inattendue. Rien n'a été enregistré ; "
                "réessayez ou envoyez le fichier au support."
            ),
        )
        return PSTImport.objects.get(pk=import_id)
    for field, value in preview.items():
        setattr(pst_import, field, value)
    # The remap or expiry that came meanwhile wins: only an import still analysing takes this preview.
    with transaction.atomic():
        if not PSTImport.objects.select_for_update().filter(pk=import_id, status=PSTImport.Status.ANALYSING).exists():
            return PSTImport.objects.get(pk=import_id)
        pst_import.save(update_fields=PREVIEW_FIELDS)
    logger.info(
        "pst_import_previewed import=%s commune=%s status=%s nodes=%s errors=%s",
        pst_import.pk,
        pst_import.commune_id,
        pst_import.status,
        len(pst_import.payload.get("nodes", [])),
        len(pst_import.errors),
    )
    return pst_import


def pst_import_waits_for_broker(pst_import) -> bool:
    """Whether the analysis of ``pst_import`` could not be handed to the broker yet (Redis down): it is sent again
    when the broker is back (``territoire.queueing``)."""
    from territoire.tasks import pst_import_analyse_task

    return pst_import.is_analysing and queueing.is_unsent(pst_import_analyse_task, pst_import.pk)


def pst_import_expire(*, pst_import):
    """Refuse an import whose analysis was lost (still ``analysing`` long after its task's limits); one whose task
    waits for the broker to come back is not lost."""
    from territoire.models import PSTImport

    if (
        pst_import.is_analysing
        and pst_import.updated_at < timezone.now() - PST_ANALYSIS_STALE_AFTER
        and not pst_import_waits_for_broker(pst_import)
    ):
        logger.warning("pst_import_analysis_lost import=%s", pst_import.pk)
        _pst_import_fail(pst_import.pk, _("L'analyse du fichier a été interrompue. Importez-le à nouveau."))
        pst_import = PSTImport.objects.select_related("commune", "by", "pst").get(pk=pst_import.pk)
    return pst_import


@transaction.atomic
def pst_import_remap(*, pst_import, columns: list[str], by: AbstractBaseUser):
    """Read the stored file again, in a task, with the columns the user chose."""
    from territoire.models import PSTImport

    mapping = {**pst_import.mapping, "columns": columns}
    # Conditional update: a confirmation at the same moment and this remap cannot both win.
    claimed = (
        PSTImport.objects.filter(pk=pst_import.pk, status__in=[PSTImport.Status.PREVIEW, PSTImport.Status.REFUSED])
        .exclude(file_format="xml")
        .update(status=PSTImport.Status.ANALYSING, mapping=mapping, updated_at=timezone.now())
    )
    if not claimed:
        raise PSTImportError(_("Cet import ne peut plus être modifié."))
    pst_import.status, pst_import.mapping = PSTImport.Status.ANALYSING, mapping
    _enqueue_analysis(pst_import.pk)
    logger.info("pst_import_remapped import=%s by=%s", pst_import.pk, by.pk)
    return pst_import


@transaction.atomic
def pst_import_confirm(*, pst_import, by: AbstractBaseUser | None, drop: list[str] = ()):
    """Write the previewed PST, all or nothing. A second confirmation of the same import does nothing.

    ``drop`` names nodes (``level:key``) whose tags and finding links are removed rather than carried over,
    for codes that now mean something else.
    """
    from territoire.models import PST, PSTImport
    from territoire.pst import apply

    # The conditional update is the lock: of two simultaneous confirmations only one changes the row.
    claimed = PSTImport.objects.filter(pk=pst_import.pk, status=PSTImport.Status.PREVIEW).update(
        status=PSTImport.Status.CONFIRMED, confirmed_at=timezone.now()
    )
    if not claimed:
        raise PSTImportError(_("Cet import a déjà été confirmé ou ne peut pas l'être."))
    meta = pst_import.payload.get("meta", {})
    pst, _created = PST.objects.get_or_create(
        commune=pst_import.commune,
        start_year=pst_import.start_year,
        end_year=pst_import.end_year,
        entity=pst_import.entity,
        defaults={"title": meta.get("title", ""), "source_id": meta.get("source_id", "")},
    )
    result = apply.counts(pst_import.payload, pst)
    dropped = apply.drop_attachments(pst, list(drop)) if drop else 0
    apply.write(pst, pst_import.payload)
    if meta.get("title") and (pst.title, pst.source_id) != (meta["title"], meta.get("source_id", "")):
        pst.title, pst.source_id = meta["title"], meta.get("source_id", "")
        pst.save(update_fields=["title", "source_id", "updated_at"])
    else:
        pst.save(update_fields=["updated_at"])
    pst_import.refresh_from_db(fields=["status", "confirmed_at"])
    pst_import.pst, pst_import.counts = pst, {**result, "dropped": dropped}
    pst_import.save(update_fields=["pst", "counts", "updated_at"])
    logger.info(
        "pst_imported import=%s pst=%s created=%s updated=%s unchanged=%s removed=%s dropped=%s by=%s",
        pst_import.pk,
        pst.pk,
        result["created"],
        result["updated"],
        result["unchanged"],
        result["removed"],
        dropped,
        getattr(by, "pk", None),
    )
    return pst_import


@transaction.atomic
def pst_node_set_tags(*, node, themes: list[str], dimensions: list[str], by: AbstractBaseUser):
    """Give a node exactly these smart themes and dimensions."""
    from territoire.models import PSTNodeTag

    wanted = {(PSTNodeTag.Kind.THEME, t) for t in themes} | {(PSTNodeTag.Kind.DIMENSION, d) for d in dimensions}
    current = {(t.kind, t.value): t.pk for t in PSTNodeTag.objects.filter(node=node)}
    # One by one and with history helpers: the tags' history keeps who added or removed each of them.
    for tag in PSTNodeTag.objects.filter(pk__in=[pk for ident, pk in current.items() if ident not in wanted]):
        tag._history_user = by
        tag.delete()
    bulk_create_with_history(
        [PSTNodeTag(node=node, kind=k, value=v) for k, v in wanted - set(current)], PSTNodeTag, default_user=by
    )
    logger.info(
        "pst_node_tagged node=%s themes=%s dimensions=%s by=%s", node.pk, ",".join(themes), ",".join(dimensions), by.pk
    )
    return node
