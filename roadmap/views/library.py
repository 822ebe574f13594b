"""The library of sheet templates: browse, create a sheet from one, save a sheet as one. Consultants only."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from roadmap.forms.sheets import TemplateForm
from roadmap.models import ProjectSheet, SheetTemplate
from roadmap.services import library as services
from territoire import access


def template_list(request, mission_id):
    mission = access.load_mission(request.user, mission_id, perm=access.can_manage_mission)
    templates = SheetTemplate.objects.available_to(request.user).order_by("owner", "name")
    return render(request, "roadmap/library/list.html", {"mission": mission, "templates": templates})


def _template(request, template_id) -> SheetTemplate:
    """A built-in template or the user's own; another consultant's is a 404."""
    return get_object_or_404(SheetTemplate.objects.available_to(request.user), pk=template_id)


@require_POST
def sheet_from_template(request, mission_id, template_id):
    mission = access.load_mission(request.user, mission_id, perm=access.can_manage_mission)
    template = _template(request, template_id)
    try:
        sheet = services.sheet_create_from_template(mission=mission, template=template, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("roadmap:template-list", mission.pk)
    messages.success(request, _("Fiche %(code)s créée à partir du modèle : adaptez-la.") % {"code": sheet.code})
    return redirect("roadmap:sheet-edit", mission.pk, sheet.pk)


@require_POST
def template_delete(request, mission_id, template_id):
    mission = access.load_mission(request.user, mission_id, perm=access.can_manage_mission)
    template = _template(request, template_id)
    try:
        services.template_delete(template=template, by=request.user)
        messages.success(request, _("Modèle supprimé."))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("roadmap:template-list", mission.pk)


@require_POST
def sheet_save_template(request, mission_id, sheet_id):
    sheet = access.load(
        request.user,
        ProjectSheet.objects.filter(mission_id=mission_id).select_related("mission__commune"),
        pk=sheet_id,
        perm=access.can_manage_mission,
    )
    form = TemplateForm(request.POST)
    if form.is_valid():
        services.template_save_from_sheet(sheet=sheet, name=form.cleaned_data["name"], by=request.user)
        messages.success(request, _("Modèle « %(name)s » ajouté à votre bibliothèque.") % form.cleaned_data)
    else:
        messages.error(request, _("Donnez un nom au modèle (200 caractères au plus)."))
    return redirect("roadmap:sheet-detail", mission_id, sheet.pk)
