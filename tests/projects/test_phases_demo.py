"""The phases' demo: the Sambrevaux e-guichet in planning, its prerequisites answered, one transition; twice alike."""

from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from projects.models import ChecklistAnswer, FollowedProject, PhaseNote, PhaseTransition
from projects.selectors.phases import open_rows


def _counts(project):
    return (
        ChecklistAnswer.objects.filter(project=project).count(),
        PhaseTransition.objects.filter(project=project).count(),
        PhaseNote.objects.filter(project=project).count(),
        project.team.count(),
    )


def test_the_demo_project_is_in_planning_with_its_prerequisites_answered_twice_alike(db, client):
    call_command("seed_demo", force=True, verbosity=0, stdout=StringIO())
    project = FollowedProject.objects.get(mission__commune__name="Sambrevaux")
    first = _counts(project)
    assert project.phase == "planning"
    assert open_rows(project, "prerequisites") == []
    transition = project.transitions.get()
    assert (transition.from_phase, transition.to_phase, transition.decided_by.username) == (
        "prerequisites",
        "planning",
        "claire.dubois",
    )
    julien = get_user_model().objects.get(username="julien.renard")
    assert julien in project.team.all()

    call_command("seed_demo", force=True, verbosity=0, stdout=StringIO())
    project = FollowedProject.objects.get(mission__commune__name="Sambrevaux")
    assert _counts(project) == first

    client.force_login(get_user_model().objects.get(username="julien.renard"))  # its password was reset
    response = client.get(reverse("projects:project-detail", args=[project.mission_id, project.pk]))
    assert response.status_code == 200, response
    page = response.text
    assert "Prérequis → Planification" in page
    assert client.get(reverse("projects-portfolio")).text.count(project.title) == 1
