"""An Excel workbook (.xlsx) → the rows of its PST sheet, streamed with lxml at a bounded cost.

openpyxl's read-only mode trusts the sheet's ``<dimension>`` (a lying one silently drops rows) and builds
every cell of a row before it can be skipped; this reader walks the sheet XML once, keeps only cells with a
value, and checks every limit of ``grid`` as it goes. Cell values come out as openpyxl gives them (numbers,
dates for date formats, booleans, strings). A formula without its computed value (files written by
programs other than Excel or LibreOffice) is read as an empty cell and reported as a warning.
"""

import functools
import posixpath
from datetime import datetime

from django.utils.translation import gettext as _
from lxml import etree
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

from territoire.pst import PSTFileError, zipguard
from territoire.pst.grid import MAX_COLUMNS, ElementBudget, Grid, is_blank

MAX_STRINGS = 500_000

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STRICT = "http://purl.oclc.org/ooxml/spreadsheetml/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_REL = "http://schemas.openxmlformats.org/package/2006/relationships"


def _parser_options() -> dict:
    # No entities, no DTD, no network; libxml2's own limits on depth and text size stay on.
    return {"resolve_entities": False, "no_network": True, "load_dtd": False, "huge_tree": False}


def _local(tag) -> str:
    return tag[tag.find("}") + 1 :] if isinstance(tag, str) else ""


def _damaged(name: str, error) -> PSTFileError:
    return PSTFileError(
        _(
            "Le classeur Excel est endommagé (« %(name)s », ligne %(line)s du XML) : ouvrez-le et "
            "enregistrez-le à nouveau."
        )
        % {"name": name, "line": getattr(error, "lineno", None) or "?"}
    )


def _small_tree(archive, name: str):
    """A small XML member (workbook, relationships) as a tree; ``None`` when absent."""
    data = zipguard.read_member(archive, name, 10 * 1024 * 1024)
    if data is None:
        return None
    try:
        return etree.fromstring(data, etree.XMLParser(**_parser_options()))
    except etree.XMLSyntaxError as error:
        raise _damaged(name, error) from None


def _relationships(archive, part: str) -> dict[str, tuple[str, str]]:
    """Relationship id → (type's last word, member path) for ``part``."""
    folder, name = posixpath.split(part)
    tree = _small_tree(archive, posixpath.join(folder, "_rels", name + ".rels"))
    found = {}
    for rel in tree.iter(f"{{{PACKAGE_REL}}}Relationship") if tree is not None else []:
        target = rel.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        found[rel.get("Id", "")] = (rel.get("Type", "").rsplit("/", 1)[-1], path)
    return found


def _iterparse(archive, name: str, tags, events=("end",)):
    stream = zipguard.open_member(archive, name)
    if stream is None:
        raise PSTFileError(
            _("Le classeur Excel est incomplet (« %(name)s » manque) : ouvrez-le et enregistrez-le à nouveau.")
            % {"name": name}
        )
    return stream, etree.iterparse(stream, events=events, tag=tags, **_parser_options())


def _release(element) -> None:
    """Forget an element already read, and its elder siblings, so memory stays flat."""
    element.clear()
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


def _shared_strings(archive, name: str | None) -> list[str]:
    if name is None or name not in archive.namelist():
        return []
    strings = []
    stream, events = _iterparse(archive, name, [f"{{{ns}}}si" for ns in (MAIN, STRICT)])
    with stream:
        try:
            for _event, item in events:
                # Phonetic runs (rPh) are a reading aid, not the text.
                strings.append(_rich_text(item))
                _release(item)
                if len(strings) > MAX_STRINGS:
                    raise PSTFileError(
                        _("Le classeur compte plus de %(max)s textes différents : un PST n'en a jamais autant.")
                        % {"max": f"{MAX_STRINGS:,}".replace(",", "\u202f")}
                    )
        except etree.XMLSyntaxError as error:
            raise _damaged(name, error) from None
    return strings


def _date_styles(archive, name: str | None) -> set[int]:
    """Indexes of the cell formats (``s`` attribute) that show a date."""
    tree = _small_tree(archive, name) if name else None
    if tree is None:
        return set()
    formats = dict(BUILTIN_FORMATS)
    for element in tree.iter():
        if _local(element.tag) == "numFmt" and (element.get("numFmtId") or "").isdigit():
            formats[int(element.get("numFmtId"))] = element.get("formatCode", "")
    dates = set()
    for container in tree:
        if _local(container.tag) != "cellXfs":
            continue
        for index, xf in enumerate(child for child in container if _local(child.tag) == "xf"):
            number_format = formats.get(int(xf.get("numFmtId", "0")) if xf.get("numFmtId", "0").isdigit() else 0)
            if is_date_format(number_format):
                dates.add(index)
    return dates


