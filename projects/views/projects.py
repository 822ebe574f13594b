"""Followed projects: start one from a retained sheet, edit its people, and the portfolios (a mission's
projects; every project of a consultant's communes at ``/projets/``).

Only the commune's consultants start a project (``can_manage_mission``); those who keep it edit it
(``can_edit_project``); every member reads the portfolio.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from projects.forms.projects import PortfolioFilter, ProjectForm
from projects.models import FollowedProject
from projects.selectors.portfolio import portfolio_rows
from projects.services import projects as services
from projects.services.projects import sheet_refusal
from projects.views.navigation import project_context
from projects.views.overview import load_project
from roadmap.models import ProjectSheet
from territoire import access
from territoire.models import Role


def _portfolio(request, projects, communes):
    filters = PortfolioFilter(request.GET or None, queryset=projects, communes=communes)
    health = ""
    if filters.is_bound and filters.is_valid():
        health = filters.form.cleaned_data.get("health") or ""
    return filters, portfolio_rows(filters.qs, health=health)


def index(request, mission_id):
    """The mission's followed projects."""
    mission = access.load_mission(request.user, mission_id)
    projects = FollowedProject.objects.for_user(request.user).filter(mission=mission)
    filters, rows = _portfolio(request, projects, communes=access.visible_communes(request.user).none())
    return render(
        request,
        "projects/portfolio/index.html",
        {
            "mission": mission,
            "commune": mission.commune,
            "filters": filters,
            "rows": rows,
            "may_start": access.can_manage_mission(request.user, mission),
        },
    )


def portfolio(request):
    """Every followed project of the user's communes (a consultant's whole portfolio)."""
    communes = access.visible_communes(request.user)
    filters, rows = _portfolio(request, FollowedProject.objects.for_user(request.user), communes=communes)
    return render(request, "projects/portfolio/all.html", {"filters": filters, "rows": rows, "cross_commune": True})


def _people(form) -> dict:
    data = form.cleaned_data
    return {
        "title": data["title"],
        "leader": data["leader"],
        "consultant": data["consultant"],
        "team": list(data["team"]),
    }


def project_create(request, mission_id, sheet_id):
    mission = access.load_mission(request.user, mission_id, perm=access.can_manage_mission)
    # A sheet of another commune is a 404; one of another mission of the commune is refused in words.
    sheet = access.load(request.user, ProjectSheet.objects.select_related("mission"), pk=sheet_id)
    refusal = sheet_refusal(mission=mission, sheet=sheet)
    if refusal:
        messages.error(request, refusal)
        return redirect("roadmap:sheet-detail", sheet.mission_id, sheet.pk)
    initial = {"title": sheet.title}
    if access.role_in(request.user, mission.commune) == Role.CONSULTANT:
        initial["consultant"] = request.user.pk
    form = ProjectForm(request.POST or None, initial=initial, commune=mission.commune)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(mission=mission, sheet=sheet, by=request.user, **_people(form))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Le projet « %(title)s » est suivi.") % {"title": project.title})
            return redirect("projects:project-detail", mission.pk, project.pk)
    return render(
        request,
        "projects/portfolio/project_form.html",
        {"mission": mission, "sheet": sheet, "form": form, "creating": True},
    )


def project_edit(request, mission_id, project_id):
    project = load_project(request, mission_id, project_id, perm=access.can_edit_project)
    commune = project.mission.commune
    form = ProjectForm(request.POST or None, initial=ProjectForm.initial_for(project), commune=commune)
    if request.method == "POST" and form.is_valid():
        try:
            services.project_update(project=project, by=request.user, **_people(form))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Le projet est enregistré."))
            return redirect("projects:project-detail", project.mission_id, project.pk)
    return render(
        request,
        "projects/portfolio/project_form.html",
        project_context(project, "projects:project-detail", form=form, sheet=project.sheet, creating=False),
    )
