"""The four journeys of the platform, end to end in Debian's chromium (issue 14).

1. A consultant creates a mission, imports a PST, builds and opens a campaign, records an interview, fills the
   inventory, writes and scores sheets and generates the final report.
2. A citizen opens the campaign's public link on a phone, with the keyboard alone: answers half, closes the
   browser, comes back with the same link, finishes, reads the thank-you page.
3. A Collège member logs in, reads the diagnostic and the ranking, downloads the report (a PDF with pages).
4. A commune staff member follows the milestones of a project.

Every page of a journey is checked with axe-core (no serious or critical violation), its charts must have a text
alternative, and it is photographed into test-results/screens/journeys/<journey>-<nn>-<step>.png: the CI artefact.
With REDIS_URL (CI: PostgreSQL and Redis), journey 1 runs against a real Celery worker process, which reads the PST
and renders the PDF while the pages poll (htmx); without it the tasks run in-process and the same steps hold.
"""

import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from diagnostics.models import Answer, Audience, Response
from roadmap.models import ReportStatus, ReportVersion
from roadmap.report import pipeline
from territoire.models import Mission, Role
from tests.browser.conftest import SCREENSHOTS, check_accessible
from tests.conftest import FIXTURES, make_tenant, running_worker
from tests.diagnostics.factories import CampaignFactory, full_questionnaire
from tests.factories import CommuneFactory, member

JOURNEYS = SCREENSHOTS / "journeys"
PHONE = {"width": 390, "height": 844}
# Every chart outside an aria-hidden block must be named: by its figure (aria-label, aria-labelledby, figcaption)
# or by a role="img" wrapper with a label.
UNNAMED_CHARTS = """() => [...document.querySelectorAll('svg.pygal-chart, .chart svg')]
  .filter((svg) => !svg.closest('[aria-hidden="true"]'))
  .filter((svg) => {
    const named = (el) => el && (el.getAttribute('aria-label') || el.getAttribute('aria-labelledby')
      || (el.tagName === 'FIGURE' && el.querySelector('figcaption')?.textContent.trim()));
    return !(named(svg.closest('[role="img"]')) || named(svg.closest('figure')));
  })
  .map((svg) => svg.closest('figure, section, div')?.id || svg.outerHTML.slice(0, 80))"""


class Journey:
    """The numbered steps of one journey: each step checks the page and photographs it."""

    def __init__(self, name: str):
        self.name, self.count = name, 0

    def step(self, page, label: str) -> Path:
        page.wait_for_load_state()
        check_accessible(page)
        unnamed = page.evaluate(UNNAMED_CHARTS)
        assert not unnamed, f"{page.url}: charts without a text alternative: {unnamed}"
        self.count += 1
        JOURNEYS.mkdir(parents=True, exist_ok=True)
        path = JOURNEYS / f"{self.name}-{self.count:02d}-{label}.png"
        page.screenshot(path=str(path), full_page=True)
        return path


