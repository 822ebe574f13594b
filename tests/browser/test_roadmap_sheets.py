"""Browser journey of a project sheet: from a finding, budget and funding lines, the net cost computed."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from roadmap.models import FundingCall, ProjectSheet
from tests.conftest import make_tenant
from tests.diagnostics.factories_findings import FindingFactory


@pytest.fixture
def world(transactional_db):
    tenant = make_tenant("Hannut")
    finding = FindingFactory(
        mission=tenant.mission, statement="Pas de solution de mobilité douce vers la gare", theme="mobility"
    )
    call = FundingCall.objects.create(name="Appel mobilité test", funder="Wallonie", rate=Decimal("50"))
    return tenant, finding, call


def test_consultant_builds_a_sheet_from_a_finding(page, live_server, login, screenshot, assert_accessible, world):
    tenant, finding, call = world
    login(tenant.consultant)
    page.goto(f"{live_server.url}/missions/{tenant.mission.pk}/diagnostic/constats/{finding.pk}/")
    page.get_by_role("button", name="Créer une fiche projet").click()
    expect(page.get_by_text("créée à partir du constat")).to_be_visible()
    expect(page.locator('[name="title"]')).to_have_value("Pas de solution de mobilité douce vers la gare")

    page.locator('[name="solution_software"]').fill("Application de réservation et de suivi")
    page.locator('[name="solution_equipment"]').fill("Vélos, arceaux et capteurs")
    for index, (label, category, amount) in enumerate(
        [("Application de mobilité", "development", "89000"), ("Vélos, arceaux et capteurs", "equipment", "81000")]
    ):
        page.locator(f'[name="budget-{index}-label"]').fill(label)
        page.locator(f'[name="budget-{index}-category"]').select_option(category)
        page.locator(f'[name="budget-{index}-amount"]').fill(amount)
    page.locator('[name="funding-0-source"]').select_option("call")
    page.locator('[name="funding-0-call"]').select_option(str(call.pk))
    budget = page.locator("section").filter(has_text="Budget (montants hors TVA)")
    budget.screenshot(path=str(screenshot("roadmap-sheet-form").with_name("roadmap-sheet-form-lines.png")))
    page.get_by_role("button", name="Enregistrer").click()

    expect(page.get_by_text("enregistrée")).to_be_visible()
    expect(page.get_by_test_id("net-cost")).to_have_text("85\u202f000,00\xa0€")
    expect(page.get_by_test_id("subsidies")).to_have_text("85\u202f000,00\xa0€")
    sheet = ProjectSheet.objects.get(mission=tenant.mission)
    assert list(sheet.findings.all()) == [finding]
    assert_accessible()
    screenshot("roadmap-sheet")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot("roadmap-sheet-390")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("link", name="Fiches projets").click()
    expect(page.get_by_role("cell", name="85 000,00 €")).to_be_visible()
    assert_accessible()
    screenshot("roadmap-sheets-list")
