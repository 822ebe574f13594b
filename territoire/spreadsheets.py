"""The spreadsheet writer: every CSV and XLSX export of the project goes through this module.

Exports carry what communes, staff and anonymous respondents typed. Opened in Excel or
LibreOffice, a cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab / carriage return
before one of them) is read as a formula: ``=HYPERLINK("http://evil","clic")`` in an answer would
become a live link in the consultant's spreadsheet (OWASP "CSV injection"). Hence:

* CSV: a text value starting with one of those characters gets a leading apostrophe, which the
  spreadsheet shows as text (OWASP's advice). Numbers, amounts and dates stay as they are, so
  ``-12,50`` written for a ``Decimal`` stays a number.
* XLSX: every text value is an explicit string cell (openpyxl otherwise turns a string starting
  with ``=`` into a formula, and ``#N/A`` into an error); a dangerous one also gets Excel's
  "quote prefix" style, the file-format form of the apostrophe, so editing the cell in Excel keeps
  it text. The text itself is unchanged, so our own XLSX exports re-import as they were.
  Characters an XLSX file cannot hold (control characters) are dropped.

CSV files follow the Belgian-French Excel conventions of the existing exports: ``;`` separator,
UTF-8 with a BOM, ``21/11/2026`` dates and ``1250,50`` decimals. XLSX is written in openpyxl's
write-only mode (rows stream to a temporary file, memory stays flat whatever the row count).
"""

import codecs
import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import BinaryIO

from django.utils import timezone

# OWASP CSV injection: the characters that make a spreadsheet read a cell as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# openpyxl reads these strings as error values rather than text.
_ERROR_CODES = frozenset(("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"))
# Control characters that XLSX (XML 1.0) cannot hold; openpyxl would raise on them.
_ILLEGAL_XLSX = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
XLSX_MAX_CELL = 32767  # characters Excel keeps in a cell
SHEET_TITLE_MAX = 31
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
AMOUNT_FORMAT = '#,##0.00 "€"'


def is_dangerous(text: str) -> bool:
    """Would a spreadsheet read this text as (the start of) a formula?"""
    return text.startswith(FORMULA_START)


def neutralise(text: str) -> str:
    """The text as a CSV cell that no spreadsheet reads as a formula (OWASP: a leading apostrophe)."""
    return f"'{text}" if is_dangerous(text) else text


def unneutralise(text: str) -> str:
    """The text :func:`neutralise` was given (for reading our own CSV exports back)."""
    return text[1:] if text.startswith("'") and is_dangerous(text[1:]) else text


def sheet_title(text: str, default: str = "Feuille") -> str:
    """A valid sheet title: at most 31 characters, none of ``[]:*?/\\``, no leading/trailing apostrophe."""
    cleaned = " ".join(_SHEET_TITLE_FORBIDDEN.sub(" ", _ILLEGAL_XLSX.sub("", str(text))).split()).strip("'").strip()
    return cleaned[:SHEET_TITLE_MAX].strip() or default


def _local(value: datetime) -> datetime:
    """Excel has no time zones: aware datetimes are written in the local time, naive."""
    return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value


# --- CSV ----------------------------------------------------------------------------------------


def csv_value(value) -> str:
    """One cell as Belgian-French Excel reads it; text neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, datetime):
        return _local(value).strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, Decimal):
        return f"{value:f}".replace(".", ",")  # 10, not 1E+1
    if isinstance(value, int | float):
        return str(value).replace(".", ",")
    return neutralise(str(value))


def write_csv(out: BinaryIO, header: Sequence, rows: Iterable[Sequence], *, chunk_rows: int = 1000) -> None:
    """Write ``header`` then ``rows`` to the binary file ``out`` (``;``-separated UTF-8 with a BOM)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")

    def flush():
        out.write(buffer.getvalue().encode("utf-8"))
        buffer.seek(0)
        buffer.truncate()

    out.write(codecs.BOM_UTF8)  # Excel opens UTF-8 CSV correctly only with a BOM.
    writer.writerow([csv_value(v) for v in header])
    for count, row in enumerate(rows, start=1):
        writer.writerow([csv_value(v) for v in row])
        if count % chunk_rows == 0:
            flush()
    flush()


def csv_bytes(header: Sequence, rows: Iterable[Sequence]) -> bytes:
    out = io.BytesIO()
    write_csv(out, header, rows)
    return out.getvalue()


