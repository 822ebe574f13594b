"""The Collège's decision: versions of the ranked roadmap submitted by the consultants, and decisions.

Every member of the commune reads the versions and their decisions; the commune's consultants
(``access.can_manage_mission``) submit a new version; Collège members (``access.can_validate_roadmap``)
record or change their decision on the latest version. Staff read only; the others get a 403 on the POSTs.
A refused input comes back on the page (400) with its French message, nothing saved.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from roadmap.forms.decisions import DecisionForm, SubmitForm
from roadmap.models import RoadmapVersion
from roadmap.selectors.decisions import member_decision, versions_with_decisions
from roadmap.services import decisions as services
from territoire import access


def _add_errors(form, error: ValidationError):
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _list_page(request, mission, *, submit_form=None, status=200):
    versions = list(versions_with_decisions(mission))
    consultant = access.can_manage_mission(request.user, mission)
    return render(
        request,
        "roadmap/decisions/index.html",
        {
            "mission": mission,
            "commune": mission.commune,
            "versions": versions,
            "latest": versions[0] if versions else None,
            "consultant": consultant,
            "college": access.can_validate_roadmap(request.user, mission),
            "submit_form": submit_form or (SubmitForm() if consultant else None),
        },
        status=status,
    )


def _detail_page(request, mission, version_id, *, decision_form=None, status=200):
    versions = versions_with_decisions(mission)
    version = get_object_or_404(versions, pk=version_id)
    latest = RoadmapVersion.objects.filter(mission=mission).only("pk", "number").order_by("-number").first()
    is_latest = latest.pk == version.pk
    college = access.can_validate_roadmap(request.user, mission)
    mine = member_decision(version, request.user) if college else None
    if college and is_latest and decision_form is None:
        decision_form = DecisionForm(initial={"decision": mine.decision, "comment": mine.comment} if mine else None)
    return render(
        request,
        "roadmap/decisions/detail.html",
        {
            "mission": mission,
            "commune": mission.commune,
            "version": version,
            "latest": latest,
            "is_latest": is_latest,
            "snapshot": version.snapshot,
            "college": college,
            "mine": mine,
            "decision_form": decision_form if college and (is_latest or decision_form is not None) else None,
        },
        status=status,
    )


def versions(request, mission_id):
    mission = access.load_mission(request.user, mission_id)
    return _list_page(request, mission)


def version_detail(request, mission_id, version_id):
    mission = access.load_mission(request.user, mission_id)
    return _detail_page(request, mission, version_id)


@require_POST
def version_submit(request, mission_id):
    mission = access.load_mission(request.user, mission_id, perm=access.can_manage_mission)
    form = SubmitForm(request.POST)
    if form.is_valid():
        try:
            version = services.roadmap_submit(mission=mission, by=request.user, note=form.cleaned_data["note"])
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Version %(number)s soumise au Collège.") % {"number": version.number})
            return redirect("roadmap:version-detail", mission_id=mission.pk, version_id=version.pk)
    return _list_page(request, mission, submit_form=form, status=400)


@require_POST
def version_decide(request, mission_id, version_id):
    mission = access.load_mission(request.user, mission_id, perm=access.can_validate_roadmap)
    version = get_object_or_404(versions_with_decisions(mission), pk=version_id)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.roadmap_decide(version=version, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request, _("Votre décision sur la version %(number)s est enregistrée.") % {"number": version.number}
            )
            return redirect("roadmap:version-detail", mission_id=mission.pk, version_id=version.pk)
    return _detail_page(request, mission, version.pk, decision_form=form, status=400)
