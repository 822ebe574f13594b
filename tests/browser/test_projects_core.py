"""Browser journeys of the AMO follow-up core: a consultant follows a retained sheet, reads the portfolio,
answers the checklist inline and moves the project to the next phase."""

import pytest
from playwright.sync_api import expect

from projects.models import FollowedProject, PhaseTransition
from territoire.models import Membership, Role
from tests.conftest import make_tenant
from tests.factories import CommuneFactory, MissionFactory
from tests.projects.factories import FollowedProjectFactory
from tests.roadmap.factories import BudgetLineFactory, ProjectSheetFactory


@pytest.fixture
def world(transactional_db):
    tenant = make_tenant("Sambrevaux")
    sheet = ProjectSheetFactory(mission=tenant.mission, status="retained", title="E-guichet : démarches en ligne")
    BudgetLineFactory(sheet=sheet)
    other = CommuneFactory(name="Montfleury-sur-Meuse")
    Membership.objects.create(user=tenant.consultant, commune=other, role=Role.CONSULTANT)
    other_sheet = ProjectSheetFactory(
        mission=MissionFactory(commune=other), status="retained", title="Capteurs de parking"
    )
    FollowedProjectFactory(sheet=other_sheet, phase="execution")
    return tenant, sheet


def test_consultant_follows_a_sheet_and_moves_it_to_planning(
    page, live_server, login, screenshot, assert_accessible, world
):
    tenant, sheet = world
    login(tenant.consultant)
    page.goto(f"{live_server.url}/missions/{tenant.mission.pk}/feuille-de-route/fiches/{sheet.pk}/")
    page.get_by_role("link", name="Suivre ce projet (AMO)").click()
    expect(page.locator('[name="title"]')).to_have_value("E-guichet : démarches en ligne")
    page.locator('[name="leader"]').select_option(str(tenant.staff.pk))
    page.get_by_label(tenant.staff.get_full_name()).check()
    assert_accessible()
    screenshot("projects-create")
    page.get_by_role("button", name="Suivre le projet").click()
    expect(page.get_by_text("est suivi")).to_be_visible()
    project = FollowedProject.objects.get(sheet=sheet)

    # The portfolio across both communes of the consultant.
    page.get_by_role("link", name="Projets suivis").first.click()
    expect(page.get_by_test_id("portfolio")).to_contain_text("Capteurs de parking")
    expect(page.get_by_test_id("portfolio")).to_contain_text("E-guichet : démarches en ligne")
    assert_accessible()
    screenshot("projects-portfolio")
    page.locator("#filter-commune").select_option(label="Montfleury-sur-Meuse")
    page.get_by_role("button", name="Filtrer").click()
    expect(page.get_by_test_id("portfolio")).not_to_contain_text("E-guichet")

    # The checklist, answered inline (htmx).
    page.goto(f"{live_server.url}/missions/{tenant.mission.pk}/projets/{project.pk}/phases/")
    first = page.get_by_test_id("question").first
    first.locator('[name="status"]').select_option("yes")
    first.locator('[name="note"]').fill("Validé au Collège du 12 janvier")
    first.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_test_id("question").first.get_by_text("Enregistré")).to_be_visible()
    expect(page.get_by_test_id("open-count")).to_contain_text("7 points encore ouverts")
    assert_accessible()
    screenshot("projects-phase")

    page.get_by_role("link", name="Passer à la phase suivante").click()
    expect(page.get_by_test_id("open-items")).to_contain_text("encore ouverts")
    page.locator('[name="comment"]').fill("Go du Collège ; le DPO sera vu en planification.")
    assert_accessible()
    screenshot("projects-phase-move")
    page.get_by_role("button", name="Confirmer le passage").click()
    expect(page.get_by_test_id("phase")).to_have_text("Planification")
    expect(page.get_by_test_id("transitions")).to_contain_text("Prérequis → Planification")
    assert PhaseTransition.objects.get(project=project).decided_by == tenant.consultant
    assert_accessible()
    screenshot("projects-overview")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/projets/")
    screenshot("projects-portfolio-390")
