"""Browser journey of the diagnostic's fieldwork on the demo data: inventory, interviews, a workshop
run live with a participant's phone."""

import io

import pytest
from playwright.sync_api import expect

from diagnostics.demo import fieldwork as demo_fieldwork
from territoire import demo as territoire_demo


@pytest.fixture
def demo(transactional_db):
    ctx = territoire_demo.DemoContext(size="small", stdout=io.StringIO())
    territoire_demo.seed(ctx)
    demo_fieldwork.seed(ctx)
    return ctx


def test_consultant_fills_the_inventory_and_sees_alerts_and_diagram(
    page, live_server, login, screenshot, assert_accessible, demo
):
    mission = demo.missions["61099"]
    login(demo.users["claire.dubois"], password=territoire_demo.DEMO_PASSWORD)
    page.goto(f"{live_server.url}/missions/{mission.pk}/diagnostic/")
    expect(page.get_by_role("heading", name="Inventaire des outils numériques")).to_be_visible()
    screenshot("fieldwork-hub")
    page.get_by_role("link", name="Ouvrir l'inventaire").click()
    expect(page.get_by_role("heading", name="Alertes")).to_be_visible()
    expect(page.get_by_role("img", name="Schéma des outils numériques et des flux de données")).to_be_visible()
    assert_accessible()
    screenshot("inventory")

    page.get_by_role("link", name="Ajouter un outil").click()
    page.get_by_label("Nom").fill("saphir population")
    page.get_by_label("Fonction").select_option("population")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Un outil nommé « saphir population » existe déjà")).to_be_visible()
    screenshot("inventory-system-form")
    page.get_by_label("Nom").fill("Registre des cimetières")
    page.get_by_label("Fonction").select_option("other")
    page.get_by_label("Fin du contrat").fill("2027-03-31")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("status").filter(has_text="Registre des cimetières")).to_be_visible()
    expect(page.get_by_text("Registre des cimetières n'échange aucune donnée")).to_be_visible()

    page.get_by_role("link", name="Ajouter un flux").click()
    page.get_by_label("Depuis").select_option(label="Saphir Population")
    page.get_by_label("Vers").select_option(label="Saphir Population")
    page.get_by_label("Données échangées").fill("Décès")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("un outil ne s'envoie pas de données à lui-même")).to_be_visible()
    page.get_by_label("Vers").select_option(label="Registre des cimetières")
    page.get_by_role("button", name="Enregistrer").click()
    expect(
        page.get_by_text("« Décès » est réencodé à la main de Saphir Population vers Registre des cimetières.")
    ).to_be_visible()
    expect(page.get_by_text("Registre des cimetières n'échange aucune donnée")).to_have_count(0)


def test_consultant_plans_an_interview_and_follows_progress(
    page, live_server, login, screenshot, assert_accessible, demo
):
    mission = demo.missions["61099"]
    login(demo.users["claire.dubois"], password=territoire_demo.DEMO_PASSWORD)
    page.goto(f"{live_server.url}/missions/{mission.pk}/diagnostic/entretiens/")
    expect(page.get_by_text("7 / 10 entretiens réalisés")).to_be_visible()
    expect(page.get_by_role("heading", name="Pas encore rencontrés")).to_be_visible()
    assert_accessible()
    screenshot("interviews")
    page.get_by_role("link", name="Planifier un entretien").click()
    page.get_by_label("Date et heure").fill("2026-12-04T10:00")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Un entretien réunit au moins une personne")).to_be_visible()
    assert_accessible()
    screenshot("interview-form")
    page.locator("#id_people-0-name").fill("Jeanne Lemaire")
    page.locator("#id_people-0-audience").select_option("civil_society")
    page.locator("#id_people-0-function").fill("Présidente du club de marche")
    page.get_by_label("Notes").fill("# À creuser\n- **sentiers** balisés\n- <b>pas de HTML</b>")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", name="Jeanne Lemaire")).to_be_visible()
    expect(page.locator(".interview-notes strong")).to_have_text("sentiers")
    expect(page.get_by_role("heading", name="Questions du guide")).to_be_visible()  # the built-in guide by default
    expect(page.get_by_text("<b>pas de HTML</b>")).to_be_visible()
    assert_accessible()
    screenshot("interview-detail")

    page.get_by_role("link", name="Entretiens", exact=True).click()
    page.get_by_role("link", name="Guides d'entretien").click()
    page.get_by_role("link", name="Guide d'entretien territoire intelligent").click()
    expect(page.get_by_role("heading", name="Société civile")).to_be_visible()
    assert_accessible()
    screenshot("interview-guide")
    page.goto(f"{live_server.url}/missions/{mission.pk}/diagnostic/initiatives/")
    expect(page.get_by_role("heading", name="Budget participatif de quartier")).to_be_visible()
    assert_accessible()
    screenshot("initiatives")


def test_workshop_run_live_with_a_participant_phone(page, live_server, login, screenshot, browser, demo, request):
    mission = demo.missions["92999"]
    login(demo.users["claire.dubois"], password=territoire_demo.DEMO_PASSWORD)
    page.goto(f"{live_server.url}/missions/{mission.pk}/diagnostic/ateliers/")
    page.get_by_role("link", name="Nouvel atelier").click()
    page.get_by_label("Intitulé").fill("Atelier citoyen du jeudi")
    page.get_by_label("Date et heure").fill("2026-12-10T12:00")
    page.get_by_label("Votes par participant").fill("2")
    page.get_by_role("button", name="Enregistrer").click()
    public_url = page.get_by_role("textbox", name="Lien des participants").input_value()

    phone_context = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-BE")
    request.addfinalizer(phone_context.close)  # before the live server stops: no request left in flight
    phone = phone_context.new_page()
    phone.goto(public_url)
    phone.get_by_label("Votre défi").fill("Des bancs à l'ombre sur la place")
    phone.get_by_role("button", name="Ajouter ma carte").click()
    expect(phone.get_by_text("Merci ! Votre carte est ajoutée.")).to_be_visible()

    page.get_by_label("Votre défi").fill("Un parking vélo couvert à la gare")
    page.get_by_role("button", name="Ajouter la carte").click()
    page.get_by_role("button", name="Passer à la phase suivante").click()
    expect(page.get_by_text("L'atelier est en phase « Redistribution et vote ».")).to_be_visible()

    phone.reload()
    phone.get_by_role("button", name="Voter").first.click()
    expect(phone.get_by_text("Il vous reste 1 vote.")).to_be_visible()
    screenshot("workshop-phone", target=phone)

    page.get_by_role("button", name="Passer à la phase suivante").click()
    page.get_by_role("button", name="Retenir les 5 défis les plus votés").click()
    expect(page.get_by_text("Les 2 défis les plus votés sont retenus.")).to_be_visible()
    page.get_by_role("button", name="Passer à la phase suivante").click()
    screenshot("workshop-facilitator")

    phone.reload()
    expect(phone.get_by_role("heading", name="Merci ! Les défis retenus")).to_be_visible()
    phone_context.close()
