"""The charts of the « diagnostic smart » read on a desktop and on a 390 px phone (issue 15, item 2).

Long labels, counts up to eight, four importances and three alert severities: the data that squashed the
charts ("012345678", « Critique » cut off). Each chart is screenshotted alone and with its numbers open.
"""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from diagnostics.models import Audience, QuestionType, Response
from diagnostics.models.campaigns import Answer
from territoire.models import PSTNodeTag
from tests.browser.conftest import SCREENSHOTS
from tests.conftest import make_tenant
from tests.diagnostics.factories import (
    CampaignFactory,
    InvitationFactory,
    QuestionFactory,
    SectionFactory,
    full_questionnaire,
)
from tests.diagnostics.factories_fieldwork import (
    CardFactory,
    CardVoteFactory,
    FlowFactory,
    IntervieweeFactory,
    InterviewFactory,
    SystemFactory,
    WorkshopFactory,
)
from tests.diagnostics.factories_findings import FindingFactory
from tests.diagnostics.test_results import fill
from tests.projects.factories import FollowedProjectFactory
from tests.projects.factories_implementation import IndicatorFactory, MeasurementFactory
from tests.roadmap.factories import ProjectSheetFactory
from tests.territoire.factories import pst_tree

PHONE = {"width": 390, "height": 844}
CHALLENGES = [
    "Permettre aux citoyens de payer toutes leurs redevances communales en ligne, sans se déplacer",
    "Organiser le covoiturage entre les villages les plus éloignés du centre et la gare",
    "Signaler un problème de voirie en deux clics depuis son téléphone",
    "Suivre en ligne l'avancement de sa demande de permis d'urbanisme",
    "Connaître les places de parking libres",
]


@pytest.fixture
def world(transactional_db):
    tenant = make_tenant("Val-d'Ourthe")
    _pst, _os, _oos, actions = pst_tree(tenant.commune, actions_per_oo=3)
    for i, action in enumerate(actions):
        PSTNodeTag.objects.create(node=action, kind="theme", value=["mobility", "governance", "energy"][i % 3])
    workshop = WorkshopFactory(mission=tenant.mission, closed=True)
    for rank, text in enumerate(CHALLENGES, 1):
        CardVoteFactory.create_batch(
            9 - rank, card=CardFactory(workshop=workshop, text=text, theme="mobility", selected=True, rank=rank)
        )
    section = SectionFactory(questionnaire__mission=tenant.mission)
    question = QuestionFactory(section=section, type=QuestionType.LIKERT)
    for audience in (Audience.STAFF, Audience.COLLEGE, Audience.CITIZENS):
        campaign = CampaignFactory(questionnaire=section.questionnaire, audience=audience)
        for invitation in InvitationFactory.create_batch(7, campaign=campaign):
            response = Response.objects.create(campaign=campaign, invitation=invitation, submitted_at=timezone.now())
            Answer.objects.create(response=response, question=question, value=3, number=3, score=50)
    for audience in ("college", "staff", "staff", "civil_society"):
        interview = InterviewFactory(mission=tenant.mission, interviewer=tenant.consultant, done=True)
        IntervieweeFactory(interview=interview, audience=audience)
    saphir = SystemFactory(commune=tenant.commune, name="Saphir", category="finance")
    for name in ("Onyx", "Rubis", "Opale"):
        FlowFactory(source=saphir, target=SystemFactory(commune=tenant.commune, name=name, category="finance"))
    SystemFactory(commune=tenant.commune, name="Registre papier numérisé")
    for i, theme in enumerate(["mobility", "governance", "living", "administration", "energy", "economy"] * 2):
        FindingFactory(mission=tenant.mission, theme=theme, importance=1 + i % 4)
    return tenant


def _charts_read(page, name):
    """Every chart of the synthesis fits its column, and its numbers open in one click."""
    figures = page.locator("figure.chart")
    assert figures.count() >= 6
    for i in range(figures.count()):
        figure = figures.nth(i)
        figure.scroll_into_view_if_needed()
        box, svg = figure.bounding_box(), figure.locator("svg").bounding_box()
        assert svg["x"] >= box["x"] - 1 and svg["x"] + svg["width"] <= box["x"] + box["width"] + 1
        figure.get_by_text("Voir les chiffres").click()
        expect(figure.locator("table")).to_be_visible()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        figure.screenshot(path=str(SCREENSHOTS / f"{name}-chart-{i + 1}.png"))


