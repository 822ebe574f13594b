"""A respondent's GDPR request in a real browser: found by e-mail, erased after confirmation."""

import pytest
from playwright.sync_api import expect

from diagnostics.models import Audience, Invitation
from tests.conftest import make_tenant
from tests.diagnostics.factories import CampaignFactory, InvitationFactory, full_questionnaire
from tests.diagnostics.test_results import fill


@pytest.fixture
def tenant(transactional_db):
    return make_tenant("Val-d'Ourthe")


def test_consultant_finds_and_erases_a_respondent(page, live_server, login, screenshot, assert_accessible, tenant):
    questionnaire, q = full_questionnaire(tenant.mission)
    campaign = CampaignFactory(questionnaire=questionnaire, audience=Audience.CITIZENS, title="Habitants")
    InvitationFactory(campaign=campaign, email="lea.dupont@example.org", name="Léa Dupont")
    fill(campaign, q, 2)
    login(tenant.consultant)
    page.goto(f"{live_server.url}/missions/{tenant.mission.pk}/diagnostic/questionnaires/")
    page.get_by_role("link", name="Données personnelles des répondants (RGPD) : exporter, effacer").click()
    page.get_by_label("E-mail, numéro de réponse ou nom").fill("lea.dupont@example.org")
    page.get_by_role("button", name="Rechercher").click()
    expect(page.get_by_role("heading", name="1 répondant trouvé")).to_be_visible()
    assert_accessible()
    screenshot("privacy-search")
    page.get_by_role("link", name="Effacer…").click()
    expect(page.get_by_role("heading", name="Effacer les données d'un répondant")).to_be_visible()
    assert_accessible()
    screenshot("privacy-erase")
    page.get_by_role("button", name="Effacer ses données personnelles").click()
    expect(page.get_by_text("Les données personnelles de ce répondant sont effacées.")).to_be_visible()
    expect(page.get_by_role("heading", name="Effacements faits")).to_be_visible()
    screenshot("privacy-erased")
    assert not Invitation.objects.filter(email="lea.dupont@example.org").exists()
