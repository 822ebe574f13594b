"""Hostile PST files are decided quickly, in French, and write nothing: zip bombs, repeats, lies, broken XML.

Files are built in code at small sizes; the upload limit is lowered where the limits derive from it.
``benchmarks/pst_hostile.py`` runs the same kinds of file at full size and records time and memory.
"""

import time

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from territoire.models import PSTImport, PSTNode
from territoire.pst import PSTFileError
from territoire.pst.preview import parse_file
from tests.factories import CommuneFactory
from tests.territoire import pst_hostile_files as hostile
from tests.territoire.pst_files import HEADER, action_rows, csv_bytes
from tests.territoire.test_pst_import import last_import, preview_page, refused_message


def refusal(data: bytes, name: str) -> str:
    with pytest.raises(PSTFileError) as caught:
        parse_file(data, name)
    return str(caught.value)


# --- Zip archives ---------------------------------------------------------------------------------


def test_a_member_inflating_past_the_limit_is_refused_from_the_zip_directory(settings):
    settings.MAX_UPLOAD_SIZE = 1024 * 1024
    message = refusal(hostile.xlsx_bomb(6 * 1024 * 1024), "pst.xlsx")
    assert "Le classeur décompressé pèserait plus de 4 Mo" in message
    assert "xl/worksheets/sheet1.xml" in message


def test_a_member_with_an_extreme_ratio_is_refused():
    message = refusal(hostile.xlsx_bomb(3 * 1024 * 1024), "pst.xlsx")
    assert "se décompresse" in message and "fois" in message and "xl/worksheets/sheet1.xml" in message


def test_an_ods_bomb_is_refused_before_its_mimetype_is_even_trusted(settings):
    settings.MAX_UPLOAD_SIZE = 1024 * 1024
    assert "pèserait plus de 4 Mo" in refusal(hostile.xml_bomb_member(6 * 1024 * 1024), "pst.ods")


def test_a_member_lying_about_its_size_is_refused_as_damaged():
    # The directory says 100 bytes; the stream holds far more: zipfile stops there and the CRC fails.
    data = hostile.lie_about_size(hostile.ods_table(action_rows(1, 1, 2)), "content.xml", 100)
    assert "endommagé" in refusal(data, "pst.ods")


# --- XLSX -----------------------------------------------------------------------------------------


def test_a_lying_dimension_does_not_drop_rows():
    payload = parse_file(hostile.xlsx_lying_dimension(60), "pst.xlsx")
    assert payload["errors"] == []
    assert len([n for n in payload["nodes"] if n["level"] == "action"]) == 60


def test_a_value_far_to_the_right_is_refused_with_its_cell():
    message = refusal(hostile.xlsx_far_cells("XFD3"), "pst.xlsx")
    assert "au-delà de 200 colonnes" in message and "cellule XFD3" in message and "feuille « Sheet »" in message


def test_a_value_at_the_last_row_is_refused_with_its_row():
    message = refusal(hostile.xlsx_far_cells("A1048576"), "pst.xlsx")
    assert "au-delà de 20\u202f000 lignes" in message and "ligne 1048576" in message


def test_styled_empty_cells_to_the_last_column_are_skipped():
    rows = [HEADER, *action_rows(1, 1, 2)]
    empty = "".join(f'<c r="{hostile._letters(c)}5" s="1"/>' for c in range(13, 16384))
    sheet = hostile.xlsx_rows(rows, f'<row r="5">{empty}</row>'.encode() + hostile.SHEET_CLOSE)
    payload = parse_file(hostile.xlsx_with_sheet(sheet), "pst.xlsx")
    assert [n["code"] for n in payload["nodes"] if n["level"] == "action"] == ["A.1.1.1", "A.1.1.2"]


def test_too_many_cells_even_empty_are_refused(settings, monkeypatch):
    from territoire.pst import grid

    monkeypatch.setattr(grid, "MAX_ELEMENTS", 5_000)
    sheet = hostile.xlsx_rows([["Code", "Intitulé"]], b'<row r="2">' + b'<c s="1"/>' * 6_000 + b"</row>")
    message = refusal(hostile.xlsx_with_sheet(sheet + hostile.SHEET_CLOSE), "pst.xlsx")
    assert "cellules, même vides" in message