def test_synthesis_charts_read_on_desktop_and_phone(page, live_server, login, screenshot, assert_accessible, world):
    login(world.consultant)
    url = f"{live_server.url}/missions/{world.mission.pk}/diagnostic/synthese/"
    page.goto(url)
    expect(page.get_by_role("heading", name="Diagnostic smart", exact=True)).to_be_visible()
    screenshot("charts-synthesis-desktop")
    _charts_read(page, "charts-desktop")
    assert_accessible()

    page.set_viewport_size(PHONE)
    page.goto(url)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot("charts-synthesis-phone")
    _charts_read(page, "charts-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible()


def test_findings_table_headers_do_not_overlap(page, live_server, login, screenshot, world):
    login(world.consultant)
    page.goto(f"{live_server.url}/missions/{world.mission.pk}/diagnostic/constats/")
    expect(page.get_by_role("heading", name="Constats (besoins)")).to_be_visible()
    overflowing = page.evaluate(
        "[...document.querySelectorAll('thead th')].filter(th => th.scrollWidth > th.clientWidth)"
        ".map(th => th.textContent.trim())"
    )
    screenshot("charts-findings-list")
    assert not overflowing, f"headers wider than their column: {overflowing}"


@pytest.fixture
def tenant(transactional_db):
    return make_tenant("Val-d'Ourthe")


def test_agreement_charts_read_on_desktop_and_phone(page, live_server, login, screenshot, assert_accessible, tenant):
    """A Likert and a 0–10 rating as one 100 % bar per audience: legend whole, no sideways scroll on a phone."""
    questionnaire, q = full_questionnaire(tenant.mission)
    for audience, count, seed in ((Audience.STAFF, 9, 1), (Audience.COLLEGE, 5, 4), (Audience.CITIZENS, 6, 7)):
        fill(CampaignFactory(questionnaire=questionnaire, audience=audience), q, count, seed=seed)
    login(tenant.consultant)
    url = f"{live_server.url}/missions/{tenant.mission.pk}/diagnostic/questionnaires/{questionnaire.pk}/resultats/"
    for size, viewport in (("desktop", {"width": 1280, "height": 900}), ("phone", PHONE)):
        page.set_viewport_size(viewport)
        page.goto(url)
        page.locator("details.results-section").nth(1).locator("summary").click()
        for question in (q["likert"], q["rating"]):
            card = page.locator(f"#qr-{question.pk}").locator("xpath=ancestor::article")
            figure = card.locator("figure.chart")
            expect(figure.locator("svg")).to_be_visible()
            figure.scroll_into_view_if_needed()
            # The legend (its last entry) and the percentages lie inside the drawing, the drawing inside its card.
            box, svg = card.bounding_box(), figure.locator("svg").bounding_box()
            assert svg["x"] >= box["x"] and svg["x"] + svg["width"] <= box["x"] + box["width"] + 1
            last = figure.locator("svg .legends text").last.bounding_box()
            assert last["x"] + last["width"] <= svg["x"] + svg["width"] + 1
            figure.get_by_text("Voir les chiffres").click()
            expect(figure.locator("table")).to_contain_text("Ensemble")
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            card.screenshot(path=str(SCREENSHOTS / f"charts-agreement-{size}-{question.type}.png"))
        screenshot(f"charts-agreement-results-{size}")
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        assert_accessible()


# Every drawn text of every chart on the page: its size on screen (its computed font size times the scale of its
# drawing), whether it lies inside its drawing, and the pairs of texts of one chart that overlap or touch (less than
# 2 px apart side by side).
MEASURE_TEXT = """() => [...document.querySelectorAll('figure.chart svg')]
  .filter(svg => svg.getBoundingClientRect().width).map(svg => {
    const box = svg.getBoundingClientRect(), scale = box.width / svg.viewBox.baseVal.width;
    const texts = [...svg.querySelectorAll('text')].filter(t => t.textContent.trim() && t.getBBox().width
      && getComputedStyle(t).visibility !== 'hidden' && getComputedStyle(t).display !== 'none');
    const rects = texts.map(t => t.getBoundingClientRect());
    const overlaps = [];
    rects.forEach((a, i) => rects.slice(i + 1).forEach((b, j) => {
      const x = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      const y = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (x > -2 && y > 2) overlaps.push([texts[i].textContent, texts[i + 1 + j].textContent]);
    }));
    const sizes = texts.map(t => parseFloat(getComputedStyle(t).fontSize) * scale);
    return {
      label: svg.getAttribute('aria-label').slice(0, 60), width: box.width, viewBox: svg.viewBox.baseVal.width,
      smallest: Math.min(...sizes), largest: Math.max(...sizes),
      cut: texts.filter((t, i) => rects[i].left < box.left - 1 || rects[i].right > box.right + 1
        || rects[i].top < box.top - 1 || rects[i].bottom > box.bottom + 1)
        .map(t => t.textContent),
      overlaps,
    };
  })"""
TEXT_PX = (11, 18)  # the smallest text of a chart on a phone, the largest on a desktop


def _text_reads(page, name, viewport):
    charts = page.evaluate(MEASURE_TEXT)
    assert charts
    smallest, largest = min(c["smallest"] for c in charts), max(c["largest"] for c in charts)
    print(f"{name} at {viewport['width']} px: {len(charts)} charts, text from {smallest:.1f} to {largest:.1f} px")
    for i, svg in enumerate(page.locator("figure.chart svg").all()):
        if svg.is_visible():
            svg.screenshot(path=str(SCREENSHOTS / f"charts-text-{name}-{viewport['width']}-{i + 1}.png"))
    for chart in charts:
        assert not chart["cut"], chart
        assert not chart["overlaps"], chart
    if viewport["width"] <= PHONE["width"]:
        assert smallest >= TEXT_PX[0], charts
    else:
        assert largest <= TEXT_PX[1], charts
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


DESKTOP = {"width": 1280, "height": 900}


def test_chart_text_reads_on_phone_and_desktop(page, live_server, login, screenshot, world):
    """On the synthesis, the questionnaire results and a project's indicators, chart text is at least 11 px on a
    390 px phone and at most 18 px on a 1280 px desktop, never cut at the edge of its drawing nor drawn over
    another text."""
    questionnaire, q = full_questionnaire(world.mission)
    for audience, count, seed in ((Audience.STAFF, 9, 1), (Audience.COLLEGE, 5, 4), (Audience.CITIZENS, 6, 7)):
        fill(CampaignFactory(questionnaire=questionnaire, audience=audience), q, count, seed=seed)
    project = FollowedProjectFactory(sheet=ProjectSheetFactory(mission=world.mission, status="retained"))
    indicator = IndicatorFactory(project=project, label="Démarches en ligne", unit="%", target=Decimal("40"))
    for month, value in enumerate(("5", "9", "14", "22"), 1):
        MeasurementFactory(indicator=indicator, date=datetime.date(2026, month, 15), value=Decimal(value))
    indicators = live_server.url + reverse("projects:indicators", args=[world.mission.pk, project.pk])
    login(world.consultant)
    mission = f"{live_server.url}/missions/{world.mission.pk}/diagnostic"
    for size, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(viewport)
        page.goto(f"{mission}/synthese/")
        _text_reads(page, "synthesis", viewport)
        screenshot(f"charts-text-synthesis-{size}")
        page.goto(f"{mission}/questionnaires/{questionnaire.pk}/resultats/")
        for section in page.locator("details.results-section").all():
            if not section.get_attribute("open"):
                section.locator("> summary").click()  # its charts are drawn when it opens
            expect(section.locator("[hx-get]")).to_have_count(0)
        _text_reads(page, "results", viewport)
        screenshot(f"charts-text-results-{size}")
        page.goto(indicators)
        _text_reads(page, "indicators", viewport)
