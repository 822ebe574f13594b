"""Starting a followed project from a retained sheet, and editing its people: who may, which sheets, which
choices (members of the sheet's commune only)."""

import pytest
from django.urls import reverse

from projects.models import FollowedProject
from roadmap.models import SheetStatus
from territoire.models import Membership, Role
from tests.factories import MissionFactory, UserFactory
from tests.projects.factories import FollowedProjectFactory
from tests.roadmap.factories import BudgetLineFactory, ProjectSheetFactory


def _member(tenant, role, **names):
    user = UserFactory(**names)
    Membership.objects.create(user=user, commune=tenant.commune, role=role)
    return user


@pytest.fixture
def sheet(tenant_a):
    return ProjectSheetFactory(mission=tenant_a.mission, status=SheetStatus.RETAINED, title="E-guichet communal")


def _create_url(tenant, sheet):
    return reverse("projects:project-create", args=[tenant.mission.pk, sheet.pk])


def test_the_sheet_page_offers_to_follow_a_retained_sheet_to_consultants_only(client, tenant_a, sheet):
    url = reverse("roadmap:sheet-detail", args=[tenant_a.mission.pk, sheet.pk])
    client.force_login(tenant_a.consultant)
    assert "Suivre ce projet (AMO)" in client.get(url).text
    for role in (Role.STAFF, Role.COLLEGE):
        client.force_login(tenant_a.user(role))
        assert "Suivre ce projet (AMO)" not in client.get(url).text


def test_the_button_is_gone_once_followed_or_when_not_retained(client, tenant_a, sheet):
    client.force_login(tenant_a.consultant)
    proposed = ProjectSheetFactory(mission=tenant_a.mission, status=SheetStatus.PROPOSED)
    assert (
        "Suivre ce projet"
        not in client.get(reverse("roadmap:sheet-detail", args=[tenant_a.mission.pk, proposed.pk])).text
    )
    project = FollowedProjectFactory(sheet=sheet)
    page = client.get(reverse("roadmap:sheet-detail", args=[tenant_a.mission.pk, sheet.pk])).text
    assert "Suivre ce projet" not in page
    assert (
        reverse("projects:project-detail", args=[tenant_a.mission.pk, project.pk]) in page
    )  # « Voir le projet suivi »


def test_the_form_prefills_the_title_and_offers_only_members_of_the_commune(client, tenant_a, tenant_b, sheet):
    leader = _member(tenant_a, Role.STAFF, last_name="Renard")
    foreign_staff = Membership.objects.get(commune=tenant_b.commune, role=Role.STAFF).user
    # A name no generated person of commune A can share (factories draw names at random).
    foreign_staff.last_name = "Marqueur-de-la-commune-B"
    foreign_staff.save(update_fields=["last_name"])
    client.force_login(tenant_a.consultant)
    response = client.get(_create_url(tenant_a, sheet))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["title"] == "E-guichet communal"
    assert form.initial["consultant"] == tenant_a.consultant.pk
    assert set(form.fields["leader"].queryset) == {tenant_a.staff, leader}
    assert set(form.fields["consultant"].queryset) == {tenant_a.consultant}
    assert set(form.fields["team"].queryset) == {tenant_a.consultant, tenant_a.staff, tenant_a.college, leader}
    for field in ("leader", "consultant", "team"):
        assert foreign_staff not in form.fields[field].queryset
        assert tenant_b.consultant not in form.fields[field].queryset
    assert foreign_staff.last_name not in response.text
    assert f'value="{foreign_staff.pk}"' not in response.text


def test_a_consultant_starts_a_followed_project(client, tenant_a, sheet):
    BudgetLineFactory(sheet=sheet)
    client.force_login(tenant_a.consultant)
    response = client.post(
        _create_url(tenant_a, sheet),
        {
            "title": "E-guichet",
            "leader": tenant_a.staff.pk,
            "consultant": tenant_a.consultant.pk,
            "team": [tenant_a.staff.pk, tenant_a.college.pk],
        },
    )
    project = FollowedProject.objects.get(sheet=sheet)
    assert response.status_code == 302
    assert response["Location"] == reverse("projects:project-detail", args=[tenant_a.mission.pk, project.pk])
    assert (project.title, project.leader, project.consultant, project.phase) == (
        "E-guichet",
        tenant_a.staff,
        tenant_a.consultant,
        "prerequisites",
    )
    assert set(project.team.all()) == {tenant_a.staff, tenant_a.college}
    assert project.history.first().history_user == tenant_a.consultant
    page = client.get(response["Location"]).text
    assert 'data-testid="investment">10' in page  # the sheet's budget, read from the sheet
    assert sheet.code in page


