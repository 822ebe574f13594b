"""Questionnaires in a real browser: build from the template, fill with autosave and resume, read results."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from diagnostics.models import Answer, Audience, Invitation, Response
from tests.conftest import make_tenant
from tests.diagnostics.factories import CampaignFactory, InvitationFactory, full_questionnaire
from tests.diagnostics.test_results import fill


@pytest.fixture
def tenant(transactional_db):
    return make_tenant("Val-d'Ourthe")


def test_consultant_builds_from_template_and_opens_a_campaign(page, live_server, login, screenshot, tenant):
    login(tenant.consultant)
    page.goto(f"{live_server.url}/missions/{tenant.mission.pk}/diagnostic/questionnaires/")
    page.get_by_label("Modèle", exact=True).select_option("maturity")
    page.get_by_role("button", name="Charger le modèle").click()
    expect(page.get_by_role("heading", name="Autodiagnostic de maturité smart")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("Gouvernance et stratégie"))).to_be_visible()

    # Add a question with htmx, then move it up with the arrow button.
    first_section = page.locator("#builder section").first
    first_section.get_by_label("Type").select_option("yes_no")
    first_section.get_by_label("Nouvelle question").fill("La commune a-t-elle un plan numérique ?")
    first_section.get_by_role("button", name="Ajouter", exact=True).click()
    added = page.locator(".builder-question", has_text="La commune a-t-elle un plan numérique ?")
    expect(added).to_be_visible()
    items = first_section.locator(".builder-question")
    count = items.count()
    added.get_by_role("button", name=re.compile("Monter la question")).click()
    expect(items.nth(count - 2)).to_contain_text("plan numérique")
    # Drag the first question below the second one by its handle.
    first_text = items.nth(0).locator(".fw-semibold").inner_text()
    items.nth(0).scroll_into_view_if_needed()
    handle = items.nth(0).locator(".drag-handle").bounding_box()
    target = items.nth(1).bounding_box()
    page.mouse.move(handle["x"] + 4, handle["y"] + 4)
    page.mouse.down()
    page.mouse.move(target["x"] + 30, target["y"] + target["height"] - 5, steps=12)
    page.mouse.up()
    expect(items.nth(1)).to_contain_text(first_text.strip(" *"))
    page.wait_for_timeout(500)  # the new order is posted after the drop
    page.reload()
    expect(page.locator("#builder section").first.locator(".builder-question").nth(1)).to_contain_text(
        first_text.strip(" *")
    )
    screenshot("questionnaire-builder")

    page.get_by_role("link", name="Aperçu").click()
    expect(page.get_by_text("Aperçu : le questionnaire tel que le voient les répondants")).to_be_visible()
    screenshot("questionnaire-preview")
    page.get_by_role("link", name="Retour à l'édition").click()

    page.get_by_role("link", name="Nouvelle campagne").click()
    page.get_by_label("Intitulé").fill("Autodiagnostic du personnel")
    page.get_by_role("combobox", name="Public").select_option("staff")
    page.get_by_role("button", name="Créer la campagne").click()
    expect(page.get_by_role("heading", name="Autodiagnostic du personnel")).to_be_visible()
    page.get_by_label("Adresses à inviter").fill("marie@example.org; Marie Dupont; Travaux\njean@example.org")
    page.get_by_role("button", name="Envoyer les invitations").click()
    expect(page.get_by_text("2 invitations envoyées.")).to_be_visible()
    assert Invitation.objects.filter(sent_at__isnull=False).count() == 2
    assert len(mail.outbox) == 2
    screenshot("questionnaire-campaign")


def test_respondent_fills_leaves_resumes_elsewhere_and_submits(browser, page, live_server, screenshot, tenant):
    questionnaire, q = full_questionnaire(tenant.mission)
    campaign = CampaignFactory(questionnaire=questionnaire, audience=Audience.STAFF, intro="Merci pour votre aide.")
    invitation = InvitationFactory(campaign=campaign, name="Marie")
    link = f"{live_server.url}/r/{invitation.token}/"
    page.goto(link)
    expect(page.get_by_role("heading", name="Première section")).to_be_visible()
    expect(page.get_by_text("Section 1 sur 2")).to_be_visible()

    page.get_by_label("Votre fonction ?").fill("Cheffe de service")
    expect(page.locator(f"#status-{q['short_text'].pk}")).to_contain_text("Enregistré")
    page.locator(f"label[for='q{q['likert'].pk}-4']").click()
    expect(page.locator(f"#status-{q['likert'].pk}")).to_contain_text("Enregistré")
    page.get_by_role("radio", name="Autre").check()
    page.locator(f"input[name='q{q['single'].pk}_other']").fill("Culture")
    expect(page.locator(f"#status-{q['single'].pk}")).to_contain_text("Enregistré")
    screenshot("questionnaire-fill")

    # Another device: same link, the answers are there.
    other = browser.new_context(locale="fr-BE", viewport={"width": 390, "height": 844})
    phone = other.new_page()
    phone.goto(link)
    expect(phone.get_by_label("Votre fonction ?")).to_have_value("Cheffe de service")
    expect(phone.locator(f"#q{q['likert'].pk}-4")).to_be_checked()
    phone.get_by_role("button", name="Suivant").click()
    expect(phone.get_by_text("Section 2 sur 2")).to_be_visible()
    phone.get_by_label("Heures de formation ?").fill("900")
    expect(phone.locator(f"#status-{q['number'].pk}")).to_contain_text("au plus 500")
    phone.get_by_label("Heures de formation ?").fill("12,5")
    expect(phone.locator(f"#status-{q['number'].pk}")).to_contain_text("Enregistré")
    with phone.expect_response(lambda r: "/q/" in r.url):  # leaving the field saves it once more
        phone.get_by_label("Heures de formation ?").press("Tab")
    screenshot("questionnaire-fill-phone", target=phone)
    # Two quick taps: the second one does nothing (the button is disabled while the first is sent).
    phone.get_by_role("button", name="Envoyer mes réponses").dblclick()
    expect(phone.get_by_role("heading", name="Merci, vos réponses sont bien envoyées.")).to_be_visible()
    other.close()

    response = Response.objects.get(invitation=invitation)
    assert response.submitted_at is not None
    assert Answer.objects.filter(response=response).count() == 4
    # The first tab is still open: its next autosave is refused with a message, nothing changes.
    page.get_by_label("Votre fonction ?").fill("Directrice")
    expect(page.locator(f"#status-{q['short_text'].pk}")).to_contain_text("déjà été envoyées")
    assert Answer.objects.get(response=response, question=q["short_text"]).text == "Cheffe de service"


def test_consultant_reads_results_with_comparison_and_radar(page, live_server, login, screenshot, tenant):
    questionnaire, q = full_questionnaire(tenant.mission)
    staff = CampaignFactory(questionnaire=questionnaire, audience=Audience.STAFF, title="Personnel")
    college = CampaignFactory(questionnaire=questionnaire, audience=Audience.COLLEGE, title="Collège")
    InvitationFactory.create_batch(12, campaign=staff)
    fill(staff, q, 9, service="Travaux")
    fill(college, q, 5, seed=4)
    login(tenant.consultant)
    page.goto(
        f"{live_server.url}/missions/{tenant.mission.pk}/diagnostic/questionnaires/{questionnaire.pk}/resultats/"
    )
    expect(page.get_by_role("heading", name="Maturité smart")).to_be_visible()
    expect(page.get_by_role("heading", name="Comparaison des publics")).to_be_visible()
    expect(page.locator(".chart-radar svg").first).to_be_visible()
    expect(page.get_by_text("75 %").first).to_be_visible()
    # The first section is drawn; the next one is loaded (htmx) when the reader opens it.
    second = page.locator("details.results-section").nth(1)
    expect(second.locator(".question-result")).to_have_count(0)
    second.locator("summary").click()
    expect(second.locator(".question-result svg").first).to_be_visible()
    screenshot("questionnaire-results")
    page.get_by_label("Public", exact=True).select_option("college")
    page.get_by_role("button", name="Filtrer").click()
    expect(page.get_by_role("heading", name="Comparaison des publics")).to_have_count(0)
    page.get_by_role("button", name="Exporter (XLSX)").click()
    expect(page.get_by_text("Votre fichier est prêt.")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Télécharger")).click()
    assert download.value.suggested_filename.endswith(".xlsx")


def test_an_autosave_lost_on_the_way_is_sent_again_until_stored(page, live_server, screenshot, tenant):
    """The server restarting (no answer) then failing once (500): the page says so and sends the answer again."""
    questionnaire, q = full_questionnaire(tenant.mission)
    campaign = CampaignFactory(questionnaire=questionnaire, audience=Audience.STAFF)
    invitation = InvitationFactory(campaign=campaign)
    likert = q["likert"].pk
    lost = []

    def flaky(route):
        if len(lost) == 0:
            lost.append("no answer")
            route.abort()
        elif len(lost) == 1:
            lost.append("500")
            route.fulfill(status=500, body="<p>Erreur</p>")
        else:
            route.continue_()

    page.goto(f"{live_server.url}/r/{invitation.token}/")
    page.route(f"**/r/{invitation.token}/q/{likert}/", flaky)
    page.locator(f"label[for='q{likert}-4']").click()
    status = page.locator(f"#status-{likert}")
    expect(status).to_contain_text("votre réponse est renvoyée automatiquement")
    screenshot("autosave-renvoi")
    expect(status).to_contain_text("Enregistré", timeout=15_000)  # after 2 s, then 4 s
    assert lost == ["no answer", "500"]
    assert Answer.objects.get(question_id=likert).value == 4


def test_autosave_over_the_rate_limit_says_to_retry_and_keeps_the_answer(page, live_server, settings, tenant):
    settings.RATELIMIT_RATES = {**settings.RATELIMIT_RATES, "autosave": "1/m"}
    questionnaire, q = full_questionnaire(tenant.mission)
    campaign = CampaignFactory(questionnaire=questionnaire, audience=Audience.STAFF)
    invitation = InvitationFactory(campaign=campaign)
    page.goto(f"{live_server.url}/r/{invitation.token}/")
    page.get_by_label("Votre fonction ?").fill("Cheffe de service")
    expect(page.locator(f"#status-{q['short_text'].pk}")).to_contain_text("Enregistré")
    page.locator(f"label[for='q{q['likert'].pk}-4']").click()
    status = page.locator(f"#status-{q['likert'].pk}")
    expect(status).to_contain_text("Enregistrement impossible pour l'instant, réessayez dans une minute.")
    expect(page.locator(f"#q{q['likert'].pk}-4")).to_be_checked()
    assert not Answer.objects.filter(question=q["likert"]).exists()
