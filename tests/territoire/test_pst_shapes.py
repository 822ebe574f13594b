"""More shapes communes really use: level column, yearly budget columns, indicators, several sheets, CPAS."""

from decimal import Decimal

from django.core.management import call_command

from territoire.models import PST, PSTBudgetLine, PSTIndicator, PSTNode
from territoire.pst.preview import parse_file
from tests.territoire.pst_files import csv_bytes, ods_bytes, xlsx_bytes


def test_level_column_without_codes():
    content = csv_bytes(
        [
            ["OS", "Une commune sûre", ""],
            ["OO", "Des rues apaisées", ""],
            ["Action", "Zone 30", "Travaux"],
            ["Action", "Radars", "Police"],
        ],
        header=["Niveau", "Intitulé", "Service"],
    )
    payload = parse_file(content, "pst.csv")
    assert payload["errors"] == []
    levels = [(n["level"], n["title"], n.get("service", "")) for n in payload["nodes"]]
    assert levels == [
        ("os", "Une commune sûre", ""),
        ("oo", "Des rues apaisées", ""),
        ("action", "Zone 30", "Travaux"),
        ("action", "Radars", "Police"),
    ]


def test_yearly_budget_columns_and_indicators(db, tenant_a):
    header = [
        "Code OS",
        "Code OO",
        "Code action",
        "Intitulé",
        "Budget 2026",
        "2027",
        "Indicateur",
        "Valeur attendue",
        "Valeur atteinte",
        "Date de fin",
        "Plans",
        "Partenaires",
        "ETP",
    ]
    rows = [
        [
            "OS.1",
            "OO.1.1",
            "A.1.1.1",
            "Zone 30",
            "10.000",
            "5.000,50",
            "Rues en zone 30",
            "12",
            "4",
            "2027",
            "PCS, PCDR",
            "SPW",
            "0,5",
        ]
    ]
    payload = parse_file(csv_bytes(rows, header=header), "pst.csv")
    assert payload["errors"] == []
    action = payload["nodes"][-1]
    assert [(line["year"], line["amount"]) for line in action["budget_lines"]] == [
        (2026, "10000.00"),
        (2027, "5000.50"),
    ]
    assert action["indicators"] == [{"name": "Rues en zone 30", "year": 2027, "expected": "12.00", "reached": "4.00"}]
    from territoire.pst import apply

    pst = PST.objects.create(commune=tenant_a.commune, start_year=2024, end_year=2030)
    apply.write(pst, payload)
    node = PSTNode.objects.get(code="A.1.1.1")
    assert node.fte == Decimal("0.50")
    assert PSTBudgetLine.objects.filter(node=node, projected=True).count() == 2
    assert PSTIndicator.objects.get(node=node).reached == Decimal("4.00")
    assert sorted(node.links.values_list("name", flat=True)) == ["PCDR", "PCS", "SPW"]


def test_the_sheet_with_the_pst_is_found_among_others():
    def build(sheet):
        sheet.title = "Mode d'emploi"
        sheet.append(["Remplissez l'onglet PST."])
        other = sheet.parent.create_sheet("PST")
        other.append(["Code", "Intitulé"])
        other.append(["OS.1", "Objectif"])
        other.append(["OO.1.1", "Sous-objectif"])
        other.append(["A.1.1.1", "Action"])

    payload = parse_file(xlsx_bytes(build), "pst.xlsx")
    assert [n["code"] for n in payload["nodes"]] == ["OS.1", "OO.1.1", "A.1.1.1"]


def test_ods_with_repeated_header_row_on_each_page():
    header = ("OS", "OO", "Action", "Libellé")
    rows = [["OS.1", "OO.1.1", "A.1.1.1", "Première"], list(header), ["OS.1", "OO.1.1", "A.1.1.2", "Deuxième"]]
    payload = parse_file(ods_bytes(rows, header=header), "pst.ods")
    assert payload["errors"] == []
    assert [n["code"] for n in payload["nodes"] if n["level"] == "action"] == ["A.1.1.1", "A.1.1.2"]


def test_cpas_pst_is_separate_from_the_commune_one(db, tenant_a, tmp_path):
    tenant_a.commune.code = "61099"
    tenant_a.commune.save(update_fields=["code"])
    path = tmp_path / "pst.csv"
    path.write_bytes(csv_bytes([["OS.1", "OO.1.1", "A.1.1.1", "Aide sociale"]], header=["OS", "OO", "Code", "Titre"]))
    call_command("pst_import", "--commune", "61099", str(path), "--entity", "cpas", "--legislature", "2024-2030")
    call_command("pst_import", "--commune", "61099", str(path), "--legislature", "2024-2030")
    assert sorted(PST.objects.values_list("entity", flat=True)) == ["commune", "cpas"]


def test_demo_seed_is_idempotent(db):
    call_command("seed_demo", force=True, verbosity=0)
    counts = {p.commune.code: p.nodes.count() for p in PST.objects.select_related("commune")}
    call_command("seed_demo", force=True, verbosity=0)
    assert counts == {p.commune.code: p.nodes.count() for p in PST.objects.select_related("commune")}
    assert set(counts) == {"61099", "92999"} and counts["61099"] > 20


def test_ods_with_merged_cells_and_repeated_blank_rows():
    import io

    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import CoveredTableCell, Table, TableCell, TableRow
    from odf.text import P

    def cell(text="", **kwargs):
        element = TableCell(valuetype="string", **kwargs)
        if text:
            element.addElement(P(text=text))
        return element

    document = OpenDocumentSpreadsheet()
    table = Table(name="PST")
    rows = [
        [cell("Code"), cell("Intitulé"), cell("Service")],
        [cell("OS.1"), cell("Objectif fusionné", numbercolumnsspanned=2), CoveredTableCell()],
        [cell("OO.1.1"), cell("Sous-objectif"), cell("")],
        [cell("A.1.1.1"), cell("Action"), cell("Travaux")],
    ]
    for cells in rows:
        row = TableRow()
        for element in cells:
            row.addElement(element)
        table.addElement(row)
    blank = TableRow(numberrowsrepeated=1048000)
    blank.addElement(TableCell(numbercolumnsrepeated=1024))
    table.addElement(blank)
    document.spreadsheet.addElement(table)
    out = io.BytesIO()
    document.save(out)
    payload = parse_file(out.getvalue(), "pst.ods")
    assert payload["errors"] == []
    assert [(n["code"], n["title"]) for n in payload["nodes"]] == [
        ("OS.1", "Objectif fusionné"),
        ("OO.1.1", "Sous-objectif"),
        ("A.1.1.1", "Action"),
    ]
