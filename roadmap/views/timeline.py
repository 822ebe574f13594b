"""The timeline page: Gantt chart and table of placements with their reasons, budget and FTE per year.

Every member of the commune reads it; the commune's consultants (``access.can_manage_mission``) change
the horizon, the envelopes and the pins; staff and the Collège get a 403 on those POSTs. A refused input
comes back on the page (400) with the French message beside its field, nothing saved.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from roadmap.forms.timeline import EnvelopeForm, PinForm, TimelineSettingsForm
from roadmap.models import ProjectSheet
from roadmap.selectors.timeline import mission_timeline, planned_status
from roadmap.services import timeline as services
from territoire import access


def _pin_choices(mission, status):
    return ProjectSheet.objects.for_mission(mission).filter(status=status).order_by("code")


def _page(request, mission, *, settings_form=None, envelope_form=None, pin_form=None, status=200):
    result = mission_timeline(mission)
    settings = result.settings
    editor = access.can_manage_mission(request.user, mission)
    if editor:
        settings_form = settings_form or TimelineSettingsForm(
            initial={
                "start_year": settings.start_year,
                "start_quarter": settings.start_quarter,
                "years": settings.years,
                "fte_capacity": settings.fte_capacity,
            }
        )
        envelope_form = envelope_form or EnvelopeForm(initial={"year": settings.start_year})
        pin_form = pin_form or PinForm(
            sheets=_pin_choices(mission, result.status), initial={"start_year": settings.start_year}
        )
    return render(
        request,
        "roadmap/timeline/index.html",
        {
            "mission": mission,
            "commune": mission.commune,
            "result": result,
            "editor": editor,
            "horizon": services.horizon_text(settings),
            "settings_form": settings_form,
            "envelope_form": envelope_form,
            "pin_form": pin_form,
        },
        status=status,
    )


def _add_errors(form, error: ValidationError):
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def timeline(request, mission_id):
    mission = access.load_mission(request.user, mission_id)
    return _page(request, mission)


@require_POST
def timeline_settings(request, mission_id):
    mission = access.load_mission(request.user, mission_id, perm=access.can_manage_mission)
    form = TimelineSettingsForm(request.POST)
    if form.is_valid():
        try:
            services.timeline_settings_update(mission=mission, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Les réglages du planning sont enregistrés."))
            return redirect("roadmap:timeline", mission_id=mission.pk)
    return _page(request, mission, settings_form=form, status=400)


@require_POST
def envelope_edit(request, mission_id):
    mission = access.load_mission(request.user, mission_id, perm=access.can_manage_mission)
    form = EnvelopeForm(request.POST)
    if form.is_valid():
        try:
            services.envelope_set(mission=mission, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Enveloppe %(year)s enregistrée.") % {"year": form.cleaned_data["year"]})
            return redirect("roadmap:timeline", mission_id=mission.pk)
    return _page(request, mission, envelope_form=form, status=400)


@require_POST
def sheet_pin(request, mission_id):
    mission = access.load_mission(request.user, mission_id, perm=access.can_manage_mission)
    form = PinForm(request.POST, sheets=_pin_choices(mission, planned_status(mission)))
    if form.is_valid():
        sheet = form.cleaned_data["sheet"]
        try:
            services.sheet_pin(
                sheet=sheet,
                by=request.user,
                start_year=form.cleaned_data["start_year"],
                start_quarter=form.cleaned_data["start_quarter"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Début de %(code)s fixé ; les autres fiches suivent.") % {"code": sheet.code})
            return redirect("roadmap:timeline", mission_id=mission.pk)
    return _page(request, mission, pin_form=form, status=400)


@require_POST
def sheet_unpin(request, mission_id, sheet_id):
    queryset = ProjectSheet.objects.select_related("mission__commune").filter(mission_id=mission_id)
    sheet = access.load(request.user, queryset, pk=sheet_id, perm=access.can_manage_mission)
    services.sheet_unpin(sheet=sheet, by=request.user)
    messages.success(request, _("La fiche %(code)s n'est plus fixée.") % {"code": sheet.code})
    return redirect("roadmap:timeline", mission_id=mission_id)
