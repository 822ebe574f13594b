"""Browser journey of the final report: a consultant generates a version and watches it turn ready, downloads it
and hands it to the Collège; a Collège member downloads it in one click from the dashboard."""

import pytest
from playwright.sync_api import expect

from roadmap.models import ReportVersion
from roadmap.report import pipeline
from tests.conftest import make_tenant


@pytest.fixture
def world(transactional_db, monkeypatch):
    # The worker is played by the test: the version stays queued until the test renders it, as when the PDF
    # worker is busy, so the page's polling is what shows it turning ready.
    queued = []
    monkeypatch.setattr(pipeline, "_enqueue", queued.append)
    return make_tenant("Hannut"), queued


def test_consultant_generates_watches_and_delivers_then_the_college_downloads(
    page, live_server, login, screenshot, assert_accessible, world, tmp_path
):
    tenant, queued = world
    login(tenant.consultant)
    page.goto(f"{live_server.url}/missions/{tenant.mission.pk}/feuille-de-route/rapports/")
    expect(page.get_by_text("Aucune version du rapport n'a encore été générée.")).to_be_visible()
    page.get_by_role("button", name="Générer le rapport").click()
    expect(page.get_by_text("La version 1 du rapport est en préparation")).to_be_visible()
    row = page.locator("#report-versions tbody tr").first
    expect(row).to_have_attribute("data-status", "queued")
    expect(row).to_contain_text("En file d'attente")
    assert_accessible()
    screenshot("report-queued")

    (version_id,) = queued
    pipeline.render_version(version_id)  # the worker's turn
    row = page.locator("#report-versions tbody tr").first
    expect(row).to_have_attribute("data-status", "done", timeout=10_000)
    expect(row).to_contain_text("Prêt")
    version = ReportVersion.objects.get(pk=version_id)
    expect(row).to_contain_text(version.sha256[:12])
    screenshot("report-done")

    with page.expect_download() as download:
        row.get_by_role("link", name="Télécharger").click()
    assert download.value.suggested_filename == "Rapport-Hannut-v1.pdf"
    saved = tmp_path / "consultant.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF-")

    row.get_by_role("button", name="Marquer comme remis au Collège").click()
    expect(page.get_by_text("La version 1 est marquée comme remise au Collège.")).to_be_visible()
    expect(page.get_by_role("heading", name="Version 1, remise au Collège")).to_be_visible()
    assert_accessible()
    screenshot("report-delivered")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot("report-delivered-390")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # the table scrolls, not the page
    page.set_viewport_size({"width": 1280, "height": 900})

    page.context.clear_cookies()
    login(tenant.college)
    link = page.get_by_role("link", name="Télécharger le rapport final (version 1, PDF")
    expect(link).to_be_visible()
    assert_accessible()
    screenshot("report-dashboard-college")
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "Rapport-Hannut-v1.pdf"
    saved = tmp_path / "college.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes() == (tmp_path / "consultant.pdf").read_bytes()
