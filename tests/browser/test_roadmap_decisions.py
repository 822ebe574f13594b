"""Browser journey of the Collège's decision: a consultant submits a version, a Collège member validates it."""

import pytest
from playwright.sync_api import expect

from roadmap.models import DecisionChoice, RoadmapDecision, RoadmapVersion
from tests.conftest import make_tenant
from tests.roadmap.factories import CriterionFactory, ProjectSheetFactory, ScoreFactory

SHEETS = {"FP-01": ("E-guichet", 5), "FP-02": ("Parking vélos connecté", 3), "FP-03": ("Portail open data", 2)}


@pytest.fixture
def world(transactional_db):
    """A mission whose three sheets are scored on two criteria by its only referent: the ranking is complete."""
    tenant = make_tenant("Hannut")
    for user, first, last in ((tenant.consultant, "Alice", "Aubry"), (tenant.college, "Bernard", "Bourgmestre")):
        user.first_name, user.last_name = first, last
        user.save(update_fields=["first_name", "last_name"])
    criteria = [
        CriterionFactory(mission=tenant.mission, code="impact", label="Impact sur la population", impact=True),
        CriterionFactory(mission=tenant.mission, code="pst", label="Alignement PST"),
    ]
    for code, (title, value) in SHEETS.items():
        sheet = ProjectSheetFactory(mission=tenant.mission, code=code, title=title)
        for criterion in criteria:
            ScoreFactory(sheet=sheet, criterion=criterion, consultant=tenant.consultant, value=value)
    return tenant


def test_a_consultant_submits_a_version_and_a_college_member_validates_it(
    page, live_server, login, screenshot, assert_accessible, world
):
    tenant = world
    base = f"{live_server.url}/missions/{tenant.mission.pk}/feuille-de-route"

    # 1. The consultant submits the ranked roadmap to the Collège with a note.
    login(tenant.consultant)
    page.goto(f"{base}/")
    page.get_by_role("link", name="Versions soumises au Collège").click()
    page.get_by_label("Note au Collège").fill("Première version : trois fiches classées.")
    page.get_by_role("button", name="Soumettre au Collège").click()
    expect(page.get_by_text("Version 1 soumise au Collège.")).to_be_visible()
    expect(page.locator("#frozen-ranking tbody tr").first).to_contain_text("FP-01 – E-guichet")
    assert RoadmapVersion.objects.get(mission=tenant.mission).number == 1
    screenshot("roadmap-decision-submitted")

    # 2. A Collège member logs in, opens the version and validates it with a comment.
    page.context.clear_cookies()
    login(tenant.college)
    page.goto(f"{base}/college/")
    expect(page.get_by_text("Aucune décision du Collège pour l'instant.")).to_be_visible()
    page.get_by_role("link", name="Version 1").click()
    expect(page.get_by_text("Première version : trois fiches classées.")).to_be_visible()
    assert_accessible()
    screenshot("roadmap-decision-form")
    page.get_by_label("Validée").check()
    page.get_by_label("Commentaire").fill("Accord du Collège du 24 novembre.")
    page.get_by_role("button", name="Enregistrer ma décision").click()

    # 3. The decision shows, with its author and comment, on the version and in the list.
    expect(page.get_by_text("Votre décision sur la version 1 est enregistrée.")).to_be_visible()
    expect(page.get_by_text("« Accord du Collège du 24 novembre. »")).to_be_visible()
    decision = RoadmapDecision.objects.get(version__mission=tenant.mission)
    assert (decision.member, decision.decision) == (tenant.college, DecisionChoice.VALIDATED)
    assert_accessible()
    screenshot("roadmap-decision-recorded")
    page.goto(f"{base}/college/")
    row = page.locator("#versions tbody tr").first
    expect(row.get_by_text("Validée")).to_be_visible()
    expect(row.get_by_text("Bernard Bourgmestre")).to_be_visible()
    screenshot("roadmap-decision-list")
