"""Uploading a PST: preview, mapping, confirmation, re-import, history — and every bad input."""

import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

from territoire.models import PST, NodeLevel, PSTBudgetLine, PSTImport, PSTNode, PSTNodeLink, PSTNodeTag
from tests.territoire.pst_files import (
    HEADER,
    SAMPLES,
    action_rows,
    csv_bytes,
    ods_bytes,
    tree_xlsx,
    xlsx_bytes,
)

EXPECTED = json.loads((SAMPLES / "expected.json").read_text())


def upload(client, tenant, content: bytes, name="pst.csv", legislature="2024-2030", entity="commune"):
    """Upload, then let the analysis task run (it is enqueued when the upload's transaction commits)."""
    url = reverse("territoire:pst-import", args=[tenant.mission.pk])
    file = SimpleUploadedFile(name, content)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(url, {"file": file, "legislature": legislature, "entity": entity})
    return response


def remap(client, tenant, pst_import, columns: dict):
    url = reverse("territoire:pst-import-preview", args=[tenant.mission.pk, pst_import.pk])
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(url, columns)


def last_import(tenant) -> PSTImport:
    return PSTImport.objects.filter(commune=tenant.commune).latest("created_at")


def confirm(client, tenant, pst_import):
    return client.post(reverse("territoire:pst-import-confirm", args=[tenant.mission.pk, pst_import.pk]))


def preview_page(client, tenant, pst_import):
    return client.get(reverse("territoire:pst-import-preview", args=[tenant.mission.pk, pst_import.pk]))


@pytest.mark.parametrize("sample", sorted(EXPECTED))
def test_consultant_imports_each_shipped_sample_with_expected_counts(client, tenant_a, sample):
    client.force_login(tenant_a.consultant)
    response = upload(client, tenant_a, (SAMPLES / sample).read_bytes(), name=sample)
    pst_import = last_import(tenant_a)
    assert response.status_code == 302
    assert pst_import.status == PSTImport.Status.PREVIEW, pst_import.errors
    expected = EXPECTED[sample]
    assert {k: pst_import.counts[k] for k in ("os", "oo", "actions")} == expected
    assert pst_import.counts["created"] == sum(expected.values())
    page = preview_page(client, tenant_a, pst_import)
    assert "Confirmer l'import" in page.content.decode()
    assert not PSTNode.objects.exists(), "nothing is written before confirmation"

    response = confirm(client, tenant_a, pst_import)
    pst = PST.objects.get(commune=tenant_a.commune)
    assert response.status_code == 302
    assert response["Location"] == reverse("territoire:pst-detail", args=[tenant_a.mission.pk, pst.pk])
    nodes = PSTNode.objects.filter(pst=pst)
    assert nodes.filter(level=NodeLevel.OS).count() == expected["os"]
    assert nodes.filter(level=NodeLevel.OO).count() == expected["oo"]
    assert nodes.filter(level=NodeLevel.ACTION).count() == expected["actions"]
    assert all(a.objectives.exists() for a in nodes.filter(level=NodeLevel.ACTION))
    assert all(oo.parent_id for oo in nodes.filter(level=NodeLevel.OO))


def test_semicolon_cp1252_csv_reads_belgian_amounts_dates_and_states(client, tenant_a):
    client.force_login(tenant_a.consultant)
    upload(client, tenant_a, (SAMPLES / "pst_une_ligne_par_action.csv").read_bytes())
    confirm(client, tenant_a, last_import(tenant_a))
    action = PSTNode.objects.get(code="A.1.1.2")
    assert action.budget == Decimal("150000.00")
    assert action.start_date == date(2025, 4, 2)
    assert action.state == "not_started"
    assert action.volet == "externe"
    assert action.political_lead == "Échevine du Commerce"
    assert PSTNode.objects.get(code="OS.5").volet == "interne"


