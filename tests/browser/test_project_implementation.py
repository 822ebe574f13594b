"""Browser journey of the implementation follow-up: a spending above the committed budget is refused without a
comment, recorded with one, and the computed health turns to « Blocage » with the excess as its reason."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.conftest import make_tenant
from tests.projects.factories import FollowedProjectFactory
from tests.projects.factories_implementation import (
    CommitmentFactory,
    CommunicationActionFactory,
    DecisionFactory,
    FeedbackFactory,
    IndicatorFactory,
    MeasurementFactory,
    MilestoneFactory,
    ParticipantFactory,
    RiskFactory,
    SpendingFactory,
)
from tests.roadmap.factories import BudgetLineFactory, ProjectSheetFactory


@pytest.fixture
def world(transactional_db):
    tenant = make_tenant("Hannut")
    today = timezone.localdate()
    project = FollowedProjectFactory(
        sheet=ProjectSheetFactory(mission=tenant.mission, status="retained", title="E-guichet"),
        consultant=tenant.consultant,
    )
    licence = BudgetLineFactory(sheet=project.sheet, label="Licence", amount=Decimal("38000"))
    BudgetLineFactory(sheet=project.sheet, label="Intégration", amount=Decimal("14000"))
    CommitmentFactory(project=project, budget_line=licence, amount=Decimal("10000"), supplier="Numérik SRL")
    SpendingFactory(project=project, budget_line=licence, amount=Decimal("8000"), invoice_ref="FAC-1")
    MilestoneFactory(
        project=project,
        label="Attribution",
        baseline_date=today - datetime.timedelta(days=20),
        done_date=today - datetime.timedelta(days=18),
    )
    MilestoneFactory(project=project, label="Mise en ligne", baseline_date=today + datetime.timedelta(days=30))
    indicator = IndicatorFactory(project=project, label="Démarches en ligne", unit="%", target=Decimal("40"))
    for months, value in ((3, "5"), (2, "9"), (1, "14")):
        MeasurementFactory(
            indicator=indicator, date=today - datetime.timedelta(days=30 * months), value=Decimal(value)
        )
    risk = RiskFactory(project=project, description="Connexion au registre national retardée", probability=3, impact=5)
    RiskFactory(
        project=project, description="Agents peu disponibles", probability=2, impact=2, mitigation=risk.description
    )
    feedback = FeedbackFactory(
        participant=ParticipantFactory(project=project, name="Paul Gérard", function="Animateur EPN", group="EPN"),
        severity="blocking",
        text="Les personnes sans carte d'identité électronique ne peuvent pas se connecter.",
    )
    DecisionFactory(project=project, feedback=feedback, decision="Ajouter la connexion par itsme.", date=today)
    DecisionFactory(project=project, decision="Attribuer le marché à Numérik SRL.", decided_by="Collège communal")
    CommunicationActionFactory(project=project, action="Annonce dans le bulletin communal", done=True)
    return tenant, project


def test_recording_spending_above_the_commitment_turns_the_health_to_blocked(
    page, live_server, login, screenshot, assert_accessible, world
):
    tenant, project = world
    base = f"{live_server.url}/missions/{tenant.mission.pk}/projets/{project.pk}/"
    login(tenant.consultant)
    page.goto(base + "sante/")
    expect(page.get_by_test_id("health-status")).to_have_text("Bon")
    expect(page.get_by_test_id("progress")).to_have_text("50 %")
    assert_accessible()
    screenshot("project-health-good")

    page.get_by_role("link", name="Budget", exact=True).click()
    form = page.locator("section", has=page.get_by_role("heading", name="Enregistrer une dépense"))
    form.get_by_label("Ligne budgétaire").select_option(label="Licence")
    form.get_by_label("Montant HTVA (€)").fill("6 200")
    form.get_by_label("Date").fill(timezone.localdate().isoformat())
    form.get_by_label("Référence de facture").fill("FAC-2")
    form.get_by_role("button", name="Enregistrer").click()
    expect(form).to_contain_text("au-delà du budget engagé de 10")
    expect(form).to_contain_text("expliquez ce dépassement dans le commentaire")
    expect(page.locator("#spendings")).not_to_contain_text("FAC-2")
    assert_accessible()
    screenshot("project-budget-refused")

    form.get_by_label("Commentaire").fill("Avenant pour 20 démarches supplémentaires.")
    form.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Dépense enregistrée.")).to_be_visible()
    expect(page.locator("#spendings")).to_contain_text("FAC-2")
    expect(page.get_by_test_id("over-committed")).to_contain_text("4")
    screenshot("project-budget-over")

    page.get_by_role("link", name="Santé", exact=True).click()
    expect(page.get_by_test_id("health-status")).to_have_text("Blocage")
    expect(page.locator("#health-reasons")).to_contain_text("blocage : dépenses au-dessus du budget engagé de 4")
    assert_accessible()
    screenshot("project-health-blocked")

    page.get_by_role("link", name="Indicateurs", exact=True).click()
    expect(page.locator("figure.chart svg")).to_have_count(1)
    assert_accessible()
    screenshot("project-indicators")
    for tab, name in (
        ("Jalons", "milestones"),
        ("Risques", "risks"),
        ("Phase de test", "testing"),
        ("Communication", "communication"),
        ("Décisions", "decisions"),
    ):
        page.get_by_role("link", name=tab, exact=True).click()
        assert_accessible()
        screenshot(f"project-{name}")
    page.set_viewport_size({"width": 390, "height": 844})
    page.get_by_role("link", name="Budget", exact=True).click()
    screenshot("project-budget-390")