def test_a_person_of_another_commune_is_refused_and_nothing_is_written(client, tenant_a, tenant_b, sheet):
    client.force_login(tenant_a.consultant)
    response = client.post(
        _create_url(tenant_a, sheet), {"title": "E-guichet", "leader": tenant_b.staff.pk, "team": [tenant_b.staff.pk]}
    )
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.text
    assert not FollowedProject.objects.exists()


@pytest.mark.parametrize("status", [SheetStatus.DRAFT, SheetStatus.PROPOSED, SheetStatus.SET_ASIDE])
def test_a_sheet_not_retained_is_refused_in_french(client, tenant_a, status):
    sheet = ProjectSheetFactory(mission=tenant_a.mission, status=status)
    client.force_login(tenant_a.consultant)
    for method in (client.get, client.post):
        response = method(_create_url(tenant_a, sheet), {"title": "x"}, follow=True)
        assert "Seule une fiche retenue peut devenir un projet suivi" in response.text
    assert not FollowedProject.objects.exists()


def test_a_sheet_already_followed_is_refused(client, tenant_a, sheet):
    FollowedProjectFactory(sheet=sheet)
    client.force_login(tenant_a.consultant)
    response = client.post(_create_url(tenant_a, sheet), {"title": "Encore"}, follow=True)
    assert "Cette fiche est déjà suivie comme projet." in response.text
    assert FollowedProject.objects.count() == 1


def test_a_sheet_of_another_mission_is_refused(client, tenant_a):
    other_mission = MissionFactory(commune=tenant_a.commune)
    sheet = ProjectSheetFactory(mission=other_mission, status=SheetStatus.RETAINED)
    client.force_login(tenant_a.consultant)
    response = client.post(_create_url(tenant_a, sheet), {"title": "x"}, follow=True)
    assert "Cette fiche appartient à une autre mission" in response.text
    assert not FollowedProject.objects.exists()


def test_a_sheet_of_another_commune_is_not_found(client, tenant_a, tenant_b):
    sheet = ProjectSheetFactory(mission=tenant_b.mission, status=SheetStatus.RETAINED)
    client.force_login(tenant_a.consultant)
    assert client.post(_create_url(tenant_a, sheet), {"title": "x"}).status_code == 404
    assert not FollowedProject.objects.exists()


@pytest.mark.parametrize("role", [Role.STAFF, Role.COLLEGE])
def test_only_consultants_start_a_project(client, tenant_a, sheet, role):
    client.force_login(tenant_a.user(role))
    assert client.post(_create_url(tenant_a, sheet), {"title": "x"}).status_code == 403
    assert not FollowedProject.objects.exists()


def test_the_leader_edits_the_team_and_other_staff_cannot(client, tenant_a, sheet):
    project = FollowedProjectFactory(sheet=sheet, leader=tenant_a.staff)
    teammate = _member(tenant_a, Role.STAFF)
    url = reverse("projects:project-edit", args=[tenant_a.mission.pk, project.pk])
    client.force_login(tenant_a.staff)
    response = client.post(url, {"title": "E-guichet v2", "leader": tenant_a.staff.pk, "team": [teammate.pk]})
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.title == "E-guichet v2"
    assert list(project.team.all()) == [teammate]

    outsider_staff = _member(tenant_a, Role.STAFF)
    for user in (outsider_staff, tenant_a.college):
        client.force_login(user)
        assert client.get(url).status_code == 403
        assert client.post(url, {"title": "Pirate"}).status_code == 403
    project.refresh_from_db()
    assert project.title == "E-guichet v2"


def test_the_leader_must_be_staff_of_the_commune(tenant_a, sheet):
    from django.core.exceptions import ValidationError

    from projects.services.projects import project_create

    with pytest.raises(ValidationError, match="Le chef de projet doit être un agent de la commune"):
        project_create(
            mission=tenant_a.mission, sheet=sheet, title="x", leader=tenant_a.college, by=tenant_a.consultant
        )
    assert not FollowedProject.objects.exists()