def test_ecomptes_xml_keeps_people_plans_partners_articles_and_projections(client, tenant_a):
    client.force_login(tenant_a.consultant)
    upload(client, tenant_a, (SAMPLES / "pst_ecomptes.xml").read_bytes(), name="export.xml", legislature="2018-2024")
    pst_import = last_import(tenant_a)
    assert (pst_import.start_year, pst_import.end_year) == (2024, 2030), "the file's legislature wins"
    assert "commune INS 64034" in preview_page(client, tenant_a, pst_import).content.decode()
    confirm(client, tenant_a, pst_import)
    action = PSTNode.objects.get(code="A.1.1.2")
    assert action.responsible == "Amélie Debroux"
    assert action.responsible_email == "a.debroux@commune.example"
    assert action.service == "Informatique"
    assert action.fte == Decimal("0.25")
    assert action.budget == Decimal("150000.00")
    assert action.budget_source == "extraordinary"
    assert set(action.links.values_list("kind", "name")) == {("plan", "PCS"), ("partner", "GAL")}
    lines = PSTBudgetLine.objects.filter(node=action)
    assert lines.filter(projected=False, article="421/731-60", year=2025).exists()
    assert sorted(lines.filter(projected=True).values_list("year", "amount")) == [
        (2026, Decimal("1200.00")),
        (2027, Decimal("1250.00")),
    ]
    html_action = PSTNode.objects.get(code="A.1.1.1")
    assert html_action.description_is_html
    assert PST.objects.get().title == "PST 2024-2030 Exempleville"


def test_reimporting_a_corrected_file_updates_by_code_without_duplicates_and_keeps_tags(client, tenant_a):
    client.force_login(tenant_a.consultant)
    rows = action_rows()
    upload(client, tenant_a, csv_bytes(rows))
    confirm(client, tenant_a, last_import(tenant_a))
    tagged = PSTNode.objects.get(code="A.1.1.1")
    PSTNodeTag.objects.create(node=tagged, kind="theme", value="mobility")

    rows[0][6] = "Action corrigée"  # new title for A.1.1.1
    rows[1][5] = "A 1.1.2"  # same code, written differently
    del rows[-1]  # one action dropped
    rows[0][11] = "Terminé"
    upload(client, tenant_a, csv_bytes(rows, delimiter=","))
    pst_import = last_import(tenant_a)
    counts = pst_import.counts
    assert (counts["created"], counts["updated"], counts["removed"]) == (0, 2, 1)
    assert counts["unchanged"] == counts["os"] + counts["oo"] + counts["actions"] - 2
    page = preview_page(client, tenant_a, pst_import).content.decode()
    assert "à retirer" in page
    assert "<del>Action 1.1.1</del> → <ins>Action corrigée</ins>" in page, "the preview names what changes"
    assert "A.2.2.3 Action 2.2.3" in page, "and what would be removed"

    confirm(client, tenant_a, pst_import)
    assert PSTNode.objects.filter(level=NodeLevel.ACTION).count() == len(rows)
    tagged.refresh_from_db()
    assert tagged.title == "Action corrigée"
    assert tagged.state == "done"
    assert tagged.tags.filter(value="mobility").exists(), "tags survive a re-import"
    assert PST.objects.count() == 1


def test_same_file_twice_is_all_unchanged(client, tenant_a):
    client.force_login(tenant_a.consultant)
    content = (SAMPLES / "pst_ecomptes.xml").read_bytes()
    upload(client, tenant_a, content, name="a.xml")
    confirm(client, tenant_a, last_import(tenant_a))
    upload(client, tenant_a, content, name="a.xml")
    counts = last_import(tenant_a).counts
    assert counts["unchanged"] == 18 and counts["created"] == counts["updated"] == counts["removed"] == 0


def test_double_confirm_imports_once(client, tenant_a):
    client.force_login(tenant_a.consultant)
    upload(client, tenant_a, csv_bytes(action_rows()))
    pst_import = last_import(tenant_a)
    confirm(client, tenant_a, pst_import)
    response = confirm(client, tenant_a, pst_import)
    assert response.status_code == 302
    assert PSTNode.objects.count() == 2 + 4 + 12
    assert PSTImport.objects.get(pk=pst_import.pk).status == PSTImport.Status.CONFIRMED
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("déjà été confirmé" in m for m in messages)


