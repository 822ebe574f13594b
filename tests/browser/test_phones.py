"""Phones (390 × 844): no public journey and no main staff or Collège page scrolls sideways.

Each page goes through ``tests.browser.pages.check_page`` (sideways scroll read from
``document.documentElement.scrollWidth``, fields out of their card, axe-core) and is photographed
(test-results/screens/phone-*.png). test_roles.py walks every role's main pages at both sizes.
"""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from diagnostics.models import Audience
from tests.browser.pages import check_page, new_page, sign_in
from tests.conftest import make_tenant
from tests.diagnostics.factories import CampaignFactory, InvitationFactory, full_questionnaire
from tests.diagnostics.factories_fieldwork import InterviewFactory, SystemFactory, WorkshopFactory
from tests.diagnostics.factories_findings import FindingFactory


@pytest.fixture
def tenant(transactional_db):
    tenant = make_tenant("Braine-le-Château-sur-Senne")
    mission = tenant.mission
    mission.title = "Diagnostic « territoire intelligent » de Braine-le-Château-sur-Senne"
    mission.save()
    questionnaire, _ = full_questionnaire(mission)
    tenant.staff_campaign = CampaignFactory(
        questionnaire=questionnaire, audience=Audience.STAFF, title="Enquête auprès du personnel communal"
    )
    tenant.public_campaign = CampaignFactory(
        questionnaire=questionnaire, audience=Audience.CITIZENS, public_token="lien-citoyen-telephone"
    )
    for _ in range(3):
        InvitationFactory(campaign=tenant.staff_campaign)
    tenant.workshop = WorkshopFactory(mission=mission, title="Atelier citoyen : la mobilité de demain")
    InterviewFactory(mission=mission, scheduled_at=timezone.now() - dt.timedelta(days=2))
    FindingFactory(mission=mission, critical=True)
    SystemFactory(commune=tenant.commune, name="Logiciel de gestion des salles communales")
    return tenant


@pytest.fixture
def phone(browser, live_server):
    page = new_page(browser, "phone")
    yield page
    page.context.close()


def test_citizen_journeys_fit_a_phone(phone, live_server, tenant):
    phone.goto(f"{live_server.url}/p/{tenant.public_campaign.public_token}/")
    check_page(phone, "phone-public-start")
    phone.get_by_role("button", name="Commencer le questionnaire").click()
    expect(phone.get_by_placeholder("Précisez…").first).to_be_visible()
    check_page(phone, "phone-public-fill")
    phone.goto(f"{live_server.url}/atelier/{tenant.workshop.public_token}/")
    check_page(phone, "phone-workshop")
    phone.goto(f"{live_server.url}/atelier/lien-perime/")
    expect(phone.get_by_text("Ce lien ne mène à rien")).to_be_visible()
    check_page(phone, "phone-dead-link")


def test_staff_pages_fit_a_phone(phone, live_server, tenant):
    sign_in(phone, live_server.url, tenant.staff)
    check_page(phone, "phone-staff-dashboard")
    phone.get_by_role(
        "link", name="Questionnaire « Enquête auprès du personnel communal » à remplir", exact=False
    ).click()
    phone.get_by_role("button", name="Commencer le questionnaire").click()
    expect(phone.get_by_placeholder("Précisez…").first).to_be_visible()
    check_page(phone, "phone-staff-fill")
    phone.goto(f"{live_server.url}/missions/{tenant.mission.pk}/")
    check_page(phone, "phone-staff-mission")


def test_college_and_consultant_pages_fit_a_phone(phone, live_server, tenant):
    sign_in(phone, live_server.url, tenant.college)
    check_page(phone, "phone-college-dashboard")
    phone.goto(f"{live_server.url}/missions/{tenant.mission.pk}/")
    check_page(phone, "phone-college-mission")
    phone.goto(f"{live_server.url}/missions/{tenant.mission.pk}/diagnostic/synthese/")
    check_page(phone, "phone-college-synthesis")
    phone.context.clear_cookies()
    sign_in(phone, live_server.url, tenant.consultant)
    expect(phone.get_by_text("1 entretien passé encore « Planifié »")).to_be_visible()
    check_page(phone, "phone-consultant-dashboard")
    phone.goto(f"{live_server.url}/missions/{tenant.mission.pk}/")
    expect(phone.get_by_text("encore « Planifié »")).to_be_visible()
    check_page(phone, "phone-consultant-mission")


