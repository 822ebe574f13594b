"""Browser journey of the roadmap workbook import: a refused file lists its errors, a good one is previewed and
confirmed, and the new sheet appears in the list."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from roadmap.exports import roadmap_workbook
from roadmap.models import ProjectSheet
from tests.conftest import make_tenant
from tests.roadmap.factories import BudgetLineFactory, ProjectSheetFactory
from tests.roadmap.test_workbook import edited

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def world(transactional_db):
    tenant = make_tenant("Hannut")
    sheet = ProjectSheetFactory(mission=tenant.mission, code="FP-01", title="E-guichet")
    BudgetLineFactory(sheet=sheet, label="Développement", amount=Decimal("20000"))
    return tenant


def choose(page, data: bytes) -> None:
    page.get_by_label("Classeur Excel (.xlsx)").set_input_files(
        {"name": "feuille-de-route.xlsx", "mimeType": XLSX, "buffer": data}
    )
    page.get_by_role("button", name="Voir l'aperçu").click()


def test_a_consultant_imports_a_workbook_after_fixing_it(
    page, live_server, login, screenshot, assert_accessible, world
):
    tenant = world
    data = roadmap_workbook(tenant.mission, user=tenant.consultant)
    data = edited(data, "Fiches", {"append": [["FP-02", "Parking vélos connecté", "Proposée", "Mobilité"]]})
    bad = edited(data, "Budget", {"E2": -20000, "append": [["FP-09", "Capteurs", "Équipement", "Investissement", 5]]})
    good = edited(data, "Budget", {"append": [["FP-02", "Capteurs", "Équipement", "Investissement", 15000, 21]]})

    login(tenant.consultant)
    page.goto(f"{live_server.url}/missions/{tenant.mission.pk}/feuille-de-route/fiches/")
    page.get_by_role("link", name="Importer (Excel)").click()
    choose(page, bad)
    expect(page.get_by_text("Rien n'a été importé : 2 erreurs à corriger dans le classeur.")).to_be_visible()
    expect(
        page.get_by_text("Onglet « Budget », ligne 2, colonne E : Un montant ne peut pas être négatif.")
    ).to_be_visible()
    assert_accessible()
    screenshot("roadmap-workbook-errors")
    assert not ProjectSheet.objects.filter(code="FP-02").exists()

    choose(page, good)
    expect(page.get_by_role("heading", name="Aperçu de l'import")).to_be_visible()
    expect(page.locator("#import-summary")).to_contain_text("1 à créer, 0 à mettre à jour, 1 inchangée(s)")
    assert_accessible()
    screenshot("roadmap-workbook-preview")
    page.get_by_role("button", name="Confirmer l'import").click()
    expect(
        page.get_by_text("Import terminé : 1 fiche(s) créée(s) ou modifiée(s), 0 note(s) enregistrée(s).")
    ).to_be_visible()
    expect(page.get_by_text("Parking vélos connecté")).to_be_visible()
    screenshot("roadmap-workbook-imported")
    assert ProjectSheet.objects.get(code="FP-02").budget_lines.get().amount == Decimal("15000.00")