def test_an_action_serving_two_oo_is_one_action_with_two_objectives(client, tenant_a):
    client.force_login(tenant_a.consultant)
    rows = action_rows(n_os=1, n_oo=2, n_actions=1)
    rows.append([*rows[0][:3], "OO.1.2", "Objectif opérationnel 1.2", *rows[0][5:]])
    upload(client, tenant_a, csv_bytes(rows))
    pst_import = last_import(tenant_a)
    assert pst_import.counts["actions"] == 2
    confirm(client, tenant_a, pst_import)
    action = PSTNode.objects.get(code="A.1.1.1")
    assert sorted(action.objectives.values_list("code", flat=True)) == ["OO.1.1", "OO.1.2"]


def test_tree_xlsx_with_title_rows_merged_cells_serials_and_blank_rows(client, tenant_a):
    client.force_login(tenant_a.consultant)
    upload(client, tenant_a, tree_xlsx(), name="pst.xlsx")
    pst_import = last_import(tenant_a)
    assert pst_import.errors == []
    assert (pst_import.counts["os"], pst_import.counts["oo"], pst_import.counts["actions"]) == (1, 2, 3)
    confirm(client, tenant_a, pst_import)
    zone30 = PSTNode.objects.get(code="1.1.1")
    assert zone30.end_date == date(2025, 12, 31)  # Excel serial 46022
    assert zone30.state == "in_progress"
    radars = PSTNode.objects.get(code="1.1.2")
    assert radars.budget == Decimal("1250.50")
    assert PSTNode.objects.get(code="1.2.1").end_date == date(2027, 12, 31)  # a bare year ends on 31/12
    assert radars.objectives.get().code == "OO 1.1"


def test_vertically_merged_os_cells_are_filled_down(client, tenant_a):
    def build(sheet):
        sheet.append(HEADER)
        for row in action_rows(n_os=1, n_oo=1, n_actions=3):
            sheet.append(row)
        sheet.merge_cells("B2:B4")  # openpyxl blanks the merged cells below the first
        sheet.merge_cells("C2:C4")

    client.force_login(tenant_a.consultant)
    upload(client, tenant_a, xlsx_bytes(build), name="merged.xlsx")
    pst_import = last_import(tenant_a)
    assert pst_import.errors == []
    assert (pst_import.counts["os"], pst_import.counts["actions"]) == (1, 3)


def test_ods_with_dates_and_numbers(client, tenant_a):
    rows = [["OS.1", "OO.1.1", "A.1.1.1", "Installer des bornes", "Travaux", date(2026, 3, 31), 1500.5]]
    client.force_login(tenant_a.consultant)
    upload(client, tenant_a, ods_bytes(rows), name="pst.ods")
    pst_import = last_import(tenant_a)
    assert pst_import.errors == [] and pst_import.counts["actions"] == 1
    confirm(client, tenant_a, pst_import)
    action = PSTNode.objects.get(code="A.1.1.1")
    assert (action.end_date, action.budget, action.title) == (
        date(2026, 3, 31),
        Decimal("1500.50"),
        "Installer des bornes",
    )


def test_utf8_bom_comma_csv_and_utf16(client, tenant_a):
    client.force_login(tenant_a.consultant)
    content = csv_bytes(action_rows(n_os=1, n_oo=1, n_actions=1), delimiter=",")
    upload(client, tenant_a, b"\xef\xbb\xbf" + content)
    assert last_import(tenant_a).status == PSTImport.Status.PREVIEW
    upload(client, tenant_a, csv_bytes(action_rows(n_os=1, n_oo=1, n_actions=1), delimiter="\t", encoding="utf-16"))
    pst_import = last_import(tenant_a)
    assert pst_import.status == PSTImport.Status.PREVIEW, pst_import.errors
    assert pst_import.payload["nodes"][0]["title"] == "Objectif stratégique 1"