def _sheets(archive) -> tuple[list[tuple[str, str]], str | None, str | None, bool]:
    """[(sheet name, member path)], shared strings path, styles path, 1904 calendar."""
    rels = _relationships(archive, "xl/workbook.xml")
    workbook = _small_tree(archive, "xl/workbook.xml")
    if workbook is None:
        raise PSTFileError(_("Le classeur Excel est incomplet : ouvrez-le et enregistrez-le à nouveau."))
    sheets, date1904 = [], False
    for element in workbook.iter():
        local = _local(element.tag)
        if local == "workbookPr":
            date1904 = element.get("date1904", "").lower() in ("1", "true")
        elif local == "sheet":
            kind, path = rels.get(element.get(f"{{{REL}}}id", ""), ("", ""))
            if kind == "worksheet":
                sheets.append((element.get("name", ""), path))
    by_kind = {kind: path for kind, path in rels.values()}
    return sheets, by_kind.get("sharedStrings"), by_kind.get("styles"), date1904


def _number(raw: str, grid: Grid, row: int, column: int):
    try:
        number = float(raw) if any(c in raw for c in ".eE") else int(raw)
    except ValueError:
        raise PSTFileError(
            _("Le classeur Excel est endommagé : la %(where)s porte « %(value)s » au lieu d'un nombre.")
            % {"where": grid.where(row, column), "value": raw[:40]}
        ) from None
    if isinstance(number, float) and number != number or number in (float("inf"), float("-inf")):
        raise PSTFileError(
            _("Le classeur Excel est endommagé : la %(where)s porte « %(value)s » au lieu d'un nombre.")
            % {"where": grid.where(row, column), "value": raw[:40]}
        )
    return number


def _as_date(number, epoch):
    try:
        value = from_excel(number, epoch)
    except (OverflowError, ValueError, TypeError):
        return number
    if isinstance(value, datetime) and not (value.hour or value.minute):
        return value.date()
    return value


def _rich_text(element) -> str:
    """The text of a shared or inline string: its ``t``, or the ``t`` of each run (phonetic runs left out)."""
    parts = []
    for child in element:
        local = _local(child.tag)
        if local == "t":
            parts.append(child.text or "")
        elif local == "r":
            parts.extend(t.text or "" for t in child if _local(t.tag) == "t")
    return "".join(parts)


def _cell_value(cell, grid, row, column, strings, dates, epoch):
    kind = cell.get("t", "n")
    raw = formula = None
    inline = None
    for child in cell:
        local = _local(child.tag)
        if local == "v":
            raw = child.text or ""
        elif local == "f":
            formula = child.text or ""
        elif local == "is":
            inline = _rich_text(child)
    if kind == "inlineStr":
        return inline
    if formula is not None and not raw and kind != "str":
        # openpyxl and other writers leave the value out or empty: Excel would compute it on opening.
        grid.formula_without_value(row, column, "=" + (formula or "…"))
        return None
    if raw is None:
        return None
    if kind == "s":
        if not raw.strip().isdigit() or int(raw) >= len(strings):
            raise PSTFileError(
                _("Le classeur Excel est endommagé : la %(where)s renvoie à un texte qui n'existe pas.")
                % {"where": grid.where(row, column)}
            )
        return strings[int(raw)]
    if kind in ("str", "e"):
        return raw
    if kind == "b":
        return raw.strip() in ("1", "true")
    if kind == "d":
        try:
            value = datetime.fromisoformat(raw.strip())
        except ValueError:
            return raw
        return value.date() if not (value.hour or value.minute) else value
    if not raw.strip():
        return None
    number = _number(raw.strip(), grid, row, column)
    style = cell.get("s", "0")
    if style.isdigit() and int(style) in dates:
        return _as_date(number, epoch)
    return number


