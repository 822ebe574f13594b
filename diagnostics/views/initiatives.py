"""Existing initiatives: what the commune already does in « smart », shown within a mission."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from diagnostics.forms.inventory import InitiativeForm
from diagnostics.models import Initiative
from diagnostics.services import inventory as services
from territoire import access


def _initiative(request, mission, initiative_id) -> Initiative:
    return access.load(
        request.user,
        Initiative.objects.filter(commune=mission.commune_id),
        pk=initiative_id,
        perm=access.can_contribute,
    )


def initiatives(request, mission_id):
    mission = access.load_mission(request.user, mission_id)
    rows = list(Initiative.objects.for_commune(mission.commune).order_by("kind", "-year", "title"))
    groups = [(label, [i for i in rows if i.kind == value]) for value, label in Initiative.Kind.choices]
    return render(
        request,
        "diagnostics/initiatives/list.html",
        {"mission": mission, "groups": groups, "count": len(rows)},
    )


def _edit(request, mission, initiative):
    form = InitiativeForm(request.POST or None, instance=initiative)
    if request.method == "POST" and form.is_valid():
        fields = {k: form.cleaned_data[k] for k in services.INITIATIVE_FIELDS}
        if initiative.pk:
            services.initiative_update(initiative=initiative, by=request.user, **fields)
        else:
            services.initiative_create(commune=mission.commune, by=request.user, **fields)
        messages.success(request, _("L'initiative « %(title)s » est enregistrée.") % {"title": fields["title"]})
        return redirect("diagnostics:initiatives", mission_id=mission.pk)
    return render(
        request,
        "diagnostics/initiatives/form.html",
        {"mission": mission, "form": form, "initiative": initiative if initiative.pk else None},
    )


def initiative_create(request, mission_id):
    mission = access.load_mission(request.user, mission_id, perm=access.can_contribute)
    return _edit(request, mission, Initiative(commune=mission.commune))


def initiative_edit(request, mission_id, initiative_id):
    mission = access.load_mission(request.user, mission_id)
    return _edit(request, mission, _initiative(request, mission, initiative_id))


@require_POST
def initiative_delete(request, mission_id, initiative_id):
    mission = access.load_mission(request.user, mission_id)
    initiative = _initiative(request, mission, initiative_id)
    services.initiative_delete(initiative=initiative, by=request.user)
    messages.success(request, _("L'initiative « %(title)s » est supprimée.") % {"title": initiative.title})
    return redirect("diagnostics:initiatives", mission_id=mission.pk)
