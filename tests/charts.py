"""Reading the charts of a page in tests: each drawing and the table of its numbers."""

import re

FIGURE_RE = re.compile(
    r'<figure class="chart[^"]*"[^>]*>(.*?)</figure>\s*(?:<div class="table-responsive">\s*)?(<table)?', re.S
)


def figures(page: str) -> list[tuple[str, bool]]:
    """Each chart figure of ``page`` as ``(its HTML, whether a table follows it)``."""
    return [(m.group(1), bool(m.group(2))) for m in FIGURE_RE.finditer(page)]


def charts_without_numbers(page: str) -> list[str]:
    """The titles (or the start) of the charts of ``page`` whose numbers are neither one click away inside the
    figure (a "Voir les chiffres" table) nor in a table right after it."""
    missing = []
    for html, table_after in figures(page):
        inside = "<details" in html and "Voir les chiffres" in html and "<tbody>" in html
        if not (inside or table_after):
            title = re.search(r"<title>(.*?)</title>", html)
            missing.append(title.group(1) if title else html[:80])
    return missing