def tab_to(page, selector: str, *, limit: int = 60):
    """Press Tab until the focused element matches ``selector``: how a keyboard user gets there."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => !!document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} is not reachable with Tab from here ({page.url})")


# --- 1. The consultant ------------------------------------------------------------------------------------------


@pytest.fixture
def celery_worker_journey(django_db_setup, django_db_blocker, settings, tmp_path):
    """With REDIS_URL: a worker process on this test's media folder (the live server's uploads are read there).

    Yields None without REDIS_URL: the tasks then run in-process.
    """
    if not settings.REDIS_URL:
        yield None
        return
    with running_worker(tmp_path, MEDIA_ROOT=str(settings.MEDIA_ROOT)) as proc:
        yield proc


@pytest.fixture
def agency(transactional_db):
    commune = CommuneFactory(name="Val-d'Ourthe")
    consultant = member(commune, Role.CONSULTANT, user__first_name="Claire", user__last_name="Dubois")
    return commune, consultant


@pytest.mark.worker
def test_journey_1_consultant_from_mission_to_report(
    page, live_server, login, agency, celery_worker_journey, tmp_path
):
    commune, consultant = agency
    journey = Journey("1-consultant")
    login(consultant)
    journey.step(page, "dashboard")

    # The mission.
    page.get_by_role("link", name="Nouvelle mission").first.click()
    page.get_by_label("Intitulé").fill("Diagnostic territoire intelligent 2026")
    page.get_by_label("Début").fill("2026-09-01")
    journey.step(page, "mission-form")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", name="Diagnostic territoire intelligent 2026")).to_be_visible()
    mission = Mission.objects.get(commune=commune)
    base = f"{live_server.url}/missions/{mission.pk}"
    journey.step(page, "mission")

    # The PST: the worker reads the file, the preview page waits for it.
    page.goto(f"{base}/pst/")
    page.get_by_role("link", name="Importer un PST").click()
    page.get_by_label("Fichier du PST").set_input_files(str(FIXTURES / "samples" / "pst_une_ligne_par_action.csv"))
    journey.step(page, "pst-import")
    page.get_by_role("button", name="Voir l'aperçu").click()
    expect(page.get_by_role("heading", name="Aperçu de l'import")).to_be_visible()
    expect(page.get_by_text("5 / 10 / 28")).to_be_visible(timeout=60_000)
    journey.step(page, "pst-preview")
    page.get_by_role("button", name="Confirmer l'import").click()
    expect(page.get_by_role("status").filter(has_text="PST importé : 43 éléments créés")).to_be_visible()
    page.wait_for_load_state("load")
    page.get_by_role("button", name="Tout déplier").click()
    expect(page.get_by_role("link", name="Fiche OO.1.1")).to_be_visible()
    journey.step(page, "pst-tree")

    # A questionnaire from the built-in template, a campaign for the citizens with its public link.
    page.goto(f"{base}/diagnostic/questionnaires/")
    journey.step(page, "questionnaires")
    page.get_by_label("Modèle", exact=True).select_option("maturity")
    page.get_by_role("button", name="Charger le modèle").click()
    expect(page.get_by_role("heading", name="Autodiagnostic de maturité smart")).to_be_visible()
    journey.step(page, "questionnaire-builder")
    page.get_by_role("link", name="Nouvelle campagne").click()
    page.get_by_label("Intitulé").fill("Votre avis sur la commune numérique")
    page.get_by_role("combobox", name="Public").select_option("citizens")
    journey.step(page, "campaign-form")
    page.get_by_role("button", name="Créer la campagne").click()
    page.get_by_role("button", name="Créer le lien public").click()
    expect(page.get_by_role("img", name="QR code du lien public")).to_be_visible()
    journey.step(page, "campaign")

    # An interview.
    page.goto(f"{base}/diagnostic/entretiens/")
    journey.step(page, "interviews")
    page.get_by_role("link", name="Planifier un entretien").click()
    page.get_by_label("Date et heure").fill("2026-10-05T10:00")
    page.locator("#id_people-0-name").fill("Jeanne Lemaire")
    page.locator("#id_people-0-audience").select_option("college")
    page.locator("#id_people-0-function").fill("Bourgmestre")
    page.get_by_label("Notes").fill("- priorité : **guichet en ligne**\n- pas de stratégie des données")
    journey.step(page, "interview-form")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", name="Jeanne Lemaire")).to_be_visible()
    journey.step(page, "interview")

    # The inventory.
    page.goto(f"{base}/diagnostic/inventaire/")
    journey.step(page, "inventory")
    page.get_by_role("link", name="Ajouter un outil").click()
    page.get_by_label("Nom").fill("Saphir Population")
    page.get_by_label("Fonction").select_option("population")
    journey.step(page, "inventory-system-form")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("status").filter(has_text="Saphir Population")).to_be_visible()
    journey.step(page, "inventory-filled")

    # Two sheets, the default criteria, the scores and the ranking.
    for title in ("Guichet électronique", "Capteurs de parking"):
        page.goto(f"{base}/feuille-de-route/fiches/nouvelle/")
        page.locator('[name="title"]').fill(title)
        if title == "Guichet électronique":
            journey.step(page, "sheet-form")
        page.get_by_role("button", name="Enregistrer").click()
        expect(page.get_by_text("enregistrée")).to_be_visible()
        page.get_by_label("Nouveau statut").select_option("proposed")  # scored only once proposed
        page.get_by_role("button", name="Changer le statut").click()
        expect(page.get_by_text("Proposée").first).to_be_visible()
    journey.step(page, "sheet")
    page.goto(f"{base}/feuille-de-route/criteres/")
    page.get_by_role("button", name="Créer les critères par défaut").click()
    journey.step(page, "criteria")
    page.get_by_role("link", name="Ma grille de cotation").click()
    # locator.all() does not wait: wait for the grid page before listing its fields.
    expect(page.get_by_role("button", name="Soumettre ma cotation")).to_be_visible()
    selects = page.locator("select[name^='value_']").all()
    assert selects, "the scoring grid shows no field"
    for select in selects:
        select.select_option("4")
    journey.step(page, "scoring-grid")
    page.get_by_role("button", name="Soumettre ma cotation").click()
    expect(page.get_by_text("Votre cotation est soumise")).to_be_visible()
    page.goto(f"{base}/feuille-de-route/classement/")
    expect(page.locator("#ranking-table")).to_be_visible()
    journey.step(page, "ranking")

    # The report: the worker renders it, the page polls until the version is ready.
    page.goto(f"{base}/feuille-de-route/rapports/")
    journey.step(page, "reports")
    page.get_by_role("button", name="Générer le rapport").click()
    row = page.locator("#report-versions tbody tr").first
    expect(row).to_have_attribute("data-status", "done", timeout=120_000)
    journey.step(page, "report-ready")
    version = ReportVersion.objects.get(mission=mission)
    assert version.status == ReportStatus.DONE and version.pages > 1
    if celery_worker_journey is not None:  # the worker process did the work, not the live server's thread
        log = "".join(path.read_text() for path in tmp_path.glob("worker-*.log"))
        for task in ("territoire.pst_import_analyse", "roadmap.report_render"):
            assert re.search(rf"Task {task}\[[^]]+\] succeeded", log), f"{task} did not run in the worker"


# --- 2. The citizen, keyboard only, on a phone --------------------------------------------------------------------


@pytest.fixture
def citizens_campaign(transactional_db):
    tenant = make_tenant("Braine-sur-Senne")
    questionnaire, questions = full_questionnaire(tenant.mission)
    campaign = CampaignFactory(
        questionnaire=questionnaire, audience=Audience.CITIZENS, public_token="avis-citoyen", title="Votre avis"
    )
    return campaign, questions


@pytest.fixture
def phones(browser, live_server):
    """``phones(**options)`` opens a phone-sized browser context; all are closed before the live server stops."""
    opened = []

    def open_context(**options):
        opened.append(browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="fr-BE", **options))
        return opened[-1]

    yield open_context
    for context in opened:
        context.close()


def saved(page, question):
    """The last change of ``question`` is saved: no autosave left in flight, and the question says so."""
    page.wait_for_load_state("networkidle")
    expect(page.locator(f"#status-{question.pk}")).to_contain_text("Enregistré")


def test_journey_2_citizen_answers_half_comes_back_and_finishes_with_the_keyboard(
    phones, live_server, citizens_campaign
):
    campaign, q = citizens_campaign
    journey = Journey("2-citizen")
    link = f"{live_server.url}/p/{campaign.public_token}/"
    phone_context = phones()
    phone = phone_context.new_page()
    phone.goto(link)
    journey.step(phone, "public-link")
    tab_to(phone, "button[type=submit]")
    phone.keyboard.press("Enter")
    expect(phone.get_by_text("Section 1 sur 2")).to_be_visible()
    journey.step(phone, "section-1")

    # First section: a text, a radio group (arrows), the likert scale (arrows), checkboxes (Space).
    tab_to(phone, f"[name=q{q['short_text'].pk}]")
    phone.keyboard.type("Habitante du centre")
    tab_to(phone, f"[name=q{q['single'].pk}]")
    phone.keyboard.press("ArrowDown")  # Travaux → Finances
    saved(phone, q["single"])
    tab_to(phone, f"[name=q{q['likert'].pk}]")
    phone.keyboard.press("Space")
    for _ in range(3):
        phone.keyboard.press("ArrowRight")
    saved(phone, q["likert"])
    tab_to(phone, f"[name=q{q['multiple'].pk}]")
    phone.keyboard.press("Space")
    saved(phone, q["multiple"])
    saved(phone, q["short_text"])
    journey.step(phone, "section-1-answered")
    tab_to(phone, "button[value=next]")
    phone.keyboard.press("Enter")
    expect(phone.get_by_text("Section 2 sur 2")).to_be_visible()

    # Second section, half of it: the 0-10 rating, then the citizen closes the browser.
    tab_to(phone, f"[name=q{q['rating'].pk}]")
    phone.keyboard.press("Space")
    for _ in range(7):
        phone.keyboard.press("ArrowRight")
    saved(phone, q["rating"])
    journey.step(phone, "section-2-half")
    state = phone_context.storage_state()  # what the phone keeps when the browser is closed: its cookies
    phone_context.close()

    phone_context = phones(storage_state=state)
    phone = phone_context.new_page()
    phone.goto(link)
    expect(phone.get_by_text("Section 2 sur 2")).to_be_visible()
    expect(phone.locator(f"#q{q['rating'].pk}-7")).to_be_checked()
    journey.step(phone, "back-again")
    tab_to(phone, f"[name=q{q['number'].pk}]")
    phone.keyboard.type("12")
    tab_to(phone, f"[name=q{q['yes_no'].pk}]")
    phone.keyboard.press("Space")
    saved(phone, q["yes_no"])
    choices = list(q["ranking"].choices.all())
    for rank, choice in enumerate(choices, 1):
        tab_to(phone, f"[name=q{q['ranking'].pk}_c{choice.pk}]")
        for _ in range(rank):
            phone.keyboard.press("ArrowDown")
    saved(phone, q["ranking"])
    for row in range(2):
        tab_to(phone, f"[name=q{q['matrix'].pk}_r{row}]")
        phone.keyboard.press("Space")
        phone.keyboard.press("ArrowRight")
    saved(phone, q["matrix"])
    tab_to(phone, f"[name=q{q['long_text'].pk}]")
    phone.keyboard.type("Des bancs à l'ombre sur la place.")
    saved(phone, q["number"])
    journey.step(phone, "section-2-answered")
    tab_to(phone, "button[value=submit]")
    phone.keyboard.press("Enter")
    expect(phone.get_by_role("heading", name="Merci, vos réponses sont bien envoyées.")).to_be_visible()
    journey.step(phone, "thanks")
    phone_context.close()

    response = Response.objects.get(campaign=campaign)
    assert response.submitted_at is not None
    answers = {a.question_id: a for a in Answer.objects.filter(response=response)}
    assert len(answers) == 10
    assert answers[q["short_text"].pk].text == "Habitante du centre"


# --- 3. The Collège ----------------------------------------------------------------------------------------------


@pytest.fixture
def decided(transactional_db):
    from tests.diagnostics.factories_findings import FindingFactory
    from tests.diagnostics.test_results import fill
    from tests.roadmap.factories import CriterionFactory, ProjectSheetFactory, ScoreFactory

    tenant = make_tenant("Hannut")
    questionnaire, q = full_questionnaire(tenant.mission)
    fill(CampaignFactory(questionnaire=questionnaire, audience=Audience.STAFF), q, 6, service="Travaux")
    FindingFactory(mission=tenant.mission, statement="Aucune démarche en ligne", critical=True)
    criteria = [CriterionFactory(mission=tenant.mission, label=label) for label in ("Budget", "Impact")]
    for code, title, values in (("FP-01", "E-guichet", (4, 5)), ("FP-02", "Capteurs de parking", (2, 3))):
        sheet = ProjectSheetFactory(mission=tenant.mission, code=code, title=title)
        for criterion, value in zip(criteria, values, strict=True):
            ScoreFactory(sheet=sheet, criterion=criterion, consultant=tenant.consultant, value=value)
    version = pipeline.request_report(tenant.mission, user=tenant.consultant)  # rendered in-process
    version.refresh_from_db()
    pipeline.deliver_report(version, user=tenant.consultant)
    return tenant


def test_journey_3_college_reads_the_diagnostic_and_ranking_and_downloads_the_report(
    page, live_server, login, decided, tmp_path
):
    tenant = decided
    journey = Journey("3-college")
    login(tenant.college)
    journey.step(page, "dashboard")
    page.get_by_role("link", name=tenant.mission.title).first.click()
    journey.step(page, "mission")
    page.goto(f"{live_server.url}/missions/{tenant.mission.pk}/diagnostic/synthese/")
    radar = page.locator("#s-questionnaires svg[role=img][aria-label*='Technologie']")  # read by its numbers
    expect(radar).to_have_attribute("aria-label", re.compile(r"^Personnel administratif : Technologie \d+"))
    journey.step(page, "diagnostic")
    page.goto(f"{live_server.url}/missions/{tenant.mission.pk}/feuille-de-route/classement/")
    rows = page.locator("#ranking-table tbody th")
    expect(rows.first).to_contain_text("FP-01")
    journey.step(page, "ranking")
    page.goto(f"{live_server.url}/")
    link = page.get_by_role("link", name=re.compile("Télécharger le rapport final"))
    with page.expect_download() as download:
        link.click()
    saved_as = tmp_path / download.value.suggested_filename
    download.value.save_as(saved_as)
    assert saved_as.read_bytes().startswith(b"%PDF-")
    assert len(PdfReader(io.BytesIO(saved_as.read_bytes())).pages) > 1


# --- 4. The commune staff ------------------------------------------------------------------------------------------


@pytest.fixture
def followed(transactional_db):
    import datetime

    from django.utils import timezone

    from tests.projects.factories import FollowedProjectFactory
    from tests.projects.factories_implementation import MilestoneFactory
    from tests.roadmap.factories import ProjectSheetFactory

    tenant = make_tenant("Sambrevaux")
    today = timezone.localdate()
    project = FollowedProjectFactory(
        sheet=ProjectSheetFactory(mission=tenant.mission, status="retained", title="E-guichet"),
        consultant=tenant.consultant,
        phase="execution",
    )
    for label, baseline, done in (
        ("Attribution du marché", -40, -38),
        ("Formulaires en ligne", -5, None),
        ("Mise en ligne", 30, None),
    ):
        MilestoneFactory(
            project=project,
            label=label,
            baseline_date=today + datetime.timedelta(days=baseline),
            done_date=today + datetime.timedelta(days=done) if done is not None else None,
        )
    return tenant, project


def test_journey_4_staff_follows_the_milestones_of_a_project(page, live_server, login, followed):
    tenant, project = followed
    journey = Journey("4-staff")
    login(tenant.staff)
    journey.step(page, "dashboard")
    page.get_by_role("link", name=tenant.mission.title).first.click()
    journey.step(page, "mission")
    page.get_by_role("navigation", name="Étapes de la mission").get_by_role("link", name="Projets").click()
    journey.step(page, "projects")
    page.get_by_role("link", name="E-guichet").first.click()
    journey.step(page, "project")
    page.get_by_role("link", name="Jalons", exact=True).click()
    rows = page.locator("table tbody tr")
    expect(rows.filter(has_text="Attribution du marché")).to_contain_text("Atteint")
    expect(rows.filter(has_text="Formulaires en ligne")).to_contain_text("En retard de 5 jours")
    expect(rows.filter(has_text="Mise en ligne")).to_contain_text("À venir")
    journey.step(page, "milestones")
    # Following is reading: outside the project's team, a staff member has no form to change a milestone.
    expect(page.get_by_role("button", name=re.compile("Enregistrer|Ajouter"))).to_have_count(0)
