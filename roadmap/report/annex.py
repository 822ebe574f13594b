"""The report's spreadsheet annex: the ranking and the project sheets, through the shared spreadsheet writer.

Its rows are frozen with the report's snapshot when a version is asked for (``collect``, plain JSON), and the
worker writes the workbook next to the PDF (``render_xlsx``), so the annex says what the PDF says.
"""

from decimal import Decimal

from django.utils.translation import gettext as _

from roadmap.selectors.sheets import sheet_rows
from roadmap.services.decisions import roadmap_snapshot
from territoire.spreadsheets import AMOUNT_FORMAT, Sheet, xlsx_bytes


def collect(mission) -> dict:
    ranking = roadmap_snapshot(mission)
    sheets = [
        {
            "code": sheet.code,
            "title": sheet.title,
            "status": sheet.get_status_display(),
            "theme": sheet.get_theme_display() if sheet.theme else "",
            "duration_months": sheet.duration_months,
            "investment": str(costs.investment),
            "running": str(costs.running),
            "subsidies": str(costs.subsidies),
            "net": str(costs.net),
            "fte_internal": str(sheet.fte_internal) if sheet.fte_internal is not None else None,
        }
        for sheet, costs in sheet_rows(mission)
    ]
    # Every sheet appears in the ranking sheet: those the ranking leaves out (not scored, no criteria yet) at the end.
    ranked = {row["code"] for row in ranking["ranking"]}
    not_ranked = [{"code": row["code"], "title": row["title"]} for row in sheets if row["code"] not in ranked]
    return {"ranking": ranking["ranking"], "not_ranked": not_ranked, "sheets": sheets}


def _amount(value):
    return Decimal(value) if value not in (None, "") else None


def render_xlsx(annex: dict) -> bytes:
    ranking = Sheet(
        title=_("Classement"),
        header=[_("Rang"), _("Code"), _("Intitulé"), _("Score total"), _("Classe de priorité"), _("Robustesse")],
        rows=[
            *(
                [row["position"], row["code"], row["title"], row["total"], row["priority"], row.get("badge", "")]
                for row in annex.get("ranking", [])
            ),
            *([None, row["code"], row["title"], None, _("non classée"), ""] for row in annex.get("not_ranked", [])),
        ],
        widths=[7, 12, 50, 12, 18, 24],
    )
    sheets = Sheet(
        title=_("Fiches projets"),
        header=[
            _("Code"),
            _("Intitulé"),
            _("Statut"),
            _("Thème"),
            _("Durée (mois)"),
            _("Investissement HTVA"),
            _("Fonctionnement annuel HTVA"),
            _("Subsides"),
            _("Coût net"),
            _("ETP internes"),
        ],
        rows=(
            [
                row["code"],
                row["title"],
                row["status"],
                row["theme"],
                row["duration_months"],
                _amount(row["investment"]),
                _amount(row["running"]),
                _amount(row["subsidies"]),
                _amount(row["net"]),
                _amount(row["fte_internal"]),
            ]
            for row in annex.get("sheets", [])
        ),
        widths=[12, 50, 14, 18, 12, 20, 20, 16, 16, 12],
        formats={5: AMOUNT_FORMAT, 6: AMOUNT_FORMAT, 7: AMOUNT_FORMAT, 8: AMOUNT_FORMAT},
    )
    return xlsx_bytes(ranking, sheets)
