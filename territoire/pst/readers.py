"""Bytes of an uploaded file → its format and its rows of cells. Every refusal is a French ``PSTFileError``."""

import csv
import io
import zipfile
from datetime import date, datetime

from django.utils.translation import gettext as _

from territoire import spreadsheets
from territoire.pst import PSTFileError

MAX_ROWS = 20_000
MAX_COLUMNS = 200


def detect_format(data: bytes, name: str = "") -> str:
    """« csv », « xlsx », « ods » or « xml », from the content (a renamed file is still recognised)."""
    if not data.strip():
        raise PSTFileError(_("Le fichier est vide."))
    if data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
                if "mimetype" in names and b"opendocument.spreadsheet" in archive.read("mimetype"):
                    return "ods"
                if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
                    return "xlsx"
        except zipfile.BadZipFile:
            raise PSTFileError(_("Le classeur est endommagé : ouvrez-le et enregistrez-le à nouveau.")) from None
        raise PSTFileError(
            _("Ce fichier compressé n'est ni un classeur Excel (.xlsx) ni un classeur LibreOffice (.ods).")
        )
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise PSTFileError(
            _("Les classeurs Excel 97-2003 (.xls) ne sont pas pris en charge : enregistrez-le en .xlsx, .ods ou .csv.")
        )
    if data[:5] == b"%PDF-":
        raise PSTFileError(_("Ce fichier est un PDF : importez le tableur ou l'export XML de votre logiciel PST."))
    head = data[:200].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        return "xml"
    return "csv"


def read_rows(data: bytes, file_format: str) -> list[list]:
    reader = {"csv": read_csv, "xlsx": read_xlsx, "ods": read_ods}[file_format]
    rows = reader(data)
    if not any(any(cell not in (None, "") for cell in row) for row in rows):
        raise PSTFileError(_("Le fichier ne contient aucune donnée."))
    if len(rows) > MAX_ROWS:
        raise PSTFileError(
            _(
                "Le fichier compte %(rows)s lignes : au-delà de %(max)s lignes, découpez-le "
                "(un PST n'en a jamais autant)."
            )
            % {"rows": len(rows), "max": MAX_ROWS}
        )
    return rows


def decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if b"\x00" in data[:4096]:
        raise PSTFileError(_("Ce fichier n'est pas un tableau lisible (CSV, XLSX, ODS ou XML eComptes)."))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise PSTFileError(
            _("L'encodage du fichier n'est pas reconnu : enregistrez-le en CSV UTF-8 ou Windows-1252 (Excel).")
        ) from None


def read_csv(data: bytes) -> list[list]:
    content = decode(data)
    controls = sum(1 for c in content[:20000] if ord(c) < 32 and c not in "\r\n\t")
    if controls > 10:
        raise PSTFileError(_("Ce fichier n'est pas un tableau lisible (CSV, XLSX, ODS ou XML eComptes)."))
    sample = "\n".join(content.splitlines()[:50])
    delimiter = max(";,\t", key=sample.count)
    try:
        # Our own CSV exports neutralise formulas with an apostrophe: reading them back removes it.
        rows = csv.reader(io.StringIO(content, newline=""), delimiter=delimiter)
        return [[spreadsheets.unneutralise(cell) for cell in row] for row in rows]
    except csv.Error as error:
        raise PSTFileError(_("Le CSV est mal formé : %(error)s.") % {"error": error}) from None


def _cell(value):
    if isinstance(value, datetime):
        return value.date() if not (value.hour or value.minute) else value
    return value


def read_xlsx(data: bytes) -> list[list]:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of errors on a damaged file.
        raise PSTFileError(
            _("Le classeur Excel est illisible ou endommagé : ouvrez-le et enregistrez-le à nouveau.")
        ) from None
    try:
        sheet = _best_sheet(workbook)
        # Formatting often runs to the last column (XFD) of the sheet: no PST has more than MAX_COLUMNS.
        max_col = min(sheet.max_column or MAX_COLUMNS, MAX_COLUMNS)
        rows = []
        for row in sheet.iter_rows(values_only=True, max_col=max_col):
            cells = [_cell(v) for v in row]
            while cells and cells[-1] is None:
                cells.pop()
            rows.append(cells)
            if len(rows) > MAX_ROWS + 10:
                break
        sheet_name = sheet.title
    finally:
        workbook.close()
    _refuse_uncomputed_formulas(data, sheet_name, rows)
    return rows


