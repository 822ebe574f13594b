"""One entry point for the screen and the management command: file bytes → payload to preview."""

from django.utils.translation import gettext as _

from territoire.pst import PSTFileError, ecomptes, mapping, readers, tabular
from territoire.pst.values import normalize


def parse_file(data: bytes, name: str = "", columns: list[str] | None = None) -> dict:
    """Read and validate a PST file. Raises ``PSTFileError`` when it cannot be read at all.

    Returns the payload: ``format``, ``meta``, ``nodes``, ``errors`` (row, column, message), ``warnings``
    and, for spreadsheets, ``headers``, ``header_row`` and ``columns`` (the mapping, one field per column).
    """
    file_format = readers.detect_format(data, name)
    if file_format == "xml":
        payload = ecomptes.read(data)
        payload.update(format="xml", headers=[], columns=[], header_row=None)
        return payload
    rows, warnings = readers.read_sheet(data, file_format)
    header_index = mapping.find_header(rows)
    if header_index is None:
        raise PSTFileError(
            _(
                "Aucune ligne d'en-tête reconnue dans les %(n)s premières lignes : la première ligne du tableau doit "
                "nommer les colonnes (par exemple Code, Intitulé, Service pilote, Date de fin, Budget, État)."
            )
            % {"n": mapping.HEADER_SCAN_ROWS}
        )
    headers = [str(h).strip() if h is not None else "" for h in rows[header_index]]
    header_words = [normalize(h) for h in headers]
    # The header printed again at the top of each page is not data (blanked, so row numbers stay true).
    rows = rows[: header_index + 1] + [
        [] if [normalize(v) for v in row[: len(headers)]] == header_words else row for row in rows[header_index + 1 :]
    ]
    data_rows = rows[header_index + 1 :]
    width = max(len(headers), max((len(r) for r in data_rows), default=0))
    headers += [""] * (width - len(headers))
    if columns is None or len(columns) != width:
        columns = mapping.auto_columns(headers, data_rows)
    payload = tabular.parse_rows(rows, header_index, columns)
    payload.update(
        format=file_format, meta={}, warnings=warnings, headers=headers, columns=columns, header_row=header_index + 1
    )
    if not payload["nodes"] and not payload["errors"]:
        raise PSTFileError(_("Le tableau ne contient aucun objectif ni aucune action sous sa ligne d'en-tête."))
    return payload