def _read_sheet(archive, name, path, strings, dates, epoch, budget, *, head_only=False) -> Grid:
    """The sheet's grid; with ``head_only``, its first rows only (where a header would be)."""
    from territoire.pst.mapping import HEADER_SCAN_ROWS

    grid = Grid(name)
    # Only « end » events (half as many as with « start »): a row's number is read from a cell's parent.
    stream, events = _iterparse(archive, path, [f"{{{ns}}}{tag}" for ns in (MAIN, STRICT) for tag in ("row", "c")])
    row_number, column, cells, stale, count = 0, -1, None, None, 0
    cell_tags = {f"{{{ns}}}c" for ns in (MAIN, STRICT)}
    with stream:
        try:
            for _event, element in events:
                budget.spend(grid)
                is_cell = element.tag in cell_tags
                if cells is None:
                    row_number = _row_number(element.getparent() if is_cell else element, grid, row_number)
                    if head_only and row_number > HEADER_SCAN_ROWS:
                        grid.truncated = True
                        break
                    column, cells, stale = -1, [], None
                if is_cell:
                    if len(element):
                        if element.get("r") is None and stale is not None:
                            column = _column_of(stale)
                        column = _read_cell(element, grid, row_number, column, cells, strings, dates, epoch)
                        stale = None
                    else:
                        # No value, no formula (the styled empty cells of a formatted area): the fast path, its
                        # reference read only if a cell without one follows.
                        reference = element.get("r")
                        if reference is None:
                            column = (_column_of(stale) if stale is not None else column) + 1
                            stale = None
                        else:
                            stale = reference
                    count += 1
                    if count % 4096 == 0:
                        del element.getparent()[:-1]  # A row of millions of cells is forgotten as it is read.
                    continue
                if grid.next_row < row_number:
                    grid.add([], repeat=row_number - grid.next_row)
                grid.add(cells)
                cells = None
                _release(element)
        except etree.XMLSyntaxError as error:
            raise PSTFileError(
                _(
                    "La feuille « %(sheet)s » du classeur Excel est tronquée ou mal formée (ligne %(line)s du XML, "
                    "ligne %(row)s du tableau) : ouvrez-le et enregistrez-le à nouveau."
                )
                % {"sheet": name, "line": error.lineno or "?", "row": row_number}
            ) from None
    return grid


def _row_number(row, grid: Grid, previous: int) -> int:
    declared = row.get("r")
    if declared is None:
        return previous + 1
    if not declared.isdigit() or int(declared) <= previous:
        raise PSTFileError(
            _("Le classeur Excel est endommagé : numéro de ligne « %(value)s » invalide (%(where)s).")
            % {"value": declared[:20], "where": grid.where(previous + 1)}
        )
    return int(declared)


def _read_cell(cell, grid, row_number, column, cells, strings, dates, epoch) -> int:
    """Put the cell's value in ``cells``; returns its column (from 0)."""
    reference = cell.get("r")
    if reference is not None:
        column = _column_of(reference)
        if column is None:
            raise PSTFileError(
                _("Le classeur Excel est endommagé : référence de cellule « %(value)s » (%(where)s).")
                % {"value": reference[:20], "where": grid.where(row_number)}
            )
    else:
        column += 1
    value = _cell_value(cell, grid, row_number, column, strings, dates, epoch)
    if is_blank(value):
        return column
    if column >= MAX_COLUMNS:
        raise grid.too_wide(row_number, column)
    if column >= len(cells):
        cells.extend([None] * (column + 1 - len(cells)))
    cells[column] = value
    return column


@functools.lru_cache(maxsize=1024)
def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1


def _column_of(reference: str) -> int | None:
    """« AB12 » → 27; ``None`` when it is not a cell reference."""
    letters = reference.rstrip("0123456789")
    if not (0 < len(letters) <= 3 and letters.isalpha() and letters.isupper() and reference[len(letters) :].isdigit()):
        return None
    return _column_index(letters)


def _workbook(archive):
    """What reading any sheet needs: [(name, path)], shared strings, date styles, epoch, one element budget."""
    sheets, strings_path, styles_path, date1904 = _sheets(archive)
    if not sheets:
        raise PSTFileError(_("Le classeur Excel ne contient aucune feuille."))
    strings = _shared_strings(archive, strings_path)
    dates = _date_styles(archive, styles_path)
    epoch = CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900
    return sheets, strings, dates, epoch, ElementBudget()


def read(data: bytes) -> Grid:
    """The grid of the first sheet with a recognised header (or the first sheet)."""
    from territoire.pst.mapping import find_header

    archive = zipguard.open_archive(data)
    with archive:
        sheets, strings, dates, epoch, budget = _workbook(archive)
        if len(sheets) == 1:
            return _read_sheet(archive, *sheets[0], strings, dates, epoch, budget)
        # Only the first rows of each sheet tell which one holds the PST: the others are never read whole.
        heads = [
            _read_sheet(archive, name, path, strings, dates, epoch, budget, head_only=True) for name, path in sheets
        ]
        for (name, path), head in zip(sheets, heads, strict=True):
            if find_header(head.rows) is not None:
                return _read_sheet(archive, name, path, strings, dates, epoch, budget)
        return heads[0]


def read_all(data: bytes) -> list[Grid]:
    """The grids of every sheet, in the workbook's order, under the same limits (for workbooks of several tabs,
    such as the roadmap's; each grid's ``sheet`` is its tab's name)."""
    archive = zipguard.open_archive(data)
    with archive:
        sheets, strings, dates, epoch, budget = _workbook(archive)
        return [_read_sheet(archive, name, path, strings, dates, epoch, budget) for name, path in sheets]
