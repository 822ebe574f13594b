"""Each role walks its main pages at desktop (1280 × 900) and phone (390 × 844) sizes (issue 15).

On every page: no sideways scroll, no field out of its card, no serious or critical axe-core violation, and a
screenshot ``<size>-<role>-<page>.png`` in test-results/screens (``tests.browser.pages.check_page``). The data is
the demo's (``seed_demo``): Sambrevaux's roadmap mission with its diagnostic, fourteen scored sheets, a planning,
a delivered report and a followed project with its phases, CSC, procurement and implementation; the test adds a
version submitted to the Collège and a public questionnaire for citizens. One browser context per role and size,
pages visited in sequence.
"""

from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from diagnostics.models import Audience, Campaign
from diagnostics.services.campaigns import campaign_publish
from projects.models import FollowedProject
from roadmap.models import ProjectSheet
from roadmap.services.decisions import roadmap_submit
from territoire.demo import DEMO_PASSWORD
from territoire.models import Mission
from tests.browser.pages import SIZES, check_page, new_page, sign_in
from tests.conftest import make_tenant
from tests.diagnostics.factories import CampaignFactory, full_questionnaire
from tests.diagnostics.factories_fieldwork import CardFactory, WorkshopFactory

DIAGNOSTIC = {
    "diagnostic": "diagnostic/",
    "questionnaires": "diagnostic/questionnaires/",
    "synthesis": "diagnostic/synthese/",
    "findings": "diagnostic/constats/",
    "inventory": "diagnostic/inventaire/",
    "interviews": "diagnostic/entretiens/",
    "workshops": "diagnostic/ateliers/",
}
ROADMAP = {
    "roadmap": "feuille-de-route/",
    "sheets": "feuille-de-route/fiches/",
    "sheet": "feuille-de-route/fiches/{sheet}/",
    "scoring": "feuille-de-route/cotation/",
    "ranking": "feuille-de-route/classement/",
    "timeline": "feuille-de-route/planning/",
    "decisions": "feuille-de-route/college/",
    "decision": "feuille-de-route/college/{version}/",
    "reports": "feuille-de-route/rapports/",
}
PROJECT = {
    "project": "projets/{project}/",
    "phases": "projets/{project}/phases/",
    "csc": "projets/{project}/csc/",
    "csc-detail": "projets/{project}/csc/{specification}/",
    "procurement": "projets/{project}/marches/",
    "procurement-detail": "projets/{project}/marches/{procurement}/",
    "evaluation": "projets/{project}/marches/{procurement}/evaluation/",
    "milestones": "projets/{project}/jalons/",
    "budget": "projets/{project}/budget/",
    "indicators": "projets/{project}/indicateurs/",
    "risks": "projets/{project}/risques/",
}
# Under /missions/<mission>/ unless the path starts with a slash.
PAGES = {
    "dashboard": "/",
    "mission": "",
    "pst": "pst/",
    **DIAGNOSTIC,
    "questionnaire-preview": "diagnostic/questionnaires/{questionnaire}/apercu/",
    "answer": "diagnostic/campagnes/{campaign}/repondre/",
    **ROADMAP,
    "portfolio": "/projets/",
    **PROJECT,
}
# What each role may open (staff neither read interviews nor score; the consultant previews questionnaires
# rather than answering them).
ROLES = {
    "consultant": [name for name in PAGES if name != "answer"],
    "staff": [name for name in PAGES if name not in ("questionnaire-preview", "interviews", "scoring")],
    "college": [
        "dashboard",
        "mission",
        "answer",
        "synthesis",
        "roadmap",
        "ranking",
        "decisions",
        "decision",
        "reports",
        "portfolio",
        "project",
    ],
}