@pytest.mark.parametrize(
    ("tail", "expected"),
    [
        (b'<row r="3"><c r="B3"><v>douze</v></c></row>', "cellule B3, porte « douze » au lieu d'un nombre"),
        (b'<row r="3"><c r="B3" t="s"><v>99</v></c></row>', "cellule B3 renvoie à un texte qui n'existe pas"),
        (b'<row r="trois"><c r="B3"><v>1</v></c></row>', "numéro de ligne « trois » invalide"),
        (b'<row r="3"><c r="3B"><v>1</v></c></row>', "référence de cellule « 3B »"),
        (b'<row r="3"><c r="B3"><v>1</v></c', "tronquée ou mal formée"),
    ],
)
def test_a_damaged_sheet_gets_a_french_message_with_its_position(tail, expected):
    sheet = hostile.xlsx_rows([["Code", "Intitulé"], ["OS.1", "Objectif"]], tail)
    closing = b"" if tail.endswith(b"</c") else hostile.SHEET_CLOSE
    message = refusal(hostile.xlsx_with_sheet(sheet + closing), "pst.xlsx")
    assert expected.replace(",", "") in message.replace(",", "")


def test_a_truncated_sheet_says_where_it_stops():
    sheet = hostile.xlsx_rows([["Code", "Intitulé"], ["OS.1", "Objectif"], ["OO.1.1", "Sous"]])
    message = refusal(hostile.xlsx_with_sheet(sheet[: len(sheet) - 20]), "pst.xlsx")
    assert "La feuille « Sheet » du classeur Excel est tronquée ou mal formée" in message
    assert "ligne 3 du tableau" in message


# --- ODS ------------------------------------------------------------------------------------------


def test_a_row_repeated_a_billion_times_is_refused_in_a_blink():
    data = hostile.ods_repeated_rows(10**9)
    assert len(data) < 2048
    start = time.perf_counter()
    message = refusal(data, "pst.ods")
    assert time.perf_counter() - start < 5
    assert "au-delà de 20\u202f000 lignes" in message and "feuille « PST »" in message


def test_a_cell_repeated_a_million_times_is_refused_with_its_cell():
    message = refusal(hostile.ods_repeated_columns(10**6), "pst.ods")
    assert "au-delà de 200 colonnes" in message and "cellule GS3" in message


def test_a_blank_tail_of_a_billion_rows_and_columns_is_skipped():
    start = time.perf_counter()
    payload = parse_file(hostile.ods_blank_tail(10**9, 10**9), "pst.ods")
    assert time.perf_counter() - start < 5
    assert payload["errors"] == []
    assert [n["code"] for n in payload["nodes"] if n["level"] == "action"] == ["A.1.1.1", "A.1.1.2", "A.1.1.3"]


def test_explicit_empty_cells_are_walked_without_being_kept():
    payload = parse_file(
        hostile.ods_table(
            action_rows(1, 1, 1), "<table:table-row>" + "<table:table-cell/>" * 50_000 + "</table:table-row>"
        ),
        "pst.ods",
    )
    assert payload["errors"] == [] and len(payload["nodes"]) == 3


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (
            '<table:table-row table:number-rows-repeated="beaucoup"><table:table-cell/></table:table-row>',
            "« number-rows-repeated » vaut « beaucoup » au lieu d'un nombre (feuille « PST », ligne 3)",
        ),
        (
            '<table:table-row><table:table-cell table:number-columns-repeated="-4"/></table:table-row>',
            "« number-columns-repeated » vaut « -4 »",
        ),
        (
            '<table:table-row><table:table-cell office:value-type="float" office:value="douze"/></table:table-row>',
            "la feuille « PST », cellule A3 porte « douze » au lieu d'un nombre",
        ),
    ],
)
def test_damaged_ods_values_get_a_french_message_with_their_position(extra, expected):
    message = refusal(hostile.ods_table(action_rows(1, 1, 1), extra), "pst.ods")
    assert expected in message


def test_a_truncated_ods_is_refused_with_its_position():
    data = hostile.ods_from_content(
        iter([b'<table:table-row><table:table-cell office:value-type="string"><text:p>Code'])
    )
    assert "tronqué ou mal formé" in refusal(data, "pst.ods")


