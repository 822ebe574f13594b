"""A consultant imports the commune's PST, confirms, browses the tree and tags an action."""

import pytest
from playwright.sync_api import expect

from tests.conftest import FIXTURES, make_tenant

SAMPLES = FIXTURES / "samples"


@pytest.fixture
def tenant(transactional_db):
    return make_tenant("Val-d'Ourthe")


def test_consultant_imports_browses_and_tags_the_pst(page, live_server, login, screenshot, assert_accessible, tenant):
    login(tenant.consultant)
    page.goto(f"{live_server.url}/missions/{tenant.mission.pk}/pst/")
    expect(page.get_by_role("heading", name="Programme stratégique transversal")).to_be_visible()
    page.get_by_role("link", name="Importer un PST").click()
    page.get_by_label("Fichier du PST").set_input_files(str(SAMPLES / "pst_une_ligne_par_action.csv"))
    screenshot("pst-import-form")
    page.get_by_role("button", name="Voir l'aperçu").click()
    expect(page.get_by_role("heading", name="Aperçu de l'import")).to_be_visible()
    expect(page.get_by_text("5 / 10 / 28")).to_be_visible()
    screenshot("pst-preview")

    page.get_by_role("button", name="Confirmer l'import").click()
    expect(page.get_by_role("status").filter(has_text="PST importé : 43 éléments créés")).to_be_visible()
    expect(page.get_by_text("5 OS, 10 OO, 28 actions")).to_be_visible()
    page.wait_for_load_state("load")
    page.get_by_role("button", name="Tout déplier").click()
    expect(page.get_by_role("link", name="Installer des radars préventifs connectés")).to_be_visible()
    screenshot("pst-tree")

    page.get_by_label("État").select_option("waiting")
    expect(page.get_by_text("actions correspondent aux filtres")).to_be_visible()
    screenshot("pst-tree-filtered")
    page.get_by_role("link", name="Installer des radars préventifs connectés").click()
    expect(page.get_by_role("heading", name="Installer des radars préventifs connectés")).to_be_visible()
    page.get_by_label("Mobilité").check()
    page.get_by_label("Technologie").check()
    page.get_by_role("button", name="Enregistrer les thèmes").click()
    expect(page.get_by_text("Enregistré.")).to_be_visible()
    screenshot("pst-action")

    page.get_by_role("link", name="2024-2030").click()
    themes = page.get_by_role("region", name="Éléments par thème")
    expect(themes.get_by_text("Mobilité")).to_be_visible()
    screenshot("pst-tree-tagged")

    # Tagging from the tree: the objective's control opens its themes in place, saving updates its badges.
    page.get_by_role("button", name="Tout déplier").click()
    page.get_by_role("button", name="Thèmes de OO.1.1", exact=True).click()
    editor = page.get_by_role("form", name="Thèmes de OO.1.1")
    expect(editor).to_be_visible()
    editor.get_by_label("Énergie").check()
    editor.get_by_label("Gouvernance").check()
    assert_accessible()
    screenshot("pst-tree-tag-editor")
    editor.get_by_role("button", name="Enregistrer").click()
    expect(editor).to_be_hidden()
    badges = page.locator("summary").filter(has_text="OO.1.1").locator(".pst-tags")
    expect(badges).to_contain_text("Énergie")
    expect(badges).to_contain_text("Gouvernance")
    expect(page.get_by_role("button", name="Thèmes de OO.1.1", exact=True)).to_be_focused()
    assert_accessible()
    screenshot("pst-tree-tagged-inline")
    # An action's row: its control, put there by pst.js, opens the action's themes; « Annuler » closes them.
    row = page.get_by_role("listitem").filter(
        has=page.get_by_role("link", name="Installer des radars préventifs connectés")
    )
    row.get_by_role("button", name="Thèmes de ").click()
    editor = row.get_by_role("form")
    editor.get_by_role("button", name="Annuler").click()
    expect(editor).to_be_hidden()
    row.get_by_role("button", name="Thèmes de ").click()
    editor.get_by_label("Énergie").check()
    editor.get_by_role("button", name="Enregistrer").click()
    expect(row.locator(".pst-tags")).to_contain_text("Énergie")
    expect(row.get_by_role("button", name="Thèmes de ")).to_be_focused()
    screenshot("pst-tree-action-tagged")
    page.reload()
    page.get_by_role("button", name="Tout déplier").click()
    expect(page.locator("summary").filter(has_text="OO.1.1").locator(".pst-tags")).to_contain_text("Énergie")
    expect(row.locator(".pst-tags")).to_contain_text("Mobilité")
    expect(row.locator(".pst-tags")).to_contain_text("Énergie")


