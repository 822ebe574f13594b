"""The commune's inventory of digital systems, shown within a mission: tools, flows, alerts, diagram.

Everybody in the commune reads it; consultants and staff keep it up to date (``can_contribute``).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from diagnostics.diagram import DiagramUnavailable, render_svg
from diagnostics.forms.inventory import FlowForm, NeedsForm, SystemForm
from diagnostics.models import DataFlow, DigitalSystem, FunctionCategory
from diagnostics.selectors.inventory import alerts, load_inventory
from diagnostics.services import inventory as services
from territoire import access, history, spreadsheets


def _mission(request, mission_id, perm=access.can_view):
    return access.load_mission(request.user, mission_id, perm=perm)


def _system(request, mission, system_id) -> DigitalSystem:
    return access.load(
        request.user,
        DigitalSystem.objects.filter(commune=mission.commune_id),
        pk=system_id,
        perm=access.can_contribute,
    )


def _flow(request, mission, flow_id) -> DataFlow:
    return access.load(
        request.user,
        DataFlow.objects.filter(commune=mission.commune_id).select_related("commune"),
        pk=flow_id,
        perm=access.can_contribute,
    )


def inventory(request, mission_id):
    mission = _mission(request, mission_id)
    systems, flows, needs = load_inventory(mission.commune)
    found = alerts(systems, flows, needs)
    diagram, diagram_error = "", ""
    if systems:
        try:
            diagram = render_svg(systems, flows)
        except DiagramUnavailable as error:
            diagram_error = str(error)
    alerted = {}  # system id → {kind: first alert of that kind}, for one badge per kind in the table
    for alert in found:
        for system in alert.systems:
            alerted.setdefault(system.pk, {}).setdefault(alert.kind, alert)
    rows = [(s, list(alerted.get(s.pk, {}).values())) for s in systems]
    total_cost = sum((s.yearly_cost or 0) for s in systems)
    return render(
        request,
        "diagnostics/inventory/inventory.html",
        {
            "mission": mission,
            "commune": mission.commune,
            "rows": rows,
            "systems": systems,
            "flows": flows,
            "alerts": found,
            "diagram": diagram,
            "diagram_error": diagram_error,
            "total_cost": total_cost,
            "needs_form": NeedsForm(initial={"needs": needs}),
            "category_count": len({s.category for s in systems}),
            "manual_count": sum(1 for f in flows if f.is_manual),
        },
    )


def _system_edit(request, mission, system):
    form = SystemForm(request.POST or None, instance=system, commune=mission.commune)
    if request.method == "POST" and form.is_valid():
        fields = {k: form.cleaned_data[k] for k in services.SYSTEM_FIELDS}
        try:
            if system.pk:
                services.system_update(system=system, by=request.user, **fields)
            else:
                system = services.system_create(commune=mission.commune, by=request.user, **fields)
        except ValidationError as error:
            form.add_error("name", error)
        else:
            messages.success(request, _("L'outil « %(name)s » est enregistré.") % {"name": system.name})
            return redirect("diagnostics:inventory", mission_id=mission.pk)
    return render(
        request,
        "diagnostics/inventory/system_form.html",
        {"mission": mission, "form": form, "system": system if system.pk else None},
    )


def system_create(request, mission_id):
    mission = _mission(request, mission_id, access.can_contribute)
    return _system_edit(request, mission, DigitalSystem(commune=mission.commune))


def system_edit(request, mission_id, system_id):
    mission = _mission(request, mission_id)
    return _system_edit(request, mission, _system(request, mission, system_id))


@require_POST
def system_delete(request, mission_id, system_id):
    mission = _mission(request, mission_id)
    system = _system(request, mission, system_id)
    services.system_delete(system=system, by=request.user)
    messages.success(request, _("L'outil « %(name)s » est retiré de l'inventaire.") % {"name": system.name})
    return redirect("diagnostics:inventory", mission_id=mission.pk)


def system_history(request, mission_id, system_id):
    """Who changed the tool and its data flows, when, and what: those who keep the inventory (``can_contribute``)."""
    mission = _mission(request, mission_id)
    system = _system(request, mission, system_id)
    records = [
        *DigitalSystem.history.filter(id=system.pk).select_related("history_user"),
        *DataFlow.history.filter(Q(source_id=system.pk) | Q(target_id=system.pk)).select_related("history_user"),
    ]
    entries = history.entries(
        records, subject=lambda r: _("Outil") if r.instance_type is DigitalSystem else _("Flux de données")
    )
    return render(
        request,
        "diagnostics/inventory/system_history.html",
        {"mission": mission, "system": system, "entries": entries},
    )


def _flow_edit(request, mission, flow):
    initial = {}
    origin = request.GET.get("depuis", "")
    if not flow.pk and origin.isascii() and origin.isdigit():  # "²" is a digit to isdigit(), not to int()
        initial["source"] = int(origin)
    form = FlowForm(request.POST or None, instance=flow, commune=mission.commune, initial=initial)
    if request.method == "POST" and form.is_valid():
        fields = {k: form.cleaned_data[k] for k in services.FLOW_FIELDS}
        try:
            if flow.pk:
                services.flow_update(flow=flow, by=request.user, **fields)
            else:
                services.flow_create(commune=mission.commune, by=request.user, **fields)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Le flux de données est enregistré."))
            return redirect("diagnostics:inventory", mission_id=mission.pk)
    return render(
        request,
        "diagnostics/inventory/flow_form.html",
        {"mission": mission, "form": form, "flow": flow if flow.pk else None},
    )


def flow_create(request, mission_id):
    mission = _mission(request, mission_id, access.can_contribute)
    return _flow_edit(request, mission, DataFlow(commune=mission.commune))


def flow_edit(request, mission_id, flow_id):
    mission = _mission(request, mission_id)
    return _flow_edit(request, mission, _flow(request, mission, flow_id))


@require_POST
def flow_delete(request, mission_id, flow_id):
    mission = _mission(request, mission_id)
    services.flow_delete(flow=_flow(request, mission, flow_id), by=request.user)
    messages.success(request, _("Le flux de données est supprimé."))
    return redirect("diagnostics:inventory", mission_id=mission.pk)


@require_POST
def needs_update(request, mission_id):
    mission = _mission(request, mission_id, access.can_contribute)
    form = NeedsForm(request.POST)
    if form.is_valid():
        services.needs_set(commune=mission.commune, needs=form.cleaned_data["needs"], by=request.user)
        messages.success(request, _("Les fonctions prévues sont enregistrées."))
    else:
        messages.error(request, _("Ce besoin n'existe pas."))
    return redirect("diagnostics:inventory", mission_id=mission.pk)


EXPORT_COLUMNS = [
    ("name", gettext_lazy("Outil")),
    ("category", gettext_lazy("Fonction")),
    ("vendor", gettext_lazy("Fournisseur")),
    ("services", gettext_lazy("Services utilisateurs")),
    ("yearly_cost", gettext_lazy("Coût annuel (€)")),
    ("contract_end", gettext_lazy("Fin du contrat")),
    ("hosting", gettext_lazy("Hébergement")),
    ("personal_data", gettext_lazy("Données personnelles")),
    ("open_standards", gettext_lazy("Standards ouverts / API")),
    ("flows", gettext_lazy("Flux (entrants / sortants)")),
    ("notes", gettext_lazy("Remarques")),
]


def _export_rows(systems, flows):
    counts = {s.pk: [0, 0] for s in systems}
    for flow in flows:
        if flow.target_id in counts:
            counts[flow.target_id][0] += 1
        if flow.source_id in counts:
            counts[flow.source_id][1] += 1
    yes, no = _("oui"), _("non")
    for s in systems:
        yield [
            s.name,
            str(FunctionCategory(s.category).label),
            s.vendor,
            s.services,
            s.yearly_cost,
            s.contract_end,
            str(s.get_hosting_display()),
            yes if s.personal_data else no,
            yes if s.open_standards else no,
            "{} / {}".format(*counts[s.pk]),
            s.notes,
        ]


INVENTORY_WIDTHS = (28, 26, 20, 28, 14, 14, 24, 12, 12, 14, 40)
COST_COLUMN = 4


def inventory_export(request, mission_id):
    """Small (one row per tool of the commune): written in the request, through the shared writer."""
    mission = _mission(request, mission_id)
    systems, flows, _needs = load_inventory(mission.commune)
    fmt = request.GET.get("format", "xlsx")
    stem = f"inventaire-{mission.commune.code}-{timezone.localdate():%Y%m%d}"
    headers = [str(label) for _key, label in EXPORT_COLUMNS]
    if fmt == "csv":
        response = HttpResponse(content_type=spreadsheets.CSV_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{stem}.csv"'
        spreadsheets.write_csv(response, headers, _export_rows(systems, flows))
        return response
    sheet = spreadsheets.Sheet(
        title=_("Inventaire"),
        header=headers,
        rows=_export_rows(systems, flows),
        widths=INVENTORY_WIDTHS,
        formats={COST_COLUMN: spreadsheets.AMOUNT_FORMAT},
    )
    response = HttpResponse(content_type=spreadsheets.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{stem}.xlsx"'
    spreadsheets.write_xlsx(response, [sheet])
    return response
