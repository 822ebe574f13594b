"""Nasty PST files, generated in code (nothing big is committed)."""

import csv
import io
from datetime import date

from tests.conftest import FIXTURES

SAMPLES = FIXTURES / "samples"
XSD = FIXTURES / "formats" / "PST_eComptes_Export_201805V1.xsd"

HEADER = [
    "Volet",
    "Code OS",
    "Objectif stratégique",
    "Code OO",
    "Objectif opérationnel",
    "Code action",
    "Action",
    "Service pilote",
    "Date de début",
    "Date de fin",
    "Budget",
    "État",
    "Avancement (%)",
]


def action_rows(n_os=2, n_oo=2, n_actions=3):
    rows = []
    for i in range(1, n_os + 1):
        for j in range(1, n_oo + 1):
            for k in range(1, n_actions + 1):
                rows.append(
                    [
                        "Externe" if i == 1 else "Interne",
                        f"OS.{i}",
                        f"Objectif stratégique {i}",
                        f"OO.{i}.{j}",
                        f"Objectif opérationnel {i}.{j}",
                        f"A.{i}.{j}.{k}",
                        f"Action {i}.{j}.{k}",
                        "Travaux",
                        "05/06/2025",
                        "31/12/2026",
                        "12.500,00 €",
                        "En cours",
                        "50",
                    ]
                )
    return rows


def csv_bytes(rows, header=HEADER, delimiter=";", encoding="utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    if header:
        writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(build) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    build(workbook.active)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def tree_xlsx(*, formula=False) -> bytes:
    """Title rows, OS/OO rows above their actions with merged title cells, blank separators, Excel serials."""

    def build(sheet):
        sheet.append(["Commune de Test"])
        sheet.append(["PST 2024-2030"])
        sheet.append([])
        sheet.append(["  CODE ", "Intitulé", "Service pilote", "Echéance", "Montant", "Etat"])
        sheet.append(["OS 1", "Être une commune mobile"])
        sheet.merge_cells("B5:F5")
        sheet.append(["OO 1.1", "Apaiser le centre"])
        sheet.merge_cells("B6:F6")
        sheet.append(["1.1.1", "Zone 30", "Travaux", 46022, 12500, "en cours"])
        sheet.append(["1.1.2", "Radars", "Police", date(2026, 6, 30), "1 250,50 €", "Terminé"])
        sheet.append([])
        sheet.append(["OO 1.2", "Vélo"])
        sheet.append(["1.2.1", "Parkings vélos", "Travaux", "2027", "=E7*2" if formula else 25000, "non commencé"])

    return xlsx_bytes(build)


def ods_bytes(rows, header=("OS", "OO", "Action", "Libellé", "Pilote", "Échéance", "Budget")) -> bytes:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    table = Table(name="PST")
    for values in [list(header), *rows]:
        row = TableRow()
        for value in values:
            if isinstance(value, int | float):
                cell = TableCell(valuetype="float", value=value)
                cell.addElement(P(text=str(value)))
            elif isinstance(value, date):
                cell = TableCell(valuetype="date", datevalue=value.isoformat())
                cell.addElement(P(text=value.strftime("%d/%m/%Y")))
            else:
                cell = TableCell(valuetype="string")
                cell.addElement(P(text=str(value)))
            row.addElement(cell)
        table.addElement(row)
    document.spreadsheet.addElement(table)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