def test_an_ods_formula_without_value_is_imported_empty_and_flagged():
    formula = '<table:table-cell table:formula="of:=[.K2]*2"/>'
    row = "<table:table-row>" + "".join(
        f'<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>'
        for v in action_rows(1, 1, 1)[0][:10]
    )
    data = hostile.ods_table(action_rows(1, 1, 1), row.replace("A.1.1.1", "A.1.1.2") + formula + "</table:table-row>")
    payload = parse_file(data, "pst.ods")
    assert payload["errors"] == []
    assert payload["warnings"] == [
        "Cellule K3 : formule « =[.K2]*2 » sans valeur calculée, importée vide — à compléter (ou ouvrez le fichier "
        "dans Excel ou LibreOffice, enregistrez-le et importez-le à nouveau)."
    ]


# --- CSV and XML ----------------------------------------------------------------------------------


def test_a_csv_with_100000_columns_is_refused_before_being_split():
    message = refusal(hostile.csv_columns(100_000), "pst.csv")
    assert "La ligne 2 du CSV compte plus de 16\u202f384 colonnes" in message


def test_a_csv_value_beyond_200_columns_is_refused_with_its_cell():
    message = refusal(("Code;Intitulé\nOS.1;" + ";" * 250 + "x\n").encode(), "pst.csv")
    assert "au-delà de 200 colonnes" in message and "cellule IR2" in message


def test_a_csv_ending_in_millions_of_blank_lines_is_read():
    payload = parse_file(csv_bytes(action_rows(1, 1, 2)) + b";;;\r\n" * 2_000_000, "pst.csv")
    assert len(payload["nodes"]) == 4


def test_a_csv_with_too_many_lines_even_blank_is_refused():
    content = csv_bytes(action_rows(1, 1, 1)) + b"\r\n" * 200_000 + b"x\r\n"
    assert "plus de 100\u202f000 lignes, même vides" in refusal(content, "pst.csv")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (hostile.xml_elements(1_100_000), "plus de 1\u202f000\u202f000 éléments"),
        (hostile.xml_deep(1000), "mal formé"),
        (hostile.xml_billion_laughs(), "mal formé"),
    ],
)
def test_hostile_xml_is_refused(content, expected):
    assert expected in refusal(content, "pst.xml")


# --- Through the screen and the command -----------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "name", "expected"),
    [
        (lambda: hostile.xlsx_bomb(3 * 1024 * 1024), "pst.xlsx", "bombe de décompression"),
        (lambda: hostile.ods_repeated_rows(10**9), "pst.ods", "au-delà de 20\u202f000 lignes"),
        (lambda: hostile.csv_columns(100_000), "pst.csv", "plus de 16\u202f384 colonnes"),
        (lambda: hostile.xlsx_far_cells("XFD3"), "pst.xlsx", "cellule XFD3"),
    ],
)
def test_the_import_screen_refuses_hostile_files_in_french_and_writes_nothing(client, tenant_a, make, name, expected):
    client.force_login(tenant_a.consultant)
    message = refused_message(client, tenant_a, make(), name)
    assert expected in message
    assert not PSTNode.objects.exists()


def test_the_import_screen_reads_a_sheet_with_a_lying_dimension_whole(client, tenant_a):
    from tests.territoire.test_pst_import import confirm, upload

    client.force_login(tenant_a.consultant)
    upload(client, tenant_a, hostile.xlsx_lying_dimension(60), name="pst.xlsx")
    pst_import = last_import(tenant_a)
    assert pst_import.status == PSTImport.Status.PREVIEW, pst_import.errors
    assert pst_import.counts["actions"] == 60
    assert "Confirmer l'import" in preview_page(client, tenant_a, pst_import).content.decode()
    confirm(client, tenant_a, pst_import)
    assert PSTNode.objects.filter(level="action").count() == 60


def test_the_command_refuses_a_hostile_file_and_writes_nothing(db, tmp_path, capsys):
    CommuneFactory(code="61099")
    path = tmp_path / "pst.ods"
    path.write_bytes(hostile.ods_repeated_columns(10**6))
    with pytest.raises(CommandError, match="rien n'a été enregistré"):
        call_command("pst_import", "--commune", "61099", str(path))
    assert "au-delà de 200 colonnes" in capsys.readouterr().err
    assert not PSTNode.objects.exists()
    assert PSTImport.objects.get().status == PSTImport.Status.REFUSED
