"""The roadmap workbook: its export (an export job, like every long export) and its import (upload → preview →
confirm). Every member exports what they may read; only the mission's consultants import.

The preview keeps the uploaded file in the storage under a signed token bound to the mission and the person;
confirming reads it again and the service plans again before writing (the mission may have changed meanwhile).
"""

import logging
import uuid

from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from roadmap.forms.workbook import WorkbookUploadForm
from roadmap.services import workbook as services
from territoire import access, exports
from territoire.models import ExportKind

logger = logging.getLogger(__name__)

TOKEN_SALT = "roadmap.workbook-import"
TOKEN_MAX_AGE = 60 * 60  # an hour to read the preview and confirm


@require_POST
def workbook_export(request, mission_id):
    """Ask for the workbook; the worker builds it and the job's page offers the file."""
    mission = access.load_mission(request.user, mission_id)
    job = exports.export_job_request(
        commune=mission.commune,
        mission=mission,
        kind=ExportKind.ROADMAP_XLSX,
        params={"mission": mission.pk},
        by=request.user,
    )
    return redirect("territoire:export-job", job.pk)


def _upload_page(request, mission, form, errors=(), status=200):
    return render(
        request,
        "roadmap/workbook/import.html",
        {"mission": mission, "form": form, "errors": errors},
        status=status,
    )


def _folder(mission, user) -> str:
    return f"imports/roadmap/{mission.commune_id}/{mission.pk}/{user.pk}"


def _store(mission, user, data: bytes) -> str:
    """Keep the file until it is confirmed; an older upload of the same person is dropped."""
    folder = _folder(mission, user)
    if default_storage.exists(folder):
        for name in default_storage.listdir(folder)[1]:
            default_storage.delete(f"{folder}/{name}")
    return default_storage.save(f"{folder}/{uuid.uuid4().hex}.xlsx", ContentFile(data))


def workbook_import(request, mission_id):
    mission = access.load_mission(request.user, mission_id, perm=access.can_manage_mission)
    if request.method != "POST":
        return _upload_page(request, mission, WorkbookUploadForm())
    form = WorkbookUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _upload_page(request, mission, form, status=400)
    data = form.cleaned_data["file"].read()
    plan = services.workbook_plan(mission=mission, data=data, user=request.user)
    if plan.errors:
        return _upload_page(request, mission, WorkbookUploadForm(), errors=plan.errors, status=400)
    path = _store(mission, request.user, data)
    token = signing.dumps({"mission": mission.pk, "user": request.user.pk, "path": path}, salt=TOKEN_SALT)
    return render(
        request,
        "roadmap/workbook/preview.html",
        {"mission": mission, "plan": plan, "token": token, "filename": form.cleaned_data["file"].name},
    )


@require_POST
def workbook_import_confirm(request, mission_id):
    mission = access.load_mission(request.user, mission_id, perm=access.can_manage_mission)
    try:
        stored = signing.loads(request.POST.get("token", ""), salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:
        stored = None
    path = (stored or {}).get("path", "")
    valid = (
        stored is not None
        and stored.get("mission") == mission.pk
        and stored.get("user") == request.user.pk
        and path.startswith(_folder(mission, request.user) + "/")
        and default_storage.exists(path)
    )
    if not valid:
        messages.error(request, _("Cet aperçu a expiré ou a déjà été importé : envoyez le fichier à nouveau."))
        return redirect("roadmap:workbook-import", mission.pk)
    with default_storage.open(path, "rb") as file:
        data = file.read()
    try:
        plan = services.workbook_import(mission=mission, data=data, by=request.user)
    except ValidationError as error:
        return _upload_page(request, mission, WorkbookUploadForm(), errors=error.messages, status=400)
    default_storage.delete(path)
    changed = sum(1 for p in plan.sheets if p.action != "unchanged")
    messages.success(
        request,
        _("Import terminé : %(sheets)s fiche(s) créée(s) ou modifiée(s), %(scores)s note(s) enregistrée(s).")
        % {"sheets": changed, "scores": len(plan.scores)},
    )
    return redirect("roadmap:sheet-list", mission.pk)
