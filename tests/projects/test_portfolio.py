"""The portfolios: a mission's followed projects, and every project of a user's communes at /projets/."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from projects.selectors.health import Health
from territoire.models import Membership, Role
from tests.factories import CommuneFactory, MissionFactory
from tests.projects.factories import FollowedProjectFactory
from tests.roadmap.factories import ProjectSheetFactory


def _project(mission, title, **extra):
    sheet = ProjectSheetFactory(mission=mission, status="retained", title=title)
    return FollowedProjectFactory(sheet=sheet, **extra)


@pytest.fixture
def consultant_world(tenant_a, tenant_b):
    """The consultant of A also works for a second commune; B is someone else's."""
    other = CommuneFactory(name="Commune C")
    Membership.objects.create(user=tenant_a.consultant, commune=other, role=Role.CONSULTANT)
    mission_c = MissionFactory(commune=other)
    return {
        "a": _project(tenant_a.mission, "E-guichet de A"),
        "c": _project(mission_c, "Capteurs de C", phase="planning"),
        "b": _project(tenant_b.mission, "Secret de B"),
    }


def test_the_cross_commune_portfolio_lists_every_project_of_the_consultants_communes(
    client, tenant_a, consultant_world
):
    client.force_login(tenant_a.consultant)
    response = client.get(reverse("projects-portfolio"))
    assert response.status_code == 200
    assert "E-guichet de A" in response.text and "Capteurs de C" in response.text
    assert "Commune C" in response.text
    assert "Secret de B" not in response.text
    assert "Commune B" not in response.text  # not even in the commune filter


def test_the_portfolio_shows_the_computed_health(client, tenant_a, consultant_world, monkeypatch):
    project = consultant_world["a"]

    def fake_health(projects):
        return {
            p.pk: Health(
                status="blocked" if p.pk == project.pk else "good",
                label="Blocage" if p.pk == project.pk else "Bon",
                progress=40,
                budget_planned=Decimal("85000"),
                budget_spent=Decimal("12000"),
                next_milestone="Publication du CSC",
                next_milestone_date=date(2027, 2, 15),
            )
            for p in projects
        }

    monkeypatch.setattr("projects.selectors.portfolio.health_of", fake_health)
    client.force_login(tenant_a.consultant)
    page = client.get(reverse("projects-portfolio")).text
    assert "Blocage" in page and "40 %" in page and "Publication du CSC" in page and "15/02/2027" in page
    assert "85\xa0000\xa0€" in page or "85\u202f000\xa0€" in page
    filtered = client.get(reverse("projects-portfolio"), {"health": "blocked"}).text
    assert "E-guichet de A" in filtered and "Capteurs de C" not in filtered


def test_the_portfolio_filters_by_phase_and_commune(client, tenant_a, consultant_world):
    client.force_login(tenant_a.consultant)
    url = reverse("projects-portfolio")
    page = client.get(url, {"phase": "planning"}).text
    assert "Capteurs de C" in page and "E-guichet de A" not in page
    page = client.get(url, {"commune": tenant_a.commune.pk}).text
    assert "E-guichet de A" in page and "Capteurs de C" not in page
    # A commune of someone else in the URL is not a choice: the filter is ignored, nothing leaks.
    page = client.get(url, {"commune": consultant_world["b"].mission.commune_id}).text
    assert "Secret de B" not in page


def test_staff_see_their_communes_projects_only(client, tenant_a, consultant_world):
    client.force_login(tenant_a.staff)
    page = client.get(reverse("projects-portfolio")).text
    assert "E-guichet de A" in page
    assert "Capteurs de C" not in page and "Secret de B" not in page


def test_the_mission_portfolio_lists_its_projects(client, tenant_a, consultant_world):
    other_mission = MissionFactory(commune=tenant_a.commune)
    _project(other_mission, "Autre mission de A")
    client.force_login(tenant_a.college)
    response = client.get(reverse("projects:index", args=[tenant_a.mission.pk]))
    assert response.status_code == 200
    assert "E-guichet de A" in response.text
    assert "Autre mission de A" not in response.text and "Capteurs de C" not in response.text


def test_the_main_navigation_links_to_the_portfolio(client, tenant_a):
    client.force_login(tenant_a.consultant)
    assert reverse("projects-portfolio") in client.get(reverse("territoire:dashboard")).text


def test_the_portfolio_is_refused_to_anonymous_visitors(client):
    response = client.get(reverse("projects-portfolio"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def _fill(tenant, count):
    for index in range(count):
        _project(tenant.mission, f"Projet {index}")


@pytest.mark.parametrize("url_name", ["projects-portfolio", "projects:index"])
def test_the_portfolio_runs_a_constant_number_of_queries(client, tenant_a, django_assert_num_queries, url_name):
    args = [] if url_name == "projects-portfolio" else [tenant_a.mission.pk]
    url = reverse(url_name, args=args)
    client.force_login(tenant_a.consultant)
    _fill(tenant_a, 2)
    client.get(url)  # warm the session and the per-user caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _fill(tenant_a, 15)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.text.count('class="fw-semibold"') >= 17
