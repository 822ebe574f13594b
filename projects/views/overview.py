"""A followed project's overview page: team, the sheet it follows (the reference for budget, funding and
indicators), the current phase with its open checklist items, health with its reasons, phase history."""

from django.db.models import prefetch_related_objects
from django.shortcuts import render

from projects.models import FollowedProject, next_phase, previous_phase
from projects.selectors.health import health_of
from projects.selectors.phases import open_rows
from projects.views.navigation import project_context
from roadmap.selectors.costs import sheet_costs
from roadmap.selectors.sheets import money_prefetch
from territoire import access


def load_project(request, mission_id, project_id, *, perm=access.can_view, queryset=None):
    """The project of the URL's mission, or 404 (another mission's or another commune's project); 403 when
    ``perm`` refuses. Every project view starts here."""
    queryset = queryset if queryset is not None else FollowedProject.objects.all()
    return access.load(
        request.user,
        queryset.select_related("mission__commune", "sheet"),
        perm=perm,
        pk=project_id,
        mission_id=mission_id,
    )


def project_detail(request, mission_id, project_id):
    project = load_project(
        request,
        mission_id,
        project_id,
        queryset=FollowedProject.objects.select_related("leader", "consultant").prefetch_related("team"),
    )
    sheet = project.sheet
    prefetch_related_objects([sheet], *money_prefetch(), "indicators")
    return render(
        request,
        "projects/project_detail.html",
        project_context(
            project,
            "projects:project-detail",
            sheet=sheet,
            costs=sheet_costs(sheet.budget_lines.all(), sheet.funding_lines.all()),
            health=health_of([project])[project.pk],
            open=open_rows(project, project.phase),
            next_phase=next_phase(project.phase),
            previous_phase=previous_phase(project.phase),
            transitions=project.transitions.select_related("decided_by"),
            may_edit=access.can_edit_project(request.user, project),
        ),
    )
