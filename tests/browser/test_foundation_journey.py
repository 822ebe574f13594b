import re

import pytest
from playwright.sync_api import expect

from territoire.models import Role
from tests.conftest import make_tenant
from tests.factories import MembershipFactory


@pytest.fixture
def world(transactional_db):
    a, b = make_tenant("Val-d'Ourthe"), make_tenant("Sambrevaux")
    MembershipFactory(user=a.consultant, commune=b.commune, role=Role.CONSULTANT)
    return a, b


def test_consultant_logs_in_sees_communes_and_changes_phase(
    page, live_server, login, screenshot, assert_accessible, world
):
    a, b = world
    page.goto(f"{live_server.url}/compte/connexion/")
    assert_accessible()
    login(a.consultant)
    assert_accessible()
    expect(page.get_by_role("heading", name="Mes communes")).to_be_visible()
    expect(page.get_by_role("heading", name="Val-d'Ourthe")).to_be_visible()
    expect(page.get_by_role("heading", name="Sambrevaux")).to_be_visible()
    screenshot("dashboard-consultant")

    page.get_by_role("link", name=a.mission.title).first.click()
    expect(page.get_by_role("navigation", name="Étapes de la mission")).to_be_visible()
    page.get_by_role("combobox", name="Phase").select_option("roadmap")
    page.get_by_role("button", name="Enregistrer la phase").click()
    expect(page.get_by_role("status").filter(has_text="Feuille de route")).to_be_visible()
    assert_accessible()
    screenshot("mission-consultant")
    page.get_by_role("link", name="Modifier la mission").click()
    assert_accessible()
    screenshot("mission-edit")


def test_staff_sees_only_their_commune_and_cannot_manage(page, live_server, login, screenshot, world):
    a, b = world
    login(a.staff)
    expect(page.get_by_role("heading", name="Val-d'Ourthe")).to_be_visible()
    expect(page.get_by_text("Sambrevaux")).to_have_count(0)
    page.get_by_role("link", name=a.mission.title).click()
    expect(page.get_by_role("link", name="Modifier la mission")).to_have_count(0)
    screenshot("mission-staff")
    page.goto(f"{live_server.url}/missions/{b.mission.pk}/")
    expect(page.get_by_role("heading", name="Page introuvable")).to_be_visible()


def test_wrong_password_then_right_one(page, live_server, login, world):
    a, _ = world
    login(a.college, password="faux")
    expect(page.get_by_text(re.compile("Saisissez un nom d’utilisateur et un mot de passe valides"))).to_be_visible()
    login(a.college)
    expect(page.get_by_role("heading", name="Mes communes")).to_be_visible()