def test_every_row_of_the_tree_gets_a_themes_control_named_after_it(page, live_server, login, tenant):
    """The page holds the control once; pst.js puts one in each row, named by the code, else the title."""
    from tests.territoire.factories import pst_tree

    pst, os_node, oos, actions = pst_tree(tenant.commune)
    actions[0].code = ""
    actions[0].save(update_fields=["code"])
    actions[0].tags.create(kind="theme", value="mobility")  # its badge is no part of its name
    login(tenant.consultant)
    page.goto(f"{live_server.url}/missions/{tenant.mission.pk}/pst/{pst.pk}/")
    page.get_by_role("button", name="Tout déplier").click()
    expect(page.get_by_role("button", name="Thèmes de ")).to_have_count(1 + 2 + 4)
    for name in ("OS.1", "OO.1.2", "A.1.1.2", "Action 1.1"):
        expect(page.get_by_role("button", name=f"Thèmes de {name}", exact=True)).to_be_visible()
    page.get_by_role("button", name="Thèmes de Action 1.1", exact=True).click()
    editor = page.get_by_role("form", name="Thèmes de Action 1.1")
    editor.get_by_role("button", name="Annuler").click()
    expect(page.get_by_role("button", name="Thèmes de Action 1.1", exact=True)).to_be_focused()


def test_college_reads_the_pst_without_import_or_tagging(page, live_server, login, screenshot, tenant):
    from django.core.management import call_command

    tenant.commune.code = "61099"
    tenant.commune.save(update_fields=["code"])
    call_command("pst_import", "--commune", "61099", str(SAMPLES / "pst_ecomptes.xml"), "--legislature", "2024-2030")
    login(tenant.college)
    page.goto(f"{live_server.url}/missions/{tenant.mission.pk}/diagnostic/")
    expect(page.get_by_role("link", name="Parcourir le PST")).to_be_visible()
    screenshot("pst-hub-card")
    page.goto(f"{live_server.url}/missions/{tenant.mission.pk}/pst/")
    screenshot("pst-index")
    expect(page.get_by_role("link", name="Importer un PST")).to_have_count(0)
    page.get_by_role("link", name="PST 2024-2030 Exempleville").click()
    page.wait_for_load_state("load")
    page.get_by_role("button", name="Tout déplier").click()
    screenshot("pst-tree-college")
    page.get_by_role("link", name="Installer des parkings vélos sécurisés aux écoles").click()
    expect(page.get_by_text("421/731-60")).to_be_visible()
    expect(page.get_by_role("button", name="Enregistrer les thèmes")).to_have_count(0)
    screenshot("pst-action-college")


def test_a_faulty_file_is_explained_row_by_row(page, live_server, login, screenshot, tenant, tmp_path):
    from tests.territoire.pst_files import action_rows, csv_bytes

    rows = action_rows(n_os=1, n_oo=2, n_actions=2)
    rows[1][5] = rows[0][5]
    rows[2][10] = "beaucoup"
    path = tmp_path / "pst_fautif.csv"
    path.write_bytes(csv_bytes(rows))
    login(tenant.staff)
    page.goto(f"{live_server.url}/missions/{tenant.mission.pk}/pst/importer/")
    page.get_by_label("Fichier du PST").set_input_files(str(path))
    page.get_by_role("button", name="Voir l'aperçu").click()
    errors = page.get_by_role("region", name="Lignes en erreur")
    expect(errors.get_by_text("désigne déjà « Action 1.1.1 »")).to_be_visible()
    expect(errors.get_by_text("« beaucoup » n'est pas un montant")).to_be_visible()
    expect(page.get_by_role("button", name="Confirmer l'import")).to_have_count(0)
    screenshot("pst-preview-refused")