def _best_sheet(workbook):
    from territoire.pst.mapping import find_header

    sheets = workbook.worksheets
    for sheet in sheets:
        head = [list(row) for _, row in zip(range(30), sheet.iter_rows(values_only=True), strict=False)]
        if find_header(head) is not None:
            return sheet
    return sheets[0]


def _refuse_uncomputed_formulas(data: bytes, sheet_name: str, rows: list[list]) -> None:
    """A formula cell carries its last computed value; a file written by a program may have none."""
    import openpyxl
    from openpyxl.utils import get_column_letter

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if not any(
            b"<f>" in archive.read(n) or b"<f " in archive.read(n)
            for n in archive.namelist()
            if n.startswith("xl/worksheets/")
        ):
            return
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        for r, row in enumerate(workbook[sheet_name].iter_rows(values_only=True)):
            for c, value in enumerate(row):
                if (
                    isinstance(value, str)
                    and value.startswith("=")
                    and (r >= len(rows) or c >= len(rows[r]) or rows[r][c] is None)
                ):
                    raise PSTFileError(
                        _(
                            "La cellule %(cell)s contient une formule (%(formula)s) sans valeur calculée : "
                            "ouvrez le fichier dans Excel ou LibreOffice et enregistrez-le, ou remplacez la "
                            "formule par sa valeur."
                        )
                        % {"cell": f"{get_column_letter(c + 1)}{r + 1}", "formula": value[:40]}
                    )
    finally:
        workbook.close()


def read_ods(data: bytes) -> list[list]:
    from odf import opendocument, table
    from odf.namespaces import OFFICENS, TABLENS

    try:
        document = opendocument.load(io.BytesIO(data))
    except Exception:  # odfpy raises anything from KeyError to XML errors on a damaged file.
        raise PSTFileError(_("Le classeur LibreOffice est illisible ou endommagé.")) from None
    from territoire.pst.mapping import find_header

    sheets = document.spreadsheet.getElementsByType(table.Table)
    if not sheets:
        raise PSTFileError(_("Le fichier ne contient aucune donnée."))
    chosen = None
    for sheet in sheets:
        rows = _ods_rows(sheet, TABLENS, OFFICENS)
        if chosen is None:
            chosen = rows
        if find_header(rows) is not None:
            return rows
    return chosen


def _ods_rows(sheet, TABLENS, OFFICENS) -> list[list]:
    rows = []
    for row in sheet.childNodes:
        if row.qname != (TABLENS, "table-row"):
            if row.qname in ((TABLENS, "table-header-rows"), (TABLENS, "table-row-group")):
                rows.extend(_ods_rows(row, TABLENS, OFFICENS))
            continue
        cells = []
        for cell in row.childNodes:
            if cell.qname not in ((TABLENS, "table-cell"), (TABLENS, "covered-table-cell")):
                continue
            repeat = int(cell.attributes.get((TABLENS, "number-columns-repeated"), 1))
            value = _ods_value(cell, OFFICENS)
            cells.extend([value] * min(repeat, 200))
        while cells and cells[-1] in (None, ""):
            cells.pop()
        repeat = int(row.attributes.get((TABLENS, "number-rows-repeated"), 1))
        # LibreOffice writes the empty rest of a sheet as one row repeated a million times.
        rows.extend([cells] * (repeat if cells else min(repeat, 2)))
        if len(rows) > MAX_ROWS + 10:
            break
    while rows and not rows[-1]:
        rows.pop()
    return rows


def _ods_value(cell, OFFICENS):
    kind = cell.attributes.get((OFFICENS, "value-type"))
    if kind in ("float", "currency", "percentage"):
        raw = cell.attributes.get((OFFICENS, "value"))
        number = float(raw)
        return int(number) if number.is_integer() and kind != "percentage" else number
    if kind == "date":
        raw = cell.attributes.get((OFFICENS, "date-value"), "")
        try:
            return date.fromisoformat(raw[:10])
        except ValueError:
            return raw
    if kind == "boolean":
        return cell.attributes.get((OFFICENS, "boolean-value"))
    text = "\n".join(str(p) for p in cell.childNodes if p.qname[1] == "p")
    return text or None