def test_user_changes_the_mapping_and_previews_again(client, tenant_a):
    header = ["Axe", "Sous-axe", "Réf.", "Libellé", "Qui"]
    rows = [["OS.1", "OO.1.1", "A.1.1.1", "Une action", "Travaux"]]
    client.force_login(tenant_a.consultant)
    upload(client, tenant_a, csv_bytes(rows, header=header))
    pst_import = last_import(tenant_a)
    # « Réf. » and « Libellé » alone do not place actions under objectives: the preview says so.
    assert pst_import.status == PSTImport.Status.REFUSED
    page = preview_page(client, tenant_a, pst_import).content.decode()
    assert "Correspondance des colonnes" in page
    columns = {"col0": "os_code", "col1": "oo_code", "col2": "code", "col3": "title", "col4": "service"}
    assert remap(client, tenant_a, pst_import, columns).status_code == 302
    pst_import.refresh_from_db()
    assert pst_import.status == PSTImport.Status.PREVIEW, pst_import.errors
    assert pst_import.mapping["columns"] == ["os_code", "oo_code", "code", "title", "service"]
    confirm(client, tenant_a, pst_import)
    assert PSTNode.objects.get(code="A.1.1.1").service == "Travaux"


def test_mapping_refuses_one_field_for_two_columns(client, tenant_a):
    client.force_login(tenant_a.consultant)
    upload(client, tenant_a, csv_bytes(action_rows(n_os=1, n_oo=1, n_actions=1)))
    pst_import = last_import(tenant_a)
    url = reverse("territoire:pst-import-preview", args=[tenant_a.mission.pk, pst_import.pk])
    data = {f"col{i}": field for i, field in enumerate(pst_import.mapping["columns"])}
    data["col0"] = "title"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "ne peut venir que d&#x27;une colonne" in response.content.decode()


# --- Bad input ----------------------------------------------------------------------------------


def refused_message(client, tenant, content, name="pst.csv") -> str:
    response = upload(client, tenant, content, name=name)
    assert response.status_code == 302, "the upload itself is accepted; the preview explains"
    pst_import = last_import(tenant)
    assert pst_import.status == PSTImport.Status.REFUSED
    page = preview_page(client, tenant, pst_import)
    assert page.status_code == 200
    assert "Confirmer l'import" not in page.content.decode()
    assert not PSTNode.objects.exists()
    return " ".join(e["message"] for e in pst_import.errors)


