"""A followed project's page and who may keep it (``access.can_edit_project``)."""

import pytest
from django.urls import reverse

from territoire import access
from territoire.models import Membership, Role
from tests.factories import UserFactory
from tests.projects.factories import FollowedProjectFactory


@pytest.fixture
def project(tenant_a):
    from tests.roadmap.factories import ProjectSheetFactory

    return FollowedProjectFactory(sheet=ProjectSheetFactory(mission=tenant_a.mission, status="retained"))


def _member(tenant, role):
    user = UserFactory()
    Membership.objects.create(user=user, commune=tenant.commune, role=role)
    return user


def test_members_of_the_commune_read_the_project_page(client, tenant_a, project):
    client.force_login(_member(tenant_a, Role.COLLEGE))
    response = client.get(reverse("projects:project-detail", args=[tenant_a.mission.pk, project.pk]))
    assert response.status_code == 200
    assert project.sheet.code in response.text


def test_a_project_is_not_reached_through_another_mission(client, tenant_a, tenant_b, project):
    client.force_login(tenant_b.consultant)
    response = client.get(reverse("projects:project-detail", args=[tenant_b.mission.pk, project.pk]))
    assert response.status_code == 404


def test_consultants_and_the_staff_who_own_the_project_edit_it(tenant_a, tenant_b, project):
    leader, teammate, other_staff = (_member(tenant_a, Role.STAFF) for _ in range(3))
    college = _member(tenant_a, Role.COLLEGE)
    project.leader = leader
    project.save()
    project.team.add(teammate)
    assert access.can_edit_project(tenant_a.consultant, project)
    assert access.can_edit_project(leader, project)
    assert access.can_edit_project(teammate, project)
    assert not access.can_edit_project(other_staff, project)
    assert not access.can_edit_project(college, project)
    assert not access.can_edit_project(tenant_b.consultant, project)
