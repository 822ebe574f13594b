"""A project's SPMM phase pages: the checklist (answered inline, one question at a time), notes, documents,
and the move to another phase (a confirmation page listing what is still open).

Every member reads; those who keep the project (``can_edit_project``) answer, write, upload and move.
Documents are served by :func:`document_download`, which checks the tenant, never from a public media URL.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from projects.forms.phases import AnswerForm, DocumentForm, NoteForm, PhaseMoveForm
from projects.models import PHASE_ORDER, ChecklistQuestion, PhaseDocument, ProjectPhase, next_phase
from projects.selectors.phases import checklist, open_rows
from projects.services import phases as services
from projects.tasks_phases import notify_phase_change_task
from projects.views.navigation import project_context
from projects.views.overview import load_project
from territoire import access, queueing


def _phase(value) -> str:
    if value not in ProjectPhase.values:
        raise Http404
    return value


def _phase_url(project, phase):
    return redirect("projects:phase-detail", project.mission_id, project.pk, phase)


def _render_phase(request, project, phase, *, note_form=None, document_form=None, status=200):
    may_edit = access.can_edit_project(request.user, project)
    rows = checklist(project, phase)
    return render(
        request,
        "projects/phases/detail.html",
        project_context(
            project,
            "projects:phase-current",
            phase=phase,
            phase_label=ProjectPhase(phase).label,
            phases=[(value, ProjectPhase(value).label) for value in PHASE_ORDER],
            rows=rows,
            open_count=sum(row.is_open for row in rows),
            statuses=ProjectPhase.choices,
            answer_statuses=AnswerForm.base_fields["status"].choices,
            notes=project.phase_notes.filter(phase=phase).select_related("author"),
            documents=project.phase_documents.filter(phase=phase).select_related("uploaded_by"),
            note_form=note_form or NoteForm(),
            document_form=document_form or DocumentForm(),
            may_edit=may_edit,
            next_phase=next_phase(project.phase),
        ),
        status=status,
    )


def phase_current(request, mission_id, project_id):
    project = load_project(request, mission_id, project_id)
    return _render_phase(request, project, project.phase)


def phase_detail(request, mission_id, project_id, phase):
    project = load_project(request, mission_id, project_id)
    return _render_phase(request, project, _phase(phase))


@require_POST
def answer_save(request, mission_id, project_id, phase):
    project = load_project(request, mission_id, project_id, perm=access.can_edit_project)
    phase = _phase(phase)
    question = get_object_or_404(
        ChecklistQuestion.objects.filter(phase=phase, active=True), pk=request.POST.get("question") or 0
    )
    form = AnswerForm(request.POST)
    if form.is_valid():
        answer = services.answer_save(project=project, question=question, by=request.user, **form.cleaned_data)
    else:
        answer = None
    if request.htmx:
        all_rows = checklist(project, phase)
        rows = [row for row in all_rows if row.question.pk == question.pk]
        return render(
            request,
            "projects/phases/_answer_row.html",
            {
                "mission": project.mission,
                "project": project,
                "phase": phase,
                "row": rows[0],
                "may_edit": True,
                "answer_statuses": AnswerForm.base_fields["status"].choices,
                "saved": answer is not None,
                "errors": form.errors,
                "oob_open_count": sum(row.is_open for row in all_rows),
            },
        )
    if answer is None:
        messages.error(request, _("La réponse n'a pas été enregistrée : choisissez une réponse valable."))
    else:
        messages.success(request, _("Réponse enregistrée."))
    return _phase_url(project, phase)


@require_POST
def note_add(request, mission_id, project_id, phase):
    project = load_project(request, mission_id, project_id, perm=access.can_edit_project)
    phase = _phase(phase)
    form = NoteForm(request.POST)
    if not form.is_valid():
        return _render_phase(request, project, phase, note_form=form, status=400)
    services.note_add(project=project, phase=phase, text=form.cleaned_data["text"], by=request.user)
    messages.success(request, _("Note ajoutée."))
    return _phase_url(project, phase)


@require_POST
def document_upload(request, mission_id, project_id, phase):
    project = load_project(request, mission_id, project_id, perm=access.can_edit_project)
    phase = _phase(phase)
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_phase(request, project, phase, document_form=form, status=400)
    services.document_add(project=project, phase=phase, by=request.user, **form.cleaned_data)
    messages.success(request, _("Document déposé."))
    return _phase_url(project, phase)


def document_download(request, mission_id, project_id, phase_document_id):
    project = load_project(request, mission_id, project_id)
    document = access.load(request.user, PhaseDocument.objects.filter(project=project), pk=phase_document_id)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:  # gone from the folder or the bucket (a partial restore): no 500
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=document.file_name)


def phase_move(request, mission_id, project_id):
    """GET: what moving to ``?vers=`` (default: the next phase) leaves open; POST: move and record it."""
    project = load_project(request, mission_id, project_id, perm=access.can_edit_project)
    source = request.POST if request.method == "POST" else request.GET
    target = source.get("vers") or next_phase(project.phase)
    settled = target not in ProjectPhase.values or target == project.phase  # nothing left to confirm
    form = PhaseMoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            transition = services.phase_move(
                project=project,
                from_phase=request.POST.get("de", ""),
                to_phase=target or "",
                comment=form.cleaned_data["comment"],
                by=request.user,
            )
        except ValidationError as error:
            if settled:
                for message in error.messages:
                    messages.error(request, message)
                return redirect("projects:project-detail", project.mission_id, project.pk)
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request,
                _("Le projet est passé en phase %(phase)s.") % {"phase": transition.get_to_phase_display()},
            )
            # The phase has moved; its e-mail to the team waits for the broker if it is down.
            queueing.warn_if_unsent(request, notify_phase_change_task, transition.pk)
            return redirect("projects:project-detail", project.mission_id, project.pk)
    elif settled:
        messages.error(request, _("Choisissez une autre phase que la phase actuelle."))
        return redirect("projects:project-detail", project.mission_id, project.pk)
    backward = PHASE_ORDER.index(target) < PHASE_ORDER.index(project.phase)
    return render(
        request,
        "projects/phases/move.html",
        project_context(
            project,
            "projects:phase-current",
            form=form,
            target=target,
            target_label=ProjectPhase(target).label,
            backward=backward,
            open=open_rows(project, project.phase),
            earlier=[(value, ProjectPhase(value).label) for value in PHASE_ORDER[: PHASE_ORDER.index(project.phase)]],
        ),
        status=400 if form.errors else 200,
    )
