"""Browser journey of the offer evaluation: the consultant and the project leader score three offers, the
ranking recomputes, the award goes to the best-ranked offer (another one asks for a justification)."""

from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from projects.models import Procurement
from territoire.models import Role
from tests.conftest import make_tenant
from tests.factories import member
from tests.projects.factories import FollowedProjectFactory
from tests.projects.factories_csc import OfferFactory, ProcurementFactory, SpecificationFactory
from tests.roadmap.factories import ProjectSheetFactory

OFFERS = {"Guichet Wallon SRL": "61800", "CiviTech SA": "54900", "Demarches.be SC": "72400"}
# Points out of 40 for the quality criterion: the consultant's, then the leader's.
POINTS = {"Guichet Wallon SRL": ("34", "36"), "CiviTech SA": ("20", "22"), "Demarches.be SC": ("38", "37")}


@pytest.fixture
def world(transactional_db):
    tenant = make_tenant("Hannut")
    tenant.consultant.first_name, tenant.consultant.last_name = "Claire", "Dubois"
    tenant.consultant.save(update_fields=["first_name", "last_name"])
    leader = member(tenant.commune, Role.STAFF, user__first_name="Julien", user__last_name="Renard")
    sheet = ProjectSheetFactory(mission=tenant.mission, status="retained", title="E-guichet")
    project = FollowedProjectFactory(sheet=sheet, leader=leader)
    specification = SpecificationFactory(project=project)
    specification.criteria.filter(kind="quality").update(label="Qualité fonctionnelle")
    procurement = ProcurementFactory(
        project=project, specification=specification, title="Guichet électronique", planned_launch=date(2026, 2, 2)
    )
    for provider, price in OFFERS.items():
        OfferFactory(procurement=procurement, provider=provider, price=Decimal(price))
    return tenant, leader, project, procurement


def score(page, evaluator_index):
    for provider, points in POINTS.items():
        page.get_by_label(f"{provider} — Qualité fonctionnelle", exact=True).fill(points[evaluator_index])
    page.get_by_role("button", name="Enregistrer mes notes").click()
    expect(page.get_by_text("Vos notes sont enregistrées.")).to_be_visible()


def test_two_evaluators_score_the_offers_and_the_best_one_is_awarded(
    page, live_server, login, screenshot, assert_accessible, world
):
    tenant, leader, project, procurement = world
    base = f"{live_server.url}/missions/{tenant.mission.pk}/projets/{project.pk}/marches/{procurement.pk}/"

    login(tenant.consultant)
    page.goto(base)
    expect(page.get_by_text("Procédure indiquée : Procédure négociée sans publication préalable")).to_be_visible()
    screenshot("procurement-detail")
    page.get_by_role("link", name="Évaluation des offres").click()
    page.get_by_label("CiviTech SA — Qualité fonctionnelle", exact=True).fill("45")
    page.get_by_role("button", name="Enregistrer mes notes").click()
    expect(page.get_by_text("Une note entre 0 et 40 points.")).to_be_visible()
    screenshot("procurement-evaluation-error")
    score(page, 0)
    assert_accessible()
    screenshot("procurement-evaluation")

    page.context.clear_cookies()
    login(leader)
    page.goto(base + "evaluation/")
    score(page, 1)
    # Guichet Wallon: 60 × 54 900 / 61 800 = 53,30 + 35 = 88,30; Demarches.be: 45,50 + 37,5 = 83,00; CiviTech: 81.
    rows = page.locator("#ranking-table tbody tr")
    expect(rows.nth(0)).to_contain_text("Guichet Wallon SRL")
    expect(rows.nth(0)).to_contain_text("88,30")
    expect(rows.nth(2)).to_contain_text("CiviTech SA")
    expect(page.get_by_text("Évaluateurs : Claire Dubois, Julien Renard")).to_be_visible()
    screenshot("procurement-ranking")

    page.goto(base)
    page.get_by_label("Offre retenue").select_option(label="CiviTech SA")
    page.get_by_role("button", name="Attribuer le marché").click()
    expect(page.get_by_text("Cette offre n’est pas la mieux classée")).to_be_visible()
    page.get_by_label("Offre retenue").select_option(label="Guichet Wallon SRL")
    page.get_by_role("button", name="Attribuer le marché").click()
    expect(page.get_by_text("Le marché est attribué.")).to_be_visible()
    assert Procurement.objects.get(pk=procurement.pk).awarded_offer.provider == "Guichet Wallon SRL"
    screenshot("procurement-awarded")


def test_the_csc_is_drafted_from_the_sheet_and_edited_section_by_section(
    page, live_server, login, screenshot, assert_accessible, world
):
    tenant, leader, project, procurement = world
    project.sheet.context = "La commune reçoit 4 000 demandes papier par an."
    project.sheet.save(update_fields=["context"])
    login(tenant.consultant)
    page.goto(f"{live_server.url}/missions/{tenant.mission.pk}/projets/{project.pk}/csc/")
    page.get_by_role("link", name=procurement.specification.title).click()
    page.get_by_role("button", name="Rédiger depuis la fiche projet").click()
    expect(page.get_by_text("Repris de la fiche projet")).to_be_visible()
    context = page.locator("#section-context")
    expect(context.get_by_role("textbox")).to_have_value("La commune reçoit 4 000 demandes papier par an.")
    context.get_by_role("textbox").fill("Contexte revu par la consultante.")
    context.get_by_role("button", name="Enregistrer la section").click()
    expect(context.get_by_text("Enregistré")).to_be_visible()  # htmx swapped the form only
    assert procurement.specification.sections.get(kind="context").body == "Contexte revu par la consultante."
    assert_accessible()
    screenshot("csc-detail")
