"""Project sheets: list, detail, create and edit (with budget, funding, risks, indicators), status,
duplicate, create from a finding.

Every member of the commune reads them; only consultants write (``can_manage_mission``).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from diagnostics.models import Finding
from roadmap.forms.sheets import SHEET_FIELDS, SHEET_RELATIONS, SheetForm, StatusForm, TemplateForm, formset_rows
from roadmap.forms.sheets import line_formsets as build_formsets
from roadmap.models import BudgetLine, FundingLine, ProjectSheet, SheetIndicator, SheetRisk, SheetStatus
from roadmap.selectors.costs import funding_warnings, sheet_costs
from roadmap.selectors.sheets import money_prefetch, sheet_rows
from roadmap.services import sheets as services
from territoire import access, history
from territoire.models import SmartTheme


def _mission(request, mission_id, perm=access.can_view):
    return access.load_mission(request.user, mission_id, perm=perm)


def _sheet(request, mission_id, sheet_id, perm=access.can_manage_mission, queryset=None) -> ProjectSheet:
    queryset = queryset if queryset is not None else ProjectSheet.objects.select_related("mission__commune")
    return access.load(request.user, queryset.filter(mission_id=mission_id), pk=sheet_id, perm=perm)


def _refuse(request, error: ValidationError):
    for message in error.messages:
        messages.error(request, message)


def sheet_list(request, mission_id):
    mission = _mission(request, mission_id)
    status, theme = request.GET.get("status", ""), request.GET.get("theme", "")
    # An unknown filter value is ignored (links are shared and edited by hand).
    status = status if status in SheetStatus.values else ""
    theme = theme if theme in SmartTheme.values else ""
    rows = sheet_rows(mission, status=status, theme=theme)
    return render(
        request,
        "roadmap/sheets/list.html",
        {
            "mission": mission,
            "rows": rows,
            "statuses": SheetStatus.choices,
            "themes": SmartTheme.choices,
            "status": status,
            "theme": theme,
            "may_manage": access.can_manage_mission(request.user, mission),
        },
    )


def sheet_detail(request, mission_id, sheet_id):
    sheet = _sheet(
        request,
        mission_id,
        sheet_id,
        perm=access.can_view,
        queryset=ProjectSheet.objects.select_related("mission__commune").prefetch_related(
            *money_prefetch(),
            "risks",
            "indicators",
            # A finding merged before merges moved the sheets along: shown with the one it was merged into.
            Prefetch("findings", queryset=Finding.objects.select_related("merged_into")),
            "pst_links",
            "prerequisites",
            "dependants",
        ),
    )
    mission = sheet.mission
    costs = sheet_costs(sheet.budget_lines.all(), sheet.funding_lines.all())
    may_manage = access.can_manage_mission(request.user, mission)
    return render(
        request,
        "roadmap/sheets/detail.html",
        {
            "mission": mission,
            "sheet": sheet,
            "costs": costs,
            "warnings": funding_warnings(costs, theme=sheet.theme, today=timezone.localdate()),
            "may_manage": may_manage,
            "status_form": StatusForm(sheet=sheet) if may_manage else None,
            "template_form": TemplateForm(initial={"name": sheet.title}) if may_manage else None,
        },
    )


def _edit(request, mission, sheet):
    """The create/edit page: the sheet's form and its four line formsets, saved together or not at all."""
    instance = sheet or ProjectSheet(mission=mission)
    data = request.POST if request.method == "POST" else None
    form = SheetForm(data, instance=instance, mission=mission)
    formsets = build_formsets(instance, data)
    if data is not None and form.is_valid() and all(fs.is_valid() for fs in formsets.values()):
        try:
            saved = services.sheet_save(
                mission=mission,
                sheet=sheet,
                fields={name: form.cleaned_data[name] for name in SHEET_FIELDS},
                relations={name: form.cleaned_data[name] for name in SHEET_RELATIONS},
                lines={prefix: formset_rows(fs) for prefix, fs in formsets.items()},
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Fiche %(code)s enregistrée.") % {"code": saved.code})
            return redirect("roadmap:sheet-detail", mission.pk, saved.pk)
    elif data is not None:
        messages.error(request, _("La fiche n'a pas été enregistrée : corrigez les champs signalés en rouge."))
    return render(
        request,
        "roadmap/sheets/form.html",
        {"mission": mission, "sheet": sheet, "form": form, "formsets": formsets},
        status=400 if data is not None else 200,
    )


def sheet_create(request, mission_id):
    return _edit(request, _mission(request, mission_id, access.can_manage_mission), None)


def sheet_edit(request, mission_id, sheet_id):
    sheet = _sheet(request, mission_id, sheet_id)
    return _edit(request, sheet.mission, sheet)


@require_POST
def sheet_status(request, mission_id, sheet_id):
    sheet = _sheet(request, mission_id, sheet_id)
    form = StatusForm(request.POST, sheet=sheet)
    if form.is_valid():
        try:
            services.sheet_set_status(sheet=sheet, status=form.cleaned_data["status"], by=request.user)
            messages.success(request, _("Statut : %(status)s.") % {"status": sheet.get_status_display()})
        except ValidationError as error:
            _refuse(request, error)
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("roadmap:sheet-detail", mission_id, sheet.pk)


@require_POST
def sheet_duplicate(request, mission_id, sheet_id):
    sheet = _sheet(request, mission_id, sheet_id)
    copy = services.sheet_duplicate(sheet=sheet, by=request.user)
    messages.success(request, _("Copie créée : %(code)s.") % {"code": copy.code})
    return redirect("roadmap:sheet-edit", mission_id, copy.pk)


@require_POST
def sheet_from_finding(request, mission_id, finding_id):
    finding = access.load(
        request.user,
        Finding.objects.open().filter(mission_id=mission_id).select_related("mission__commune"),
        pk=finding_id,
        perm=access.can_manage_mission,
    )
    sheet = services.sheet_create_from_finding(finding=finding, by=request.user)
    messages.success(request, _("Fiche %(code)s créée à partir du constat : complétez-la.") % {"code": sheet.code})
    return redirect("roadmap:sheet-edit", mission_id, sheet.pk)


def _history_subject(record) -> str:
    if record.instance_type is ProjectSheet:
        return _("Fiche")
    return f"{record.instance_type._meta.verbose_name.capitalize()} : {record.instance}"


def sheet_history(request, mission_id, sheet_id):
    """Who changed the sheet (status included) and its lines, when, and what. Every member reads it."""
    sheet = _sheet(request, mission_id, sheet_id, perm=access.can_view)
    lines = (BudgetLine, FundingLine, SheetRisk, SheetIndicator)
    records = [
        *ProjectSheet.history.filter(id=sheet.pk).select_related("history_user"),
        *(r for model in lines for r in model.history.filter(sheet_id=sheet.pk).select_related("history_user")),
    ]
    return render(
        request,
        "roadmap/sheets/history.html",
        {"mission": sheet.mission, "sheet": sheet, "entries": history.entries(records, subject=_history_subject)},
    )
