"""Criteria of the mission, the consultant's scoring grid, its submission, consensus values.

Every member reads the criteria; consultants edit them; the mission's referents (``access.can_score``)
score, submit and record consensus values. Staff and the Collège get a 403 on those.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from roadmap.forms.scoring import (
    ConsensusForm,
    CriterionForm,
    DefaultCriteriaForm,
    RankingSettingsForm,
    ScoringGridForm,
    cell_key,
)
from roadmap.models import Consensus, Criterion, ProjectSheet
from roadmap.selectors.scoring import grid_rows, others_scores, own_scores
from roadmap.services import criteria as criteria_services
from roadmap.services import scoring as services
from territoire import access


def criteria(request, mission_id):
    mission = access.load_mission(request.user, mission_id)
    settings = criteria_services.ranking_settings_of(mission)
    return render(
        request,
        "roadmap/scoring/criteria.html",
        {
            "mission": mission,
            "commune": mission.commune,
            "criteria": Criterion.objects.for_mission(mission),
            "defaults_form": DefaultCriteriaForm(),
            "settings_form": RankingSettingsForm(initial=RankingSettingsForm.initial_from(settings)),
        },
    )


@require_POST
def criteria_defaults(request, mission_id):
    mission = access.load_mission(request.user, mission_id, perm=access.can_manage_mission)
    form = DefaultCriteriaForm(request.POST)
    if form.is_valid():
        created = criteria_services.criteria_create_defaults(
            mission=mission, optional=form.cleaned_data["optional"], by=request.user
        )
        messages.success(request, _("%(count)s critère(s) ajouté(s).") % {"count": len(created)})
    else:
        messages.error(request, _("Choix de critères facultatifs invalide."))
    return redirect("roadmap:criteria", mission_id=mission.pk)


def criterion_edit(request, mission_id, criterion_id):
    mission = access.load_mission(request.user, mission_id, perm=access.can_manage_mission)
    criterion = access.load(
        request.user, Criterion.objects.for_mission(mission), pk=criterion_id, perm=access.can_manage_mission
    )
    form = CriterionForm(request.POST or None, instance=criterion)
    if request.method == "POST" and form.is_valid():
        try:
            criteria_services.criterion_update(criterion=criterion, by=request.user, **form.changes())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Le critère est enregistré."))
            return redirect("roadmap:criteria", mission_id=mission.pk)
    return render(
        request,
        "roadmap/scoring/criterion_form.html",
        {"mission": mission, "commune": mission.commune, "criterion": criterion, "form": form},
    )


@require_POST
def ranking_settings(request, mission_id):
    mission = access.load_mission(request.user, mission_id, perm=access.can_manage_mission)
    form = RankingSettingsForm(request.POST)
    if form.is_valid():
        try:
            criteria_services.ranking_settings_update(
                mission=mission,
                disagreement_threshold=form.cleaned_data["disagreement_threshold"],
                class_thresholds=form.cleaned_data["class_thresholds"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Les réglages du classement sont enregistrés."))
            return redirect("roadmap:criteria", mission_id=mission.pk)
    return render(
        request,
        "roadmap/scoring/criteria.html",
        {
            "mission": mission,
            "commune": mission.commune,
            "criteria": Criterion.objects.for_mission(mission),
            "defaults_form": DefaultCriteriaForm(),
            "settings_form": form,
        },
        status=400,
    )


def _grid_page(request, mission, form, *, submitted, conflicts=(), status=200):
    others = others_scores(mission, request.user) if submitted else {}
    return render(
        request,
        "roadmap/scoring/grid.html",
        {
            "mission": mission,
            "commune": mission.commune,
            "form": form,
            "rows": form.rows(others),
            "criteria": form.criteria,
            "submitted": submitted,
            "conflicts": conflicts,
            "conflict_keys": {cell_key(c.sheet, c.criterion) for c in conflicts},
        },
        status=status,
    )


def scoring_grid(request, mission_id):
    mission = access.load_mission(request.user, mission_id, perm=access.can_score)
    sheets, criteria_list = grid_rows(mission)
    submitted = services.has_submitted(mission=mission, consultant=request.user)
    scores = own_scores(mission, request.user)
    if request.method != "POST":
        form = ScoringGridForm(sheets=sheets, criteria=criteria_list, scores=scores)
        return _grid_page(request, mission, form, submitted=submitted)
    form = ScoringGridForm(request.POST, sheets=sheets, criteria=criteria_list, scores=scores)
    if not form.is_valid():
        messages.error(request, _("La grille n'est pas enregistrée : corrigez les cellules signalées."))
        return _grid_page(request, mission, form, submitted=submitted, status=400)
    try:
        result = services.scores_save(mission=mission, consultant=request.user, edits=form.edits(), by=request.user)
    except ValidationError as error:
        form.add_error(None, error)
        return _grid_page(request, mission, form, submitted=submitted, status=400)
    if not result.conflicts:
        messages.success(
            request, _("Votre grille est enregistrée (%(count)s cellule(s) modifiée(s)).") % {"count": result.saved}
        )
        if request.POST.get("action") == "submit":
            return _submit(request, mission)
        return redirect("roadmap:scoring-grid", mission_id=mission.pk)
    fresh = own_scores(mission, request.user)
    data = form.data_after_conflicts(fresh, result.conflicts)
    form = ScoringGridForm(data, sheets=sheets, criteria=criteria_list, scores=fresh)
    form.is_valid()
    return _grid_page(request, mission, form, submitted=submitted, conflicts=result.conflicts, status=409)


def _submit(request, mission):
    try:
        services.scoring_submit(mission=mission, consultant=request.user, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("roadmap:scoring-grid", mission_id=mission.pk)
    messages.success(request, _("Votre cotation est soumise : vous voyez désormais celles des autres consultants."))
    return redirect("roadmap:ranking", mission_id=mission.pk)


def consensus_edit(request, mission_id, sheet_id, criterion_id):
    mission = access.load_mission(request.user, mission_id, perm=access.can_score)
    sheet = access.load(request.user, ProjectSheet.objects.for_mission(mission), pk=sheet_id, perm=access.can_view)
    criterion = access.load(request.user, Criterion.objects.for_mission(mission), pk=criterion_id)
    if not services.has_submitted(mission=mission, consultant=request.user):
        messages.error(request, _("Soumettez d'abord votre cotation : vous verrez alors celles des autres."))
        return redirect("roadmap:scoring-grid", mission_id=mission.pk)
    current = Consensus.objects.filter(sheet=sheet, criterion=criterion).first()
    initial = {"value": current.value, "comment": current.comment} if current else {}
    form = ConsensusForm(request.POST or None, initial=initial, sheet=sheet, criterion=criterion)
    if request.method == "POST" and form.is_valid():
        services.consensus_record(sheet=sheet, criterion=criterion, by=request.user, **form.cleaned_data)
        messages.success(request, _("Le consensus est enregistré : il remplace la moyenne dans le classement."))
        return redirect("roadmap:ranking", mission_id=mission.pk)
    scores = others_scores(mission).get((sheet.pk, criterion.pk), [])
    return render(
        request,
        "roadmap/scoring/consensus_form.html",
        {
            "mission": mission,
            "commune": mission.commune,
            "sheet": sheet,
            "criterion": criterion,
            "scores": scores,
            "existing": current,
            "form": form,
        },
    )
