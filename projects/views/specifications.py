"""The CSC pages: the project's CSCs, one CSC edited section by section, its requirements, lots and criteria,
the draft from the sheet, the reuse of a section, and the generated files (PDF, DOCX, ODT).

Every view starts from ``load_project``: reading needs ``can_view`` (the Collège reads), writing
``can_edit_project``; the CSC and its rows are then looked up among the project's own."""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from projects.documents import jobs
from projects.documents.tasks import render_document_task
from projects.forms.specifications import (
    CriteriaFormSet,
    LotForm,
    RequirementForm,
    ReuseForm,
    SectionForm,
    SpecificationForm,
)
from projects.models import DocumentRender, RenderFormat, RenderStatus, SpecStatus
from projects.models.specifications import SECTION_ORDER, SectionKind
from projects.services import specifications as services
from projects.views.navigation import project_context
from projects.views.overview import load_project
from territoire import access, queueing

TAB = "projects:specifications"


def _specification(project, specification_id):
    return get_object_or_404(project.specifications.all(), pk=specification_id)


def _edit(request, mission_id, project_id, specification_id):
    project = load_project(request, mission_id, project_id, perm=access.can_edit_project)
    return project, _specification(project, specification_id)


def _back(specification, anchor=""):
    response = redirect(
        "projects:specification-detail", specification.project.mission_id, specification.project_id, specification.pk
    )
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


def specifications(request, mission_id, project_id):
    project = load_project(request, mission_id, project_id)
    form = SpecificationForm(
        request.POST or None, initial={"title": _("Cahier spécial des charges — %(title)s") % {"title": project.title}}
    )
    if request.method == "POST":
        if not access.can_edit_project(request.user, project):
            raise PermissionDenied
        if form.is_valid():
            specification = services.specification_create(
                project=project, title=form.cleaned_data["title"], by=request.user
            )
            return _back(specification)
    return render(
        request,
        "projects/specifications/list.html",
        project_context(
            project,
            TAB,
            specifications=project.specifications.select_related("created_by"),
            form=form,
            can_edit=access.can_edit_project(request.user, project),
        ),
    )


def _detail_context(request, project, specification, **forms):
    can_edit = access.can_edit_project(request.user, project)
    sections = sorted(specification.sections.all(), key=lambda section: SECTION_ORDER[section.kind])
    requirements = list(specification.requirements.all())
    bound_requirement = forms.pop("requirement_form", None)
    for section in sections:
        section.form = forms.pop(f"section_{section.pk}", None) or SectionForm(
            instance=section, prefix=f"s{section.pk}"
        )
        # One form per section on the page: ids of their own (names stay the same for the view).
        if can_edit:
            if bound_requirement is not None and bound_requirement.data.get("section") == section.kind:
                section.requirement_form = bound_requirement
            else:
                section.requirement_form = RequirementForm(auto_id=f"id_{section.kind}_%s")
        section.requirements = [r for r in requirements if r.section == section.kind]
        for number, requirement in enumerate(section.requirements, start=1):
            requirement.number = f"{requirement.prefix}-{number:02d}"
    criteria = specification.criteria.all()
    # The reusable sections, read once and offered in each section's own select (ReuseForm checks the POST).
    reuse_choices = []
    if can_edit:
        field = ReuseForm(user=request.user, specification=specification).fields["source"]
        reuse_choices = [(section.pk, field.label_from_instance(section)) for section in field.queryset]
    return project_context(
        project,
        TAB,
        specification=specification,
        sections=sections,
        lots=specification.lots.all(),
        criteria=criteria,
        total_weight=sum((criterion.weight for criterion in criteria), Decimal(0)).normalize(),
        criteria_formset=forms.pop("criteria_formset", None) or CriteriaFormSet(queryset=criteria, prefix="criteria"),
        lot_form=forms.pop("lot_form", None) or LotForm(),
        reuse_choices=reuse_choices,
        can_edit=can_edit,
        formats=RenderFormat.choices,
        renders=specification.renders.filter(requested_by=request.user)[:6],
        requirement_kinds=(SectionKind.FUNCTIONAL, SectionKind.TECHNICAL),
        **forms,
    )


def specification_detail(request, mission_id, project_id, specification_id):
    project = load_project(request, mission_id, project_id)
    specification = _specification(project, specification_id)
    return render(request, "projects/specifications/detail.html", _detail_context(request, project, specification))


@require_POST
def section_edit(request, mission_id, project_id, spec_section_id):
    project = load_project(request, mission_id, project_id, perm=access.can_edit_project)
    from projects.models import SpecSection

    section = get_object_or_404(
        SpecSection.objects.filter(specification__project=project).select_related("specification"), pk=spec_section_id
    )
    form = SectionForm(request.POST, instance=section, prefix=f"s{section.pk}")
    if form.is_valid():
        services.section_update(section=section, body=form.cleaned_data["body"], by=request.user)
        if request.htmx:
            section.form, section.saved = SectionForm(instance=section, prefix=f"s{section.pk}"), True
            return render(
                request,
                "projects/specifications/_section_form.html",
                {"section": section, "specification": section.specification, "project": project},
            )
        messages.success(request, _("Section « %(name)s » enregistrée.") % {"name": section.get_kind_display()})
        return _back(section.specification, f"section-{section.kind}")
    context = _detail_context(request, project, section.specification, **{f"section_{section.pk}": form})
    return render(request, "projects/specifications/detail.html", context, status=400)