def test_preview_appears_by_itself_once_the_task_has_read_the_file(page, live_server, login, screenshot, tenant):
    from django.core.files.base import ContentFile

    from territoire import services
    from tests.territoire.pst_files import action_rows, csv_bytes

    # Stored but not read yet, as when the worker has not picked the task up.
    pst_import = services.pst_import_create(
        commune=tenant.commune,
        file=ContentFile(csv_bytes(action_rows()), name="pst.csv"),
        by=tenant.consultant,
        start_year=2024,
        end_year=2030,
    )
    login(tenant.consultant)
    page.goto(f"{live_server.url}/missions/{tenant.mission.pk}/pst/imports/{pst_import.pk}/")
    expect(page.get_by_role("status").filter(has_text="Analyse du fichier en cours")).to_be_visible()
    screenshot("pst-preview-analysing")
    services.pst_import_analyse(import_id=pst_import.pk)
    expect(page.get_by_role("button", name="Confirmer l'import")).to_be_visible(timeout=10_000)
    expect(page.get_by_text("2 / 4 / 12")).to_be_visible()


def test_reimport_shows_codes_that_now_mean_something_else_and_drops_their_tags(
    page, live_server, login, screenshot, tenant, tmp_path
):
    from territoire.models import PSTNode, PSTNodeTag
    from tests.territoire.pst_files import action_rows, csv_bytes

    rows = action_rows()
    first, second = tmp_path / "pst.csv", tmp_path / "pst_corrige.csv"
    first.write_bytes(csv_bytes(rows))
    rows[0][6] = "Créer un guichet en ligne"
    rows[1][6] = "Rénover la piscine communale"
    second.write_bytes(csv_bytes(rows))
    login(tenant.consultant)
    for path in (first, second):
        page.goto(f"{live_server.url}/missions/{tenant.mission.pk}/pst/importer/")
        page.get_by_label("Fichier du PST").set_input_files(str(path))
        page.get_by_role("button", name="Voir l'aperçu").click()
        if path == first:
            page.get_by_role("button", name="Confirmer l'import").click()
            expect(page.get_by_role("status").filter(has_text="PST importé")).to_be_visible()
            for code in ("A.1.1.1", "A.1.1.2"):
                PSTNodeTag.objects.create(node=PSTNode.objects.get(code=code), kind="theme", value="mobility")
    warning = page.get_by_role("alert").filter(has_text="2 codes désignent maintenant autre chose")
    expect(warning.get_by_text("Créer un guichet en ligne")).to_be_visible()
    screenshot("pst-reimport-flagged")
    warning.get_by_label("Ne pas reporter", exact=True).check()
    expect(warning.get_by_label("Ne pas reporter les thèmes et liens de A.1.1.2")).to_be_checked()
    page.get_by_role("button", name="Confirmer l'import").click()
    expect(page.get_by_role("status").filter(has_text="2 mis à jour")).to_be_visible()
    assert not PSTNodeTag.objects.exists()
    assert PSTNode.objects.get(code="A.1.1.1").title == "Créer un guichet en ligne"


def test_an_export_page_follows_the_job_until_the_file_is_ready(page, live_server, login, screenshot, tenant):
    """The job page polls with htmx: the worker finishing shows the download without a reload."""
    from territoire import exports
    from territoire.models import ExportJob, ExportStatus
    from tests.territoire.factories import pst_tree

    pst, *_ = pst_tree(tenant.commune)
    login(tenant.staff)
    page.goto(f"{live_server.url}/missions/{tenant.mission.pk}/pst/{pst.pk}/")
    page.get_by_role("button", name="CSV").click()
    expect(page.get_by_text("Votre fichier est prêt.")).to_be_visible()  # tasks run in-process here
    job = ExportJob.objects.get()
    job.status, job.file, job.filename = ExportStatus.PENDING, "", ""
    job.save(update_fields=["status", "file", "filename"])
    page.reload()
    expect(page.get_by_text("L'export attend son tour…")).to_be_visible()
    screenshot("export-pending")
    exports.export_job_run(job_id=job.pk)  # as the worker would
    expect(page.get_by_text("Votre fichier est prêt.")).to_be_visible(timeout=10_000)
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger pst-val-dourthe-2024-2030.csv").click()
    assert download.value.suggested_filename == "pst-val-dourthe-2024-2030.csv"
    screenshot("export-ready")