@pytest.fixture
def demo(transactional_db):
    """The demo (about 25 s, most of it the report's PDF): seeded once per role, both sizes walk the same data."""
    call_command("seed_demo", force=True, verbosity=0, stdout=StringIO())
    mission = Mission.objects.select_related("commune").get(commune__name="Sambrevaux")
    consultant = mission.referents.get(username="claire.dubois")
    version = roadmap_submit(mission=mission, by=consultant, note="Classement des quatorze fiches.")
    project = FollowedProject.objects.get(mission=mission)
    return {
        "mission": mission,
        "users": {
            "consultant": consultant,
            "staff": mission.commune.memberships.get(user__username="julien.renard").user,
            "college": mission.commune.memberships.get(user__username="marc.lambert").user,
        },
        "ids": {
            "sheet": ProjectSheet.objects.filter(mission=mission).order_by("code").first().pk,
            "version": version.pk,
            "questionnaire": mission.questionnaires.first().pk,
            "project": project.pk,
            "specification": project.specifications.get().pk,
            "procurement": project.procurements.get().pk,
        },
        # The open campaign each role answers (the consultant answers none).
        "campaigns": {
            role: Campaign.objects.get(mission=mission, audience=audience).pk
            for role, audience in (("staff", Audience.STAFF), ("college", Audience.COLLEGE))
        },
    }


@pytest.fixture
def citizens(transactional_db):
    """A public questionnaire (one required question) and a workshop open to its participants' votes."""
    tenant = make_tenant("Sambrevaux")
    questionnaire, questions = full_questionnaire(tenant.mission)
    campaign = CampaignFactory(
        questionnaire=questionnaire, audience=Audience.CITIZENS, title="Votre avis sur la mobilité à Sambrevaux"
    )
    campaign_publish(campaign=campaign, by=tenant.consultant)
    workshop = WorkshopFactory(mission=tenant.mission, title="Atelier citoyen : la mobilité de demain", voting=True)
    for text in ("Des bus à l'heure des écoles", "Un parking vélo couvert à la gare"):
        CardFactory(workshop=workshop, text=text)
    return {"campaign": campaign, "likert": questions["likert"], "workshop": workshop}


def _url(base, demo, role, path):
    path = path.format(**demo["ids"], campaign=demo["campaigns"].get(role))
    return f"{base}{path}" if path.startswith("/") else f"{base}/missions/{demo['mission'].pk}/{path}"


def _visit(page, url, name):
    response = page.goto(url)
    assert response.ok, f"{name}: {response.status} at {page.url}"
    check_page(page, name)
    if name.endswith("-answer"):  # then the questionnaire itself (the second size resumes the response started)
        start = page.get_by_role("button", name="Commencer le questionnaire")
        if start.is_visible():
            start.click()
        expect(page.get_by_text("Section 1 sur")).to_be_visible()
        check_page(page, name.replace("-answer", "-fill"))


@pytest.mark.parametrize("role", ROLES)
def test_each_role_walks_its_main_pages_at_both_sizes(browser, live_server, demo, role):
    problems = []
    for size in SIZES:
        page = new_page(browser, size)
        sign_in(page, live_server.url, demo["users"][role], DEMO_PASSWORD)
        for name in ROLES[role]:
            try:
                _visit(page, _url(live_server.url, demo, role, PAGES[name]), f"{size}-{role}-{name}")
            except AssertionError as problem:  # every page is walked; all their problems are listed at the end
                problems.append(str(problem).splitlines()[0])
        page.context.close()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("size", SIZES)
def test_a_citizen_answers_the_public_questionnaire_and_opens_a_workshop(browser, live_server, citizens, size):
    page = new_page(browser, size)
    page.goto(f"{live_server.url}/p/{citizens['campaign'].public_token}/")
    check_page(page, f"{size}-citizen-public-start")
    page.get_by_role("button", name="Commencer le questionnaire").click()
    expect(page.get_by_text("Section 1 sur 2")).to_be_visible()
    check_page(page, f"{size}-citizen-public-fill")
    page.locator(f"label[for='q{citizens['likert'].pk}-4']").click()  # the one required question
    page.get_by_role("button", name="Suivant").click()
    expect(page.get_by_text("Section 2 sur 2")).to_be_visible()
    page.get_by_role("button", name="Envoyer mes réponses").click()
    expect(page.get_by_text("vos réponses sont bien envoyées")).to_be_visible()
    check_page(page, f"{size}-citizen-public-thanks")
    page.goto(f"{live_server.url}/atelier/{citizens['workshop'].public_token}/")
    expect(page.get_by_text("Un parking vélo couvert à la gare")).to_be_visible()
    check_page(page, f"{size}-citizen-workshop")
    page.goto(f"{live_server.url}/atelier/lien-perime/")
    expect(page.get_by_text("Ce lien ne mène à rien")).to_be_visible()
    check_page(page, f"{size}-citizen-dead-link")
    page.context.close()
