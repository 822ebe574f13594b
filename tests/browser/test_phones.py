"""Phones (390 × 844): no public journey and no main staff or Collège page scrolls sideways.

The assertion reads ``document.documentElement.scrollWidth``, not ``window.innerWidth``: with ``is_mobile``,
Chromium widens the layout viewport to the content and the overflow would hide. Each page is also checked
with axe-core and photographed (test-results/screens/phone-*.png).
"""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from diagnostics.models import Audience
from tests.browser.conftest import AXE_SOURCE, SCREENSHOTS
from tests.conftest import make_tenant
from tests.diagnostics.factories import CampaignFactory, InvitationFactory, full_questionnaire
from tests.diagnostics.factories_fieldwork import InterviewFactory, SystemFactory, WorkshopFactory
from tests.diagnostics.factories_findings import FindingFactory

PHONE = {"width": 390, "height": 844}
STICKING_OUT = """() => [...document.querySelectorAll('.card input, .card select, .card textarea')]
  .filter((field) => field.offsetParent !== null && field.type !== 'hidden' && !field.closest('.visually-hidden'))
  .filter((field) => field.getBoundingClientRect().right > field.closest('.card').getBoundingClientRect().right + 0.5)
  .map((field) => field.name || field.id)"""


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
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="fr-BE")
    page = context.new_page()
    yield page
    context.close()


def _check(page, name):
    """No sideways scroll, no serious accessibility problem, and a screenshot to look at."""
    page.wait_for_load_state()
    width = page.evaluate("document.documentElement.scrollWidth")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"phone-{name}.png"), full_page=True)
    assert width <= PHONE["width"], f"{name}: the page is {width} px wide on a {PHONE['width']} px phone"
    # A field wider than its card does not widen the page but still sticks out of the card ("Précisez…").
    outside = page.evaluate(STICKING_OUT)
    assert not outside, f"{name}: fields stick out of their card: {outside}"
    page.evaluate(AXE_SOURCE)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    serious = [f"{v['id']}: {v['help']}" for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert not serious, f"{name}: {serious}"


def _login(page, live_server, user):
    page.goto(f"{live_server.url}/compte/connexion/")
    page.get_by_label("Nom d’utilisateur").fill(user.username)
    page.get_by_label("Mot de passe").fill("motdepasse-de-test")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()


def test_citizen_journeys_fit_a_phone(phone, live_server, tenant):
    phone.goto(f"{live_server.url}/p/{tenant.public_campaign.public_token}/")
    _check(phone, "public-start")
    phone.get_by_role("button", name="Commencer le questionnaire").click()
    expect(phone.get_by_placeholder("Précisez…").first).to_be_visible()
    _check(phone, "public-fill")
    phone.goto(f"{live_server.url}/atelier/{tenant.workshop.public_token}/")
    _check(phone, "workshop")
    phone.goto(f"{live_server.url}/atelier/lien-perime/")
    expect(phone.get_by_text("Ce lien ne mène à rien")).to_be_visible()
    _check(phone, "dead-link")


def test_staff_pages_fit_a_phone(phone, live_server, tenant):
    _login(phone, live_server, tenant.staff)
    _check(phone, "staff-dashboard")
    phone.get_by_role(
        "link", name="Questionnaire « Enquête auprès du personnel communal » à remplir", exact=False
    ).click()
    phone.get_by_role("button", name="Commencer le questionnaire").click()
    expect(phone.get_by_placeholder("Précisez…").first).to_be_visible()
    _check(phone, "staff-fill")
    phone.goto(f"{live_server.url}/missions/{tenant.mission.pk}/")
    _check(phone, "staff-mission")


def test_college_and_consultant_pages_fit_a_phone(phone, live_server, tenant):
    _login(phone, live_server, tenant.college)
    _check(phone, "college-dashboard")
    phone.goto(f"{live_server.url}/missions/{tenant.mission.pk}/")
    _check(phone, "college-mission")
    phone.goto(f"{live_server.url}/missions/{tenant.mission.pk}/diagnostic/synthese/")
    _check(phone, "college-synthesis")
    phone.context.clear_cookies()
    _login(phone, live_server, tenant.consultant)
    expect(phone.get_by_text("1 entretien passé encore « Planifié »")).to_be_visible()
    _check(phone, "consultant-dashboard")
    phone.goto(f"{live_server.url}/missions/{tenant.mission.pk}/")
    expect(phone.get_by_text("encore « Planifié »")).to_be_visible()
    _check(phone, "consultant-mission")


def test_cockpit_and_poster_at_desktop_size(page, live_server, login, screenshot, assert_accessible, tenant):
    login(tenant.consultant)
    page.goto(f"{live_server.url}/missions/{tenant.mission.pk}/")
    expect(page.get_by_text("Où en est le diagnostic")).to_be_visible()
    assert_accessible()
    screenshot("desktop-consultant-mission")
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
    _login(phone, live_server, tenant.consultant)
    phone.goto(f"{live_server.url}/missions/{tenant.mission.pk}/pst/{pst.pk}/")
    phone.get_by_role("button", name="Tout déplier").click()
    _check(phone, "consultant-pst-tree")
    phone.get_by_role("link", name="Thèmes de A.1.1.1", exact=True).click()
    expect(phone.get_by_role("form", name="Thèmes de A.1.1.1")).to_be_visible()
    _check(phone, "consultant-pst-tree-tagging")
    phone.goto(f"{live_server.url}/missions/{tenant.mission.pk}/diagnostic/constats/{finding.pk}/")
    phone.get_by_label("Citer un élément du PST").fill("action 1")
    expect(phone.get_by_role("button", name="Citer A.1.1.1 Action 1.1")).to_be_visible()
    _check(phone, "consultant-finding-pst-search")
