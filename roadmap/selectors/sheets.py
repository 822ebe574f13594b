"""Reads of project sheets that combine several tables: the list with its computed money."""

from django.db.models import Count, Prefetch

from roadmap.models import FundingLine, ProjectSheet
from roadmap.selectors.costs import SheetCosts, sheet_costs


def money_prefetch() -> tuple:
    return ("budget_lines", Prefetch("funding_lines", queryset=FundingLine.objects.select_related("call")))


def sheet_rows(mission, *, status: str = "", theme: str = "") -> list[tuple[ProjectSheet, SheetCosts]]:
    """The mission's sheets with their costs and number of findings, in three queries whatever their number."""
    sheets = ProjectSheet.objects.for_mission(mission).annotate(finding_count=Count("findings", distinct=True))
    if status:
        sheets = sheets.filter(status=status)
    if theme:
        sheets = sheets.filter(theme=theme)
    return [
        (sheet, sheet_costs(sheet.budget_lines.all(), sheet.funding_lines.all()))
        for sheet in sheets.prefetch_related(*money_prefetch())
    ]
