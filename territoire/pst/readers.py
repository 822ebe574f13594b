"""Bytes of an uploaded file → its format and its rows of cells. Every refusal is a French ``PSTFileError``."""

import csv
import io

from django.utils.translation import gettext as _

from territoire import spreadsheets
from territoire.pst import PSTFileError, zipguard
from territoire.pst.grid import MAX_COLUMNS, MAX_ROWS, Grid, is_blank

# A line with more separators than Excel has columns is refused before the csv module splits it.
MAX_CSV_FIELDS = 16_384
# Lines, blank ones included, once the blank end of the file is cut: ~3 µs each.
MAX_CSV_LINES = 5 * MAX_ROWS


def detect_format(data: bytes, name: str = "") -> str:
    """« csv », « xlsx », « ods » or « xml », from the content (a renamed file is still recognised)."""
    if not data.strip():
        raise PSTFileError(_("Le fichier est vide."))
    if data[:4] == b"PK\x03\x04":
        # The directory is checked (zip bomb) before anything is inflated; the mimetype is 46 bytes.
        with zipguard.open_archive(data) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and b"opendocument.spreadsheet" in zipguard.read_member(archive, "mimetype", 200):
                return "ods"
            if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
                return "xlsx"
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
    return read_sheet(data, file_format)[0]


def read_sheet(data: bytes, file_format: str) -> tuple[list[list], list[str]]:
    """The rows of the file's PST sheet and the French warnings the preview shows (formulas without value)."""
    from territoire.pst import ods, xlsx

    reader = {"csv": read_csv, "xlsx": xlsx.read, "ods": ods.read}[file_format]
    grid = reader(data)
    rows = grid.rows
    if not grid.truncated and not any(any(cell not in (None, "") for cell in row) for row in rows):
        raise PSTFileError(_("Le fichier ne contient aucune donnée."))
    if len(rows) > MAX_ROWS:
        raise PSTFileError(
            _(
                "Le fichier compte %(rows)s lignes : au-delà de %(max)s lignes, découpez-le "
                "(un PST n'en a jamais autant)."
            )
            % {"rows": len(rows), "max": MAX_ROWS}
        )
    return rows, grid.warnings()


def read_xlsx(data: bytes) -> list[list]:
    from territoire.pst import xlsx

    return xlsx.read(data).rows


def read_ods(data: bytes) -> list[list]:
    from territoire.pst import ods

    return ods.read(data).rows


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


def _lines(content: str, delimiter: str):
    """The lines of the text, each refused before splitting when it holds too many separators."""
    for number, line in enumerate(io.StringIO(content, newline=""), start=1):
        if number > MAX_CSV_LINES:
            raise PSTFileError(
                _(
                    "Le CSV compte plus de %(max)s lignes, même vides : un PST n'en a jamais autant. "
                    "Effacez ce qui se trouve sous le tableau."
                )
                % {"max": f"{MAX_CSV_LINES:,}".replace(",", "\u202f")}
            )
        if line.count(delimiter) >= MAX_CSV_FIELDS:
            raise PSTFileError(
                _(
                    "La ligne %(row)s du CSV compte plus de %(count)s colonnes : ce n'est pas un PST. "
                    "Effacez ce qui se trouve à droite du tableau."
                )
                % {"row": number, "count": f"{MAX_CSV_FIELDS:,}".replace(",", "\u202f")}
            )
        yield line


def read_csv(data: bytes) -> Grid:
    content = decode(data)
    controls = sum(1 for c in content[:20000] if ord(c) < 32 and c not in "\r\n\t")
    if controls > 10:
        raise PSTFileError(_("Ce fichier n'est pas un tableau lisible (CSV, XLSX, ODS ou XML eComptes)."))
    sample = "\n".join(content[:100_000].splitlines()[:50])
    delimiter = max(";,\t", key=sample.count)
    # The blank end of a file (Excel exports formatted empty rows as « ;;; » lines) is cut at C speed.
    content = content.rstrip("\r\n \t" + delimiter)
    grid = Grid()
    reader = csv.reader(_lines(content, delimiter), delimiter=delimiter)
    try:
        for row in reader:
            if len(row) > MAX_COLUMNS:
                while row and is_blank(row[-1]):
                    row.pop()
                if len(row) > MAX_COLUMNS:
                    raise grid.too_wide(reader.line_num, len(row) - 1)
            # Our own CSV exports neutralise formulas with an apostrophe: reading them back removes it.
            grid.add([spreadsheets.unneutralise(cell) for cell in row])
    except csv.Error as error:
        raise PSTFileError(
            _("Le CSV est mal formé (ligne %(row)s) : %(error)s.") % {"row": reader.line_num, "error": error}
        ) from None
    return grid
