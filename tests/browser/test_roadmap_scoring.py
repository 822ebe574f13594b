"""Browser journey of the scoring: default criteria, two consultants score, a disagreement, its consensus."""

import pytest
from playwright.sync_api import expect

from roadmap.models import Consensus, Score, ScoringSubmission
from territoire.models import Role
from tests.conftest import make_tenant
from tests.factories import member
from tests.roadmap.factories import ProjectSheetFactory

SHEETS = {"FP-01": "E-guichet", "FP-02": "Parking vélos connecté", "FP-03": "Portail open data"}
CRITERIA = ["Budget", "Faisabilité technique", "Ressources disponibles et nécessaires"]
CRITERIA += ["Impact sur la population", "Alignement PST"]
# Alice's scores, criterion by criterion; Zoé scores the same except FP-03's impact (5 against 1).
ALICE = {"FP-01": [2, 4, 4, 5, 5], "FP-02": [4, 3, 3, 3, 3], "FP-03": [3, 2, 2, 1, 2]}
ZOE = {**ALICE, "FP-03": [3, 2, 2, 5, 2]}


@pytest.fixture
def world(transactional_db):
    tenant = make_tenant("Hannut")
    tenant.consultant.first_name, tenant.consultant.last_name = "Alice", "Aubry"
    tenant.consultant.save(update_fields=["first_name", "last_name"])
    zoe = member(tenant.commune, Role.CONSULTANT, user__first_name="Zoé", user__last_name="Zimmer")
    tenant.mission.referents.add(zoe)
    for code, title in SHEETS.items():
        ProjectSheetFactory(mission=tenant.mission, code=code, title=title)
    return tenant, zoe


def fill_grid(page, scores, comment=None):
    for code, values in scores.items():
        for label, value in zip(CRITERIA, values, strict=True):
            page.get_by_label(f"{code} {label}", exact=True).select_option(str(value))
    if comment:
        page.get_by_label(comment[0], exact=True).fill(comment[1])


def test_two_consultants_score_settle_a_disagreement_and_read_the_ranking(
    page, live_server, login, screenshot, assert_accessible, world
):
    tenant, zoe = world
    base = f"{live_server.url}/missions/{tenant.mission.pk}/feuille-de-route"
    login(tenant.consultant)

    # 1. The roadmap links the ranking; the criteria come from the defaults in one click.
    page.goto(f"{base}/")
    page.get_by_role("link", name="Critères, cotation et classement").click()
    page.get_by_role("link", name="Critères", exact=True).first.click()
    page.get_by_role("button", name="Créer les critères par défaut").click()
    expect(page.get_by_text("5 critère(s) ajouté(s).")).to_be_visible()
    assert_accessible()
    screenshot("roadmap-criteria")

    # 2. Alice scores, with a comment, and submits: FP-0x wait for Zoé.
    page.get_by_role("link", name="Ma grille de cotation").click()
    fill_grid(page, ALICE, comment=("Commentaire FP-03 Impact sur la population", "Peu d'usagers visés"))
    assert_accessible()
    screenshot("roadmap-grid")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot("roadmap-grid-390")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("button", name="Soumettre ma cotation").click()
    expect(page.get_by_text("Votre cotation est soumise")).to_be_visible()
    expect(page.get_by_text("Fiches pas encore classées (notes manquantes)")).to_be_visible()
    expect(page.get_by_text("en attente de : Zoé Zimmer").first).to_be_visible()
    assert Score.objects.filter(consultant=tenant.consultant).count() == 15

    # 3. Zoé does not see Alice's scores before she submits; then she does, and the disagreement is flagged.
    page.context.clear_cookies()
    login(zoe)
    page.goto(f"{base}/cotation/")
    expect(page.get_by_text("Peu d'usagers visés")).to_have_count(0)
    fill_grid(page, ZOE)
    page.get_by_role("button", name="Soumettre ma cotation").click()
    expect(page.get_by_role("heading", name="Désaccords à discuter")).to_be_visible()
    expect(page.get_by_text("Alice Aubry 1, Zoé Zimmer 5")).to_be_visible()
    assert ScoringSubmission.objects.count() == 2

    # 4. Zoé records the consensus; the disagreement is settled and the ranking reads in order.
    page.get_by_role("link", name="Enregistrer un consensus").click()
    expect(page.get_by_text("Peu d'usagers visés")).to_be_visible()
    page.get_by_label("Valeur retenue").fill("2")
    page.get_by_label("Justification").fill("Public cible restreint, discuté le 21/11")
    assert_accessible()
    page.get_by_role("button", name="Enregistrer le consensus").click()
    expect(page.get_by_text("Le consensus est enregistré")).to_be_visible()
    expect(page.get_by_role("heading", name="Désaccords à discuter")).to_have_count(0)
    assert Consensus.objects.get().by == zoe
    rows = page.locator("#ranking-table tbody th")
    expect(rows).to_have_count(3)
    assert [rows.nth(i).inner_text().split()[0] for i in range(3)] == ["FP-01", "FP-02", "FP-03"]
    totals = page.locator("#ranking-table tbody td.fw-semibold")
    assert [totals.nth(i).inner_text() for i in range(3)] == ["85,0", "45,0", "30,0"]
    expect(page.get_by_role("heading", name="Matrice impact × effort")).to_be_visible()
    expect(page.get_by_text("stable top 3").first).to_be_visible()
    assert_accessible()
    screenshot("roadmap-ranking")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot("roadmap-ranking-390")

    # 5. The Collège reads the ranking but has no grid.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.context.clear_cookies()
    login(tenant.college)
    page.goto(f"{base}/classement/")
    expect(page.locator("#ranking-table")).to_be_visible()
    expect(page.get_by_role("link", name="Ma grille de cotation")).to_have_count(0)