@require_POST
def section_reuse(request, mission_id, project_id, spec_section_id):
    project = load_project(request, mission_id, project_id, perm=access.can_edit_project)
    from projects.models import SpecSection

    section = get_object_or_404(SpecSection.objects.filter(specification__project=project), pk=spec_section_id)
    form = ReuseForm(request.POST, user=request.user, specification=section.specification)
    if form.is_valid():
        try:
            services.section_reuse(section=section, source_id=form.cleaned_data["source"].pk, by=request.user)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(
                request, _("Texte repris dans la section « %(name)s ».") % {"name": section.get_kind_display()}
            )
    else:
        messages.error(request, _("Cette section n’est pas disponible."))
    return _back(section.specification, f"section-{section.kind}")


@require_POST
def specification_draft(request, mission_id, project_id, specification_id):
    project, specification = _edit(request, mission_id, project_id, specification_id)
    filled = services.specification_draft_from_sheet(specification=specification, by=request.user)
    if filled:
        messages.success(request, _("Repris de la fiche projet : %(parts)s.") % {"parts": ", ".join(filled)})
    else:
        messages.info(request, _("Rien à reprendre : les sections concernées sont déjà rédigées."))
    return _back(specification)


@require_POST
def requirement_add(request, mission_id, project_id, specification_id):
    project, specification = _edit(request, mission_id, project_id, specification_id)
    form = RequirementForm(request.POST)
    if form.is_valid():
        services.requirement_add(specification=specification, by=request.user, **form.cleaned_data)
        return _back(specification, f"section-{form.cleaned_data['section']}")
    context = _detail_context(request, project, specification, requirement_form=form)
    return render(request, "projects/specifications/detail.html", context, status=400)


def _requirement(request, mission_id, project_id, requirement_id):
    from projects.models import Requirement

    project = load_project(request, mission_id, project_id, perm=access.can_edit_project)
    return get_object_or_404(
        Requirement.objects.filter(specification__project=project).select_related("specification__project"),
        pk=requirement_id,
    )


@require_POST
def requirement_move(request, mission_id, project_id, requirement_id):
    requirement = _requirement(request, mission_id, project_id, requirement_id)
    services.requirement_move(requirement=requirement, up=request.POST.get("direction") == "up", by=request.user)
    return _back(requirement.specification, f"section-{requirement.section}")


@require_POST
def requirement_delete(request, mission_id, project_id, requirement_id):
    requirement = _requirement(request, mission_id, project_id, requirement_id)
    services.requirement_delete(requirement=requirement, by=request.user)
    return _back(requirement.specification, f"section-{requirement.section}")


@require_POST
def lot_add(request, mission_id, project_id, specification_id):
    project, specification = _edit(request, mission_id, project_id, specification_id)
    form = LotForm(request.POST)
    if form.is_valid():
        services.lot_add(specification=specification, by=request.user, **form.cleaned_data)
        return _back(specification, "section-lots")
    context = _detail_context(request, project, specification, lot_form=form)
    return render(request, "projects/specifications/detail.html", context, status=400)


@require_POST
def lot_delete(request, mission_id, project_id, lot_id):
    from projects.models import Lot

    project = load_project(request, mission_id, project_id, perm=access.can_edit_project)
    lot = get_object_or_404(
        Lot.objects.filter(specification__project=project).select_related("specification__project"), pk=lot_id
    )
    services.lot_delete(lot=lot, by=request.user)
    return _back(lot.specification, "section-lots")


@require_POST
def criteria_edit(request, mission_id, project_id, specification_id):
    project, specification = _edit(request, mission_id, project_id, specification_id)
    formset = CriteriaFormSet(request.POST, queryset=specification.criteria.all(), prefix="criteria")
    if formset.is_valid():
        services.criteria_save(specification=specification, formset=formset, by=request.user)
        messages.success(request, _("Critères d’attribution enregistrés."))
        return _back(specification, "section-award")
    context = _detail_context(request, project, specification, criteria_formset=formset)
    return render(request, "projects/specifications/detail.html", context, status=400)


@require_POST
def specification_status(request, mission_id, project_id, specification_id):
    project, specification = _edit(request, mission_id, project_id, specification_id)
    status = request.POST.get("status")
    if status not in SpecStatus.values:
        messages.error(request, _("Statut inconnu."))
        return _back(specification)
    try:
        services.specification_set_status(specification=specification, status=status, by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    return _back(specification)


@require_POST
def specification_render(request, mission_id, project_id, specification_id):
    project = load_project(request, mission_id, project_id)
    specification = _specification(project, specification_id)
    fmt = request.POST.get("format")
    if fmt not in RenderFormat.values:
        messages.error(request, _("Format inconnu."))
        return _back(specification)
    document = jobs.document_render_request(project=project, specification=specification, fmt=fmt, by=request.user)
    return redirect("projects:render-detail", mission_id, project_id, document.pk)


# --- Generated documents (CSC and award report) -----------------------------------------------------------


def _render(request, mission_id, project_id, render_id):
    project = load_project(request, mission_id, project_id)
    return project, get_object_or_404(
        DocumentRender.objects.filter(project=project).select_related("specification", "procurement"), pk=render_id
    )


def render_detail(request, mission_id, project_id, render_id):
    project, document = _render(request, mission_id, project_id, render_id)
    context = project_context(
        project, TAB if document.specification_id else "projects:procurements", document=document
    )
    if document.status == RenderStatus.PENDING and queueing.is_unsent(render_document_task, document.pk):
        context["unsent"] = queueing.UNAVAILABLE  # its task waits for the broker (Redis down)
    if request.htmx:
        return render(request, "projects/documents/_render_status.html", context)
    return render(request, "projects/documents/render.html", context)


def render_download(request, mission_id, project_id, render_id):
    project, document = _render(request, mission_id, project_id, render_id)
    if document.status != RenderStatus.DONE or not document.file:
        return redirect("projects:render-detail", mission_id, project_id, document.pk)
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.filename,
        content_type=jobs.CONTENT_TYPES[document.format],
    )