# --- XLSX ---------------------------------------------------------------------------------------


@dataclass
class Sheet:
    """One sheet of a workbook: a header row in bold, then ``rows`` (any iterable, read once).

    ``formats`` maps a column index to a number format (e.g. ``AMOUNT_FORMAT``); dates and
    datetimes get the Belgian format without being named. ``widths`` are column widths in
    characters, from the first column. ``choices`` maps a column index to the values offered in a
    drop-down list under the header (a warning, not a refusal, when something else is typed); a list
    Excel cannot hold (a comma or a quote in a value, over 255 characters) is left out.
    """

    title: str
    header: Sequence
    rows: Iterable[Sequence]
    widths: Sequence[int] = ()
    formats: dict[int, str] = field(default_factory=dict)
    choices: dict[int, Sequence[str]] = field(default_factory=dict)


class _CellMaker:
    """Turns Python values into write-only cells; plain values where openpyxl cannot misread them."""

    def __init__(self, worksheet, formats: dict[int, str]):
        from openpyxl.cell import WriteOnlyCell

        self._cell = WriteOnlyCell
        self._sheet = worksheet
        self._formats = formats

    def _text(self, text: str):
        text = _ILLEGAL_XLSX.sub("", text)[:XLSX_MAX_CELL]
        if not (is_dangerous(text) or text in _ERROR_CODES):
            return text  # openpyxl types it as a string cell
        cell = self._cell(self._sheet, value=text)
        cell.data_type = "s"  # never a formula, never an error value
        if is_dangerous(text):
            cell.quotePrefix = True  # and Excel keeps it text when the cell is edited
        return cell

    def __call__(self, index: int, value):
        if value is None:
            return None
        if isinstance(value, str):
            return self._text(value)
        number_format = self._formats.get(index)
        if isinstance(value, datetime):
            value, number_format = _local(value), number_format or DATETIME_FORMAT
        elif isinstance(value, date):
            number_format = number_format or DATE_FORMAT
        elif not isinstance(value, int | float | Decimal):  # bool is an int: a real boolean cell
            return self._text(str(value))
        if number_format is None:
            return value
        cell = self._cell(self._sheet, value=value)
        cell.number_format = number_format
        return cell


CHOICES_ROWS = 1000  # how far down a drop-down list is offered
_LIST_MAX = 255  # characters Excel keeps in a list's formula


def _add_choices(worksheet, choices: dict[int, Sequence[str]]) -> None:
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    for index, values in choices.items():
        values = [str(v) for v in values]
        formula = '"' + ",".join(values) + '"'
        if any("," in v or '"' in v for v in values) or len(formula) > _LIST_MAX:
            continue
        validation = DataValidation(type="list", formula1=formula, allow_blank=True, errorStyle="warning")
        letter = get_column_letter(index + 1)
        validation.add(f"{letter}2:{letter}{CHOICES_ROWS}")
        worksheet.data_validations.append(validation)


def write_xlsx(out: BinaryIO, sheets: Sequence[Sheet]) -> None:
    """Write a workbook of ``sheets`` to the binary file ``out``."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import Cell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    used_titles = set()
    for spec in sheets:
        title = sheet_title(spec.title)
        while title.lower() in used_titles:  # titles are unique in a workbook, whatever their case
            title = f"{title[: SHEET_TITLE_MAX - 2]}_{len(used_titles)}"
        used_titles.add(title.lower())
        worksheet = workbook.create_sheet(title)
        for index, width in enumerate(spec.widths, start=1):
            worksheet.column_dimensions[get_column_letter(index)].width = width
        worksheet.freeze_panes = "A2"
        _add_choices(worksheet, spec.choices)
        make = _CellMaker(worksheet, spec.formats)
        header = []
        for index, value in enumerate(spec.header):
            cell = make(index, value)
            cell = cell if isinstance(cell, Cell) else WriteOnlyCell(worksheet, value=cell)
            cell.font = bold
            header.append(cell)
        worksheet.append(header)
        for row in spec.rows:
            worksheet.append([make(index, value) for index, value in enumerate(row)])
    workbook.save(out)


def xlsx_bytes(*sheets: Sheet) -> bytes:
    out = io.BytesIO()
    write_xlsx(out, sheets)
    return out.getvalue()