BAD_FILES = {
    "not a spreadsheet": (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 20,
        "image.csv",
        "pas un tableau",
    ),
    "pdf": (b"%PDF-1.4 blabla", "pst.pdf", "PDF"),
    "old xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "pst.xls", "97-2003"),
    "broken zip": (b"PK\x03\x04garbage", "pst.xlsx", "endommagé"),
    "header-less": (csv_bytes(action_rows(), header=None), "pst.csv", "Aucune ligne d'en-tête"),
    "malformed xml": (b"<?xml version='1.0'?><dataroot><PST>", "pst.xml", "mal formé"),
    "other xml": (b"<html><body>bonjour</body></html>", "pst.xml", "pas un export PST eComptes"),
    "only a header": (csv_bytes([]), "pst.csv", "aucun objectif"),
    "xxe": (
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><dataroot>&x;</dataroot>',
        "x.xml",
        "pas un export PST",
    ),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_bad_files_get_a_french_message(client, tenant_a, case):
    content, name, expected = BAD_FILES[case]
    client.force_login(tenant_a.consultant)
    assert expected in refused_message(client, tenant_a, content, name)


def test_empty_file_is_refused_by_the_form(client, tenant_a):
    client.force_login(tenant_a.consultant)
    response = upload(client, tenant_a, b"")
    assert response.status_code == 200
    assert "Le fichier" in response.content.decode() and "vide" in response.content.decode()
    assert not PSTImport.objects.exists()


def test_blank_file_is_refused(client, tenant_a):
    client.force_login(tenant_a.consultant)
    assert "vide" in refused_message(client, tenant_a, b"  \r\n \n")


def test_undecodable_encoding_is_refused(client, tenant_a):
    client.force_login(tenant_a.consultant)
    content = "Code;Intitulé\nOS.1;Mobilité\n".encode().replace(b"\xc3\xa9", b"\x81\x8d")
    assert "encodage" in refused_message(client, tenant_a, content)


def test_duplicate_codes_are_reported_with_row_and_column(client, tenant_a):
    rows = action_rows(n_os=1, n_oo=1, n_actions=2)
    rows[1][5] = rows[0][5]  # the second action reuses the first one's code with another title
    client.force_login(tenant_a.consultant)
    upload(client, tenant_a, csv_bytes(rows))
    pst_import = last_import(tenant_a)
    assert pst_import.status == PSTImport.Status.REFUSED
    assert pst_import.errors == [
        {
            "row": 3,
            "column": "Code action",
            "message": "Le code « A.1.1.1 » désigne déjà « Action 1.1.1 » (ligne 2) : deux éléments ne peuvent pas "
            "porter le même code.",
        }
    ]
    page = preview_page(client, tenant_a, pst_import).content.decode()
    assert "désigne déjà" in page


def test_oo_without_os_is_reported(client, tenant_a):
    content = csv_bytes([["OO.1.1", "Un OO orphelin"], ["A.1.1.1", "Une action"]], header=["Code", "Intitulé"])
    client.force_login(tenant_a.consultant)
    assert "n'a pas d'objectif stratégique" in refused_message(client, tenant_a, content)


def test_field_errors_name_row_and_column(client, tenant_a):
    rows = action_rows(n_os=1, n_oo=1, n_actions=3)
    rows[0][10] = "beaucoup"
    rows[1][9] = "31/02/2026"
    rows[2][11] = "Pas loin"
    client.force_login(tenant_a.consultant)
    upload(client, tenant_a, csv_bytes(rows))
    errors = {(e["row"], e["column"]): e["message"] for e in last_import(tenant_a).errors}
    assert errors[(2, "Budget")].startswith("« beaucoup » n'est pas un montant")
    assert "n'est pas une date" in errors[(3, "Date de fin")]
    assert "État « Pas loin » inconnu" in errors[(4, "État")]


def test_formula_without_cached_value_is_imported_empty_and_flagged_with_its_cell(client, tenant_a):
    client.force_login(tenant_a.consultant)
    upload(client, tenant_a, tree_xlsx(formula=True), name="pst.xlsx")
    pst_import = last_import(tenant_a)
    assert pst_import.status == PSTImport.Status.PREVIEW, pst_import.errors
    action = next(n for n in pst_import.payload["nodes"] if n["code"] == "1.2.1")
    assert "budget" not in action
    page = preview_page(client, tenant_a, pst_import).content.decode()
    assert "Cellule E11 : formule « =E7*2 » sans valeur calculée, importée vide" in page


def test_file_over_the_upload_limit_is_refused(client, tenant_a, settings):
    settings.MAX_UPLOAD_SIZE = 10 * 1024 * 1024
    client.force_login(tenant_a.consultant)
    content = csv_bytes(action_rows()) + b"x" * (20 * 1024 * 1024)
    response = upload(client, tenant_a, content)
    assert response.status_code == 200
    assert "la taille maximale est de 10 Mo" in response.content.decode()
    assert not PSTImport.objects.exists()


def test_a_20_mb_file_under_the_limit_gets_a_clear_answer(client, tenant_a):
    client.force_login(tenant_a.consultant)
    padding = "x" * 2100
    rows = [[*row[:7], padding] for row in action_rows(n_os=10, n_oo=10, n_actions=100)]
    content = csv_bytes(rows, header=[*HEADER[:7], "Description"])
    assert len(content) > 20 * 1024 * 1024
    upload(client, tenant_a, content)
    pst_import = last_import(tenant_a)
    assert pst_import.status == PSTImport.Status.PREVIEW, pst_import.errors[:3]
    assert pst_import.counts["actions"] == 10_000


def test_10000_rows_import_in_bulk(client, tenant_a, django_assert_max_num_queries):
    client.force_login(tenant_a.consultant)
    upload(client, tenant_a, csv_bytes(action_rows(n_os=10, n_oo=10, n_actions=100)))
    pst_import = last_import(tenant_a)
    assert pst_import.counts["actions"] == 10_000
    # Bulk writes: SQLite caps a statement at 999 parameters, so ~40 nodes per INSERT; never one per row.
    with django_assert_max_num_queries(400):
        confirm(client, tenant_a, pst_import)
    assert PSTNode.objects.filter(level=NodeLevel.ACTION).count() == 10_000


def test_too_many_rows_are_refused(client, tenant_a):
    client.force_login(tenant_a.consultant)
    message = refused_message(client, tenant_a, csv_bytes(action_rows(n_os=21, n_oo=10, n_actions=100)))
    assert "découpez-le" in message


def test_a_failing_write_leaves_nothing_half_written(client, tenant_a, monkeypatch):
    from territoire.pst import apply

    client.force_login(tenant_a.consultant)
    upload(client, tenant_a, csv_bytes(action_rows()))
    pst_import = last_import(tenant_a)

    def explode(objs, *args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(apply.PSTNodeLink.objects, "bulk_create", explode)
    upload_rows = action_rows()
    assert upload_rows
    with pytest.raises(RuntimeError):
        confirm(client, tenant_a, pst_import)
    assert not PSTNode.objects.exists()
    assert not PST.objects.exists()
    assert PSTImport.objects.get(pk=pst_import.pk).status == PSTImport.Status.PREVIEW
    assert PSTNodeLink.objects.count() == 0


# --- Access ------------------------------------------------------------------------------------


def test_staff_may_import_but_college_may_not(client, tenant_a):
    client.force_login(tenant_a.staff)
    assert upload(client, tenant_a, csv_bytes(action_rows())).status_code == 302
    pst_import = last_import(tenant_a)
    client.force_login(tenant_a.college)
    assert upload(client, tenant_a, csv_bytes(action_rows())).status_code == 403
    assert confirm(client, tenant_a, pst_import).status_code == 403
    assert preview_page(client, tenant_a, pst_import).status_code == 200
    remap = reverse("territoire:pst-import-preview", args=[tenant_a.mission.pk, pst_import.pk])
    assert client.post(remap, {"col0": "volet"}).status_code == 403
    assert (
        client.get(reverse("territoire:pst-import-file", args=[tenant_a.mission.pk, pst_import.pk])).status_code == 403
    )
    assert not PSTNode.objects.exists()


def test_consultant_of_another_commune_reaches_nothing(client, tenant_a, tenant_b):
    client.force_login(tenant_a.consultant)
    upload(client, tenant_a, csv_bytes(action_rows()))
    pst_import = last_import(tenant_a)
    client.force_login(tenant_b.consultant)
    # Through their own mission, the import of commune A does not exist either.
    assert preview_page(client, tenant_b, pst_import).status_code == 404
    assert confirm(client, tenant_b, pst_import).status_code == 404
    url = reverse("territoire:pst-import-file", args=[tenant_b.mission.pk, pst_import.pk])
    assert client.get(url).status_code == 404
    assert not PSTNode.objects.exists()


def test_original_file_is_downloadable_by_contributors_only_through_the_view(client, tenant_a):
    content = csv_bytes(action_rows())
    client.force_login(tenant_a.staff)
    upload(client, tenant_a, content, name="mon pst.csv")
    pst_import = last_import(tenant_a)
    response = client.get(reverse("territoire:pst-import-file", args=[tenant_a.mission.pk, pst_import.pk]))
    assert b"".join(response.streaming_content) == content
    assert "mon pst.csv" in response["Content-Disposition"]


def test_history_lists_imports_with_counts(client, tenant_a):
    client.force_login(tenant_a.consultant)
    upload(client, tenant_a, csv_bytes(action_rows()), name="premier.csv")
    confirm(client, tenant_a, last_import(tenant_a))
    upload(client, tenant_a, b"PK\x03\x04garbage", name="casse.xlsx")
    page = client.get(reverse("territoire:pst-index", args=[tenant_a.mission.pk])).content.decode()
    assert "premier.csv" in page and "casse.xlsx" in page
    assert "Importé" in page and "Refusé" in page
