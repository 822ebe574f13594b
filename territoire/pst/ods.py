"""A LibreOffice workbook (.ods) → the rows of its PST sheet, streamed with lxml at a bounded cost.

odfpy builds the whole document in memory (a 2 KB file of repeated rows took 6 GB); this reader walks
``content.xml`` once with ``iterparse``, forgets each row once read and expands ``number-rows-repeated``
and ``number-columns-repeated`` only after checking them against the limits of ``grid``. Blank repeats
(LibreOffice ends each sheet with a row repeated about a million times, of cells repeated 1 024 times)
are counted, never built. Tables drawn inside a cell (an ODT habit) are not supported.
"""

from datetime import date

from django.utils.translation import gettext as _
from lxml import etree

from territoire.pst import PSTFileError, zipguard
from territoire.pst.grid import MAX_COLUMNS, ElementBudget, Grid, is_blank

TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
SHEET, ROW = f"{{{TABLE}}}table", f"{{{TABLE}}}table-row"
CELLS = (f"{{{TABLE}}}table-cell", f"{{{TABLE}}}covered-table-cell")
VALUE_TYPE, FORMULA = f"{{{OFFICE}}}value-type", f"{{{TABLE}}}formula"
MAX_REPEAT = 10**9


def _repeat(element, attribute: str, grid: Grid, row: int, column: int | None = None) -> int:
    raw = element.get(f"{{{TABLE}}}{attribute}", "1")
    if not raw.strip().isdigit() or not 0 < int(raw) <= MAX_REPEAT:
        raise PSTFileError(
            _(
                "Le classeur LibreOffice est endommagé : « %(attribute)s » vaut « %(value)s » au lieu d'un nombre "
                "(%(where)s)."
            )
            % {"attribute": attribute, "value": raw[:20], "where": grid.where(row, column)}
        )
    return int(raw)


def _flatten(node, parts: list) -> None:
    parts.append(node.text or "")
    for child in node:
        local = etree.QName(child).localname if isinstance(child.tag, str) else ""
        if local == "s":
            count = child.get(f"{{{TEXT}}}c", "1")
            parts.append(" " * (min(int(count), 100) if count.isdigit() else 1))
        elif local == "tab":
            parts.append("\t")
        elif local == "line-break":
            parts.append("\n")
        if local != "annotation":
            _flatten(child, parts)
        parts.append(child.tail or "")


def _text(cell) -> str | None:
    """The paragraphs of a cell, one per line (comments left out)."""
    paragraphs = []
    for paragraph in cell:
        if paragraph.tag == f"{{{TEXT}}}p":
            parts: list = []
            _flatten(paragraph, parts)
            paragraphs.append("".join(parts))
    return "\n".join(paragraphs) or None


def _value(cell, grid: Grid, row: int, column: int):
    kind = cell.get(f"{{{OFFICE}}}value-type")
    if kind in ("float", "currency", "percentage"):
        raw = cell.get(f"{{{OFFICE}}}value")
        if raw is None:
            return _no_value(cell, grid, row, column)
        try:
            number = float(raw)
        except ValueError:
            number = None
        if number is None or number != number or number in (float("inf"), float("-inf")):
            raise PSTFileError(
                _("Le classeur LibreOffice est endommagé : la %(where)s porte « %(value)s » au lieu d'un nombre.")
                % {"where": grid.where(row, column), "value": raw[:40]}
            )
        return int(number) if number.is_integer() and kind != "percentage" else number
    if kind == "date":
        raw = cell.get(f"{{{OFFICE}}}date-value", "")
        if not raw:
            return _no_value(cell, grid, row, column)
        try:
            return date.fromisoformat(raw[:10])
        except ValueError:
            return raw
    if kind == "boolean":
        return cell.get(f"{{{OFFICE}}}boolean-value")
    text = _text(cell)
    if text is None and kind is None:
        return _no_value(cell, grid, row, column)
    return text


