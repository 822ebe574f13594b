"""The rows of one sheet as a reader builds them, with the limits of a PST checked before anything grows.

Blank rows are counted, not stored, until a row with content follows them: the million empty rows
LibreOffice writes at the end of a sheet, or a stray format on row 1 048 576, cost nothing. A cell or row
repeated N times is checked against the limits before it is multiplied. Refusals are French
``PSTFileError`` saying where.
"""

from django.utils.translation import gettext as _

from territoire.pst import PSTFileError

MAX_ROWS = 20_000
MAX_COLUMNS = 200
MAX_CELLS = 1_000_000
# XML elements (cells and rows, even empty ones) a reader walks through in one file: ~1 µs each.
MAX_ELEMENTS = 1_000_000
MAX_FORMULA_WARNINGS = 20


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def column_letter(index: int) -> str:
    """0 → « A », 27 → « AB »."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


class ElementBudget:
    """How many more XML cells and rows a reader may walk through in this file, blank or not."""

    def __init__(self):
        self.left = MAX_ELEMENTS

    def spend(self, grid: "Grid") -> None:
        self.left -= 1
        if self.left < 0:
            raise PSTFileError(
                _(
                    "Le classeur compte plus de %(max)s cellules, même vides (%(where)s) : un PST n'en a jamais "
                    "autant. Copiez le tableau du PST seul dans un nouveau classeur."
                )
                % {"max": f"{MAX_ELEMENTS:,}".replace(",", "\u202f"), "where": grid.where(grid.next_row)}
            )


class Grid:
    """Rows of cells of one sheet (``rows``), plus the cells whose formula has no computed value."""

    def __init__(self, sheet: str = ""):
        self.sheet = sheet
        self.rows: list[list] = []
        self.blank_rows = 0
        self.cells = 0
        self.formula_cells: list[tuple[str, str]] = []
        self.truncated = False  # Only the first rows were read (a sheet without a header, among others).

    def where(self, row: int, column: int | None = None) -> str:
        """« feuille « PST », cellule C12 » (row and column from 1 and 0)."""
        place = f"{column_letter(column)}{row}" if column is not None else _("ligne %(row)s") % {"row": row}
        if column is not None:
            place = _("cellule %(cell)s") % {"cell": place}
        return _("feuille « %(sheet)s », %(place)s") % {"sheet": self.sheet, "place": place} if self.sheet else place

    @property
    def next_row(self) -> int:
        """The number (from 1) of the row that comes next."""
        return len(self.rows) + self.blank_rows + 1

    def add(self, cells: list, repeat: int = 1) -> None:
        """Append a row (already checked against ``MAX_COLUMNS``), ``repeat`` times."""
        if all(is_blank(cell) for cell in cells):
            self.blank_rows += repeat
            return
        first = len(self.rows) + self.blank_rows + 1
        if first + repeat - 1 > MAX_ROWS:
            where = max(first, MAX_ROWS + 1)
            raise PSTFileError(
                _(
                    "Le tableau continue au-delà de %(max)s lignes (une valeur en %(where)s) : découpez-le "
                    "(un PST n'en a jamais autant) ou effacez ce qui se trouve sous le tableau."
                )
                % {"where": self.where(where), "max": f"{MAX_ROWS:,}".replace(",", "\u202f")}
            )
        filled = sum(1 for cell in cells if not is_blank(cell)) * repeat
        self.cells += filled
        if self.cells > MAX_CELLS:
            raise PSTFileError(
                _(
                    "Le fichier compte plus de %(max)s cellules remplies (%(where)s) : un PST n'en a jamais autant. "
                    "Supprimez les colonnes et les feuilles qui ne font pas partie du PST."
                )
                % {"max": f"{MAX_CELLS:,}".replace(",", "\u202f"), "where": self.where(first)}
            )
        self.rows.extend([] for _ in range(self.blank_rows))
        self.blank_rows = 0
        self.rows.extend([cells] * repeat)

    def too_wide(self, row: int, column: int):
        """The refusal of a value beyond ``MAX_COLUMNS`` (column from 0)."""
        return PSTFileError(
            _(
                "Le tableau a une valeur au-delà de %(max)s colonnes (%(where)s, colonne n° %(column)s) : ce n'est "
                "pas un PST. Effacez ce qui se trouve à droite du tableau."
            )
            % {"column": column + 1, "where": self.where(row, column), "max": MAX_COLUMNS}
        )

    def formula_without_value(self, row: int, column: int, formula: str) -> None:
        self.formula_cells.append((f"{column_letter(column)}{row}", formula))

    def warnings(self) -> list[str]:
        """French warnings for the preview: each formula cell imported empty, the first ones by name."""
        found = []
        for cell, formula in self.formula_cells[:MAX_FORMULA_WARNINGS]:
            found.append(
                _(
                    "Cellule %(cell)s : formule « %(formula)s » sans valeur calculée, importée vide — à compléter "
                    "(ou ouvrez le fichier dans Excel ou LibreOffice, enregistrez-le et importez-le à nouveau)."
                )
                % {"cell": cell, "formula": formula[:60]}
            )
        hidden = len(self.formula_cells) - MAX_FORMULA_WARNINGS
        if hidden > 0:
            found.append(
                _("Et %(count)s autres cellules à formule sans valeur calculée, importées vides.") % {"count": hidden}
            )
        return found
