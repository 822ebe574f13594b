"""A PST → XLSX or CSV, one row per action and objective it serves; re-importing the file changes nothing."""

import csv
import io
from decimal import Decimal

from django.utils.translation import gettext as _

from territoire.models import NodeLevel, PSTNodeLink, SmartDimension, SmartTheme


def headers() -> list[str]:
    return [
        _("Volet"),
        _("Code OS"),
        _("Objectif stratégique"),
        _("Code OO"),
        _("Objectif opérationnel"),
        _("Code action"),
        _("Action"),
        _("Service pilote"),
        _("Agent responsable"),
        _("Mandataire"),
        _("Date de début"),
        _("Date de fin"),
        _("Budget"),
        _("Source du budget"),
        _("État"),
        _("Avancement (%)"),
        _("ETP"),
        _("Plans"),
        _("Partenaires"),
        _("Thèmes"),
        _("Dimensions"),
    ]


def rows(nodes) -> list[list]:
    """``nodes`` with ``objectives``, ``links`` and ``tags`` prefetched, in tree order."""
    by_id = {n.pk: n for n in nodes}
    oo_with_actions = set()
    result = []
    for node in nodes:
        if node.level == NodeLevel.ACTION:
            for oo in node.objectives.all():
                oo_with_actions.add(oo.pk)
                result.append(_row(by_id.get(oo.parent_id), by_id.get(oo.pk, oo), node))
    for node in nodes:
        if node.level == NodeLevel.OO and node.pk not in oo_with_actions:
            result.append(_row(by_id.get(node.parent_id), node, None))
        elif node.level == NodeLevel.OS and not any(n.parent_id == node.pk for n in nodes):
            result.append(_row(node, None, None))
    return result


def _row(os_node, oo_node, action):
    main = action or oo_node or os_node
    links = list(main.links.all()) if action else []
    tags = list(main.tags.all()) if action else []
    return [
        main.get_volet_display() if main.volet else "",
        os_node.code if os_node else "",
        os_node.title if os_node else "",
        oo_node.code if oo_node else "",
        oo_node.title if oo_node else "",
        action.code if action else "",
        action.title if action else "",
        action.service if action else "",
        action.responsible if action else "",
        action.political_lead if action else "",
        action.start_date if action else None,
        action.end_date if action else None,
        action.budget if action else None,
        action.get_budget_source_display() if action and action.budget_source else "",
        action.get_state_display() if action and action.state else "",
        action.progress if action else None,
        action.fte if action else None,
        ", ".join(link.name for link in links if link.kind == PSTNodeLink.Kind.PLAN),
        ", ".join(link.name for link in links if link.kind == PSTNodeLink.Kind.PARTNER),
        ", ".join(str(SmartTheme(t.value).label) for t in tags if t.kind == "theme"),
        ", ".join(str(SmartDimension(t.value).label) for t in tags if t.kind == "dimension"),
    ]


FORMULA_START = ("=", "+", "@")


def _csv_value(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, int | float | Decimal):
        return str(value).replace(".", ",")
    # A title starting with « = » must not become a formula in the commune's spreadsheet (CSV injection).
    return f"'{value}" if value.startswith(FORMULA_START) else value


def to_csv(nodes) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(headers())
    for row in rows(nodes):
        writer.writerow([_csv_value(v) for v in row])
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(nodes, title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = title[:31] or "PST"
    sheet.append(headers())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows(nodes):
        sheet.append(row)
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"  # text from the PST, never a formula
        row[10].number_format = row[11].number_format = "DD/MM/YYYY"
        row[12].number_format = '#,##0.00 "€"'
    for letter, width in zip(
        "ABCDEFGHIJKLMNOPQRSTU",
        [9, 8, 40, 9, 40, 10, 50, 20, 20, 20, 12, 12, 14, 18, 14, 10, 6, 16, 16, 20, 16],
        strict=True,
    ):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
