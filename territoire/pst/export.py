"""A PST → XLSX or CSV, one row per action and objective it serves; re-importing the file changes nothing.

Both go through ``territoire.spreadsheets`` (formula neutralisation, Belgian formats).
"""

from django.utils.translation import gettext as _

from territoire import spreadsheets
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


AMOUNT_COLUMN = 12
WIDTHS = [9, 8, 40, 9, 40, 10, 50, 20, 20, 20, 12, 12, 14, 18, 14, 10, 6, 16, 16, 20, 16]


def write_csv(out, nodes) -> None:
    spreadsheets.write_csv(out, headers(), rows(nodes))


def write_xlsx(out, nodes, title: str) -> None:
    sheet = spreadsheets.Sheet(
        title=spreadsheets.sheet_title(title, default="PST"),
        header=headers(),
        rows=rows(nodes),
        widths=WIDTHS,
        formats={AMOUNT_COLUMN: spreadsheets.AMOUNT_FORMAT},
    )
    spreadsheets.write_xlsx(out, [sheet])
