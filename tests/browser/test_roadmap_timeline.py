"""Browser journey of the timeline: the hand-computed case of tests/roadmap/test_timeline.py, a pin, the reflow."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from roadmap.models import BudgetEnvelope, TimelineSettings
from tests.conftest import make_tenant
from tests.roadmap.test_timeline import sheet


@pytest.fixture
def world(transactional_db):
    tenant = make_tenant("Hannut")
    mission = tenant.mission
    TimelineSettings.objects.create(mission=mission, start_year=2027, start_quarter=1, years=4, fte_capacity=1)
    BudgetEnvelope.objects.create(mission=mission, year=2027, amount=Decimal("100000"))
    first = sheet(mission, "FP-01", 6, 80000, running=4000)
    sheet(mission, "FP-02", 3, 60000)
    third = sheet(mission, "FP-03", 3, 20000, subsidy=10000)
    third.prerequisites.add(first)
    return tenant


def test_consultant_reads_the_timeline_and_pins_a_sheet(
    page, live_server, login, screenshot, assert_accessible, world
):
    tenant = world
    login(tenant.consultant)
    page.goto(f"{live_server.url}/missions/{tenant.mission.pk}/feuille-de-route/")
    page.get_by_role("link", name="Planning", exact=True).click()
    expect(page.get_by_role("heading", name="Planning des fiches")).to_be_visible()
    table = page.locator("#placements-table")
    expect(table.get_by_role("row", name="FP-02").get_by_role("cell").nth(0)).to_have_text("T1 2028")
    expect(table).to_contain_text("reporté à 2028 : enveloppe 2027 dépassée de 42\u202f000\xa0€")
    expect(page.locator(".gantt-bar")).to_have_count(3)
    expect(page.locator("#budget-table")).to_contain_text("92\u202f000\xa0€")
    assert_accessible()
    screenshot("roadmap-timeline")

    form = page.locator("#pin-form")
    form.get_by_label("Fiche").select_option(label="FP-02 Projet FP-02")
    form.get_by_label("Année de début").fill("2027")
    form.get_by_label("Trimestre").select_option("1")
    form.get_by_role("button", name="Fixer").click()
    expect(page.get_by_text("Début de FP-02 fixé")).to_be_visible()
    expect(table.get_by_role("row", name="FP-01").get_by_role("cell").nth(0)).to_have_text("T4 2027")
    expect(page.locator(".gantt-bar.is-pinned")).to_have_text("FP-02")

    form.get_by_label("Fiche").select_option(label="FP-03 Projet FP-03")
    form.get_by_label("Année de début").fill("2031")
    form.get_by_role("button", name="Fixer").click()
    expect(form).to_contain_text("hors de l'horizon du planning")
    assert_accessible()
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot("roadmap-timeline-390")
