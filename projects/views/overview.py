"""A followed project's overview page."""

from django.shortcuts import render

from projects.models import FollowedProject
from projects.views.navigation import project_context
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
    project = load_project(request, mission_id, project_id)
    return render(request, "projects/project_detail.html", project_context(project, "projects:project-detail"))
