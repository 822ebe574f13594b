"""How the report looks: a snapshot (see ``content``) becomes one HTML document, for the PDF and the preview.

The document is written for WeasyPrint's paged media (``static/roadmap/report.css``): a cover, a table of
contents whose page numbers come from ``target-counter()``, running headers and footers, the four parts, one
page or more per retained sheet, and the annexes. Reading order is the HTML order (the PDF is tagged).

User text is escaped by the template engine. The only strings marked safe are the charts' SVG, drawn on the
server by ``territoire.charts`` (pygal escapes its labels) and ``diagnostics.diagram`` (Graphviz, escaped
labels); :func:`_safe_svg` refuses anything else that would pretend to be one.
"""

import functools
import re
from datetime import date, datetime
from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

STYLESHEET = "roadmap/report.css"
_SVG = re.compile(r"\A\s*<svg\b", re.I)
_FORBIDDEN = re.compile(r"<script\b|<foreignObject\b|\bon\w+\s*=|javascript:", re.I)
_CHART_KEYS = {"chart", "diagram"}


def _safe_svg(value: str) -> str:
    """An SVG drawn by the chart helpers, marked safe; anything else (or an SVG with a script) becomes ""."""
    if not value or not _SVG.match(value) or _FORBIDDEN.search(value):
        return ""
    return mark_safe(value)  # noqa: S308 - drawn by pygal / Graphviz from escaped labels, checked above


def _is_date_key(key: str) -> bool:
    return key == "date" or key.endswith("_date") or key.endswith("_at")


def _hydrate(value, key: str = ""):
    """The snapshot with its ISO dates back as dates (for ``|date``) and its charts marked safe."""
    if isinstance(value, dict):
        return {k: _hydrate(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_hydrate(v, key) for v in value]
    if isinstance(value, str):
        if key in _CHART_KEYS:
            return _safe_svg(value)
        if _is_date_key(key) and value:
            try:
                return date.fromisoformat(value) if len(value) == 10 else datetime.fromisoformat(value)
            except ValueError:
                return value
    return value


@functools.cache
def stylesheet() -> str:
    """The report's CSS, inlined in the document: the same file serves the PDF and the browser preview,
    whatever URL the preview is served from."""
    return Path(finders.find(STYLESHEET)).read_text(encoding="utf-8")


def render_html(snapshot: dict, *, version: dict | None = None) -> str:
    """The complete HTML document (``lang="fr"``, ``<title>``) of the report for this snapshot.

    ``version`` (number, date, author) is printed on the cover; None for a preview.
    """
    report = _hydrate(snapshot)
    version = _hydrate(version) if version else None
    return render_to_string(
        "roadmap/report/document.html",
        {"report": report, "version": version, "stylesheet": mark_safe(stylesheet())},  # noqa: S308 - our own file
    )