def test_cockpit_and_poster_at_desktop_size(page, live_server, login, screenshot, assert_accessible, tenant):
    login(tenant.consultant)
    page.goto(f"{live_server.url}/missions/{tenant.mission.pk}/")
    expect(page.get_by_text("Où en est le diagnostic")).to_be_visible()
    assert_accessible()
    screenshot("desktop-consultant-mission-in-diagnostic")
    campaign = tenant.public_campaign
    page.goto(f"{live_server.url}/missions/{tenant.mission.pk}/diagnostic/campagnes/{campaign.pk}/")
    page.get_by_label("Adresses à inviter").fill("anne@example.org; Anne\nanne.example.org; Anne bis")
    page.get_by_role("button", name="Envoyer les invitations").click()
    expect(page.get_by_text("Ligne 2 : « anne.example.org » n'est pas une adresse e-mail.")).to_be_visible()
    expect(page.get_by_label("Adresses à inviter")).to_have_value("anne.example.org; Anne bis")
    expect(page.get_by_role("img", name="QR code du lien public")).to_be_visible()
    assert_accessible()
    screenshot("desktop-campaign-invite")
    page.get_by_role("link", name="Affiche A4 à imprimer").click()
    expect(page.get_by_role("heading", name="Donnez votre avis")).to_be_visible()
    assert_accessible()
    screenshot("desktop-poster")
    page.emulate_media(media="print")
    screenshot("print-poster")


def test_question_editor_follows_the_chosen_type(page, live_server, login, screenshot, assert_accessible, tenant):
    question = tenant.staff_campaign.questionnaire.questions.get(type="single")
    login(tenant.consultant)
    page.goto(
        f"{live_server.url}/missions/{tenant.mission.pk}/diagnostic/questionnaires/"
        f"{question.questionnaire_id}/questions/{question.pk}/"
    )
    expect(page.get_by_label("Choix (un par ligne)")).to_be_visible()
    expect(page.get_by_label("Minimum")).to_be_hidden()
    expect(page.get_by_label("Lignes de la matrice (une par ligne)")).to_be_hidden()
    assert_accessible()
    screenshot("question-editor-single")
    page.locator("#id_type").select_option("number")
    expect(page.get_by_label("Minimum")).to_be_visible()
    expect(page.get_by_label("Choix (un par ligne)")).to_be_hidden()
    screenshot("question-editor-number")


def test_pst_tree_tagging_and_the_source_search_fit_a_phone(phone, live_server, tenant):
    from tests.territoire.factories import pst_tree

    pst, *_ = pst_tree(tenant.commune, actions_per_oo=3)
    finding = FindingFactory(mission=tenant.mission)
    sign_in(phone, live_server.url, tenant.consultant)
    phone.goto(f"{live_server.url}/missions/{tenant.mission.pk}/pst/{pst.pk}/")
    phone.get_by_role("button", name="Tout déplier").click()
    check_page(phone, "phone-consultant-pst-tree")
    phone.get_by_role("button", name="Thèmes de A.1.1.1", exact=True).click()
    expect(phone.get_by_role("form", name="Thèmes de A.1.1.1")).to_be_visible()
    check_page(phone, "phone-consultant-pst-tree-tagging")
    phone.goto(f"{live_server.url}/missions/{tenant.mission.pk}/diagnostic/constats/{finding.pk}/")
    phone.get_by_label("Citer un élément du PST").fill("action 1")
    expect(phone.get_by_role("button", name="Citer A.1.1.1 Action 1.1")).to_be_visible()
    check_page(phone, "phone-consultant-finding-pst-search")