def _no_value(cell, grid, row, column):
    formula = cell.get(f"{{{TABLE}}}formula")
    if formula:
        grid.formula_without_value(row, column, formula.split(":", 1)[-1] if formula.startswith("of:") else formula)
    return None


def _release(element) -> None:
    element.clear()
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


class _Row:
    """The row being read: its number, how many times it repeats, its cells so far."""

    def __init__(self, element, grid: Grid):
        self.number = grid.next_row
        self.repeat = _repeat(element, "number-rows-repeated", grid, self.number)
        self.cells: list = []
        self.column = 0

    def add(self, cell, grid: Grid) -> None:
        repeat = _repeat(cell, "number-columns-repeated", grid, self.number, self.column)
        value = _value(cell, grid, self.number, self.column)
        if is_blank(value):
            self.column += repeat  # Blank cells are counted, never built.
            return
        if self.column + repeat > MAX_COLUMNS:
            raise grid.too_wide(self.number, max(self.column, MAX_COLUMNS))
        self.cells.extend([None] * (self.column - len(self.cells)))
        self.cells.extend([value] * repeat)
        self.column += repeat


def read(data: bytes) -> Grid:
    """The grid of the first sheet with a recognised header (or the first rows of the first sheet)."""
    from territoire.pst.mapping import HEADER_SCAN_ROWS, find_header

    archive = zipguard.open_archive(data)
    with archive:
        stream = zipguard.open_member(archive, "content.xml")
        if stream is None:
            raise PSTFileError(_("Le classeur LibreOffice est illisible ou endommagé (« content.xml » manque)."))
        # Only « end » events (half as many as with « start »): a row's attributes are read from a cell's parent.
        events = etree.iterparse(
            stream,
            events=("end",),
            tag=(SHEET, ROW, *CELLS),
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=False,
        )
        budget = ElementBudget()
        first = grid = row = None
        count = 0
        chosen = False  # The current sheet has a header: it is read whole.
        with stream:
            try:
                for _event, element in events:
                    tag = element.tag
                    if tag == SHEET:
                        grid = grid or Grid(element.get(f"{{{TABLE}}}name", ""))
                        chosen = chosen or (not grid.truncated and find_header(grid.rows) is not None)
                        if chosen:
                            return grid
                        first = first or grid
                        grid, row = None, None
                        _release(element)
                        continue
                    if grid is None:
                        sheet = next(element.iterancestors(SHEET), None)
                        grid, chosen = Grid(sheet.get(f"{{{TABLE}}}name", "") if sheet is not None else ""), False
                    budget.spend(grid)
                    if grid.truncated:
                        _release(element)
                        continue
                    if row is None:
                        row = _Row(element.getparent() if tag in CELLS else element, grid)
                    if tag in CELLS:
                        if len(element) or element.get(VALUE_TYPE) is not None or element.get(FORMULA) is not None:
                            row.add(element, grid)
                        else:  # The fast path of empty cells: only their count matters.
                            row.column += _repeat(element, "number-columns-repeated", grid, row.number, row.column)
                        count += 1
                        if count % 4096 == 0:
                            del element.getparent()[:-1]  # A row of millions of cells is forgotten as it is read.
                        continue
                    grid.add(row.cells, repeat=row.repeat)
                    row = None
                    _release(element)
                    if not chosen and grid.next_row > HEADER_SCAN_ROWS:
                        # Only the first rows tell whether this sheet holds the PST; the others are skipped.
                        chosen = find_header(grid.rows) is not None
                        grid.truncated = not chosen
            except etree.XMLSyntaxError as error:
                raise PSTFileError(
                    _(
                        "Le classeur LibreOffice est tronqué ou mal formé (ligne %(line)s du XML%(where)s) : "
                        "ouvrez-le et enregistrez-le à nouveau."
                    )
                    % {
                        "line": error.lineno or "?",
                        "where": ", " + grid.where(grid.next_row) if grid is not None else "",
                    }
                ) from None
    if first is None:
        raise PSTFileError(_("Le fichier ne contient aucune donnée."))
    return first
