"""The roadmap workbook: sheets, their lines, the exporting consultant's scores and the ranking, in one XLSX.

The same workbook is the export of the sheet list and of the ranking page (an ``ExportJob`` kind registered
in ``RoadmapConfig.ready``), the report's XLSX annex (:func:`roadmap_workbook`) and the template to fill for
an import (``roadmap.services.workbook`` reads it back: the tab and column names below are that contract).
An empty mission's workbook is that blank template: headers only.

What a person sees follows the pages: every member reads the sheets; the « Cotes » tab holds only the
exporting consultant's own scores; the « Classement » tab is empty for a scorer who has not submitted their
grid yet (the ranking page hides it from them too).
"""

import io
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from roadmap.models import BudgetLine, Criterion, FundingLine, ProjectSheet, Score, SheetRisk
from roadmap.selectors.costs import sheet_costs
from territoire import access, spreadsheets


@dataclass(frozen=True)
class Column:
    """One column of a tab: its French header, the model field it reads and writes (empty: computed, read-only)."""

    header: object
    field: str = ""
    width: int = 14


# The tabs the import reads back, by their French title; the first column of each child tab is the sheet code.
SHEETS_TAB = gettext_lazy("Fiches")
BUDGET_TAB = gettext_lazy("Budget")
FUNDING_TAB = gettext_lazy("Financements")
INDICATORS_TAB = gettext_lazy("Indicateurs")
RISKS_TAB = gettext_lazy("Risques")
PREREQUISITES_TAB = gettext_lazy("Prérequis")
SCORES_TAB = gettext_lazy("Cotes")
RANKING_TAB = gettext_lazy("Classement")

SHEET = Column(gettext_lazy("Fiche"), "sheet", 10)
SHEET_COLUMNS = (
    Column(gettext_lazy("Code"), "code", 10),
    Column(gettext_lazy("Intitulé"), "title", 36),
    Column(gettext_lazy("Statut"), "status", 12),
    Column(gettext_lazy("Thème"), "theme", 16),
    Column(gettext_lazy("Dimension"), "dimension", 16),
    Column(gettext_lazy("Contexte"), "context", 40),
    Column(gettext_lazy("Objectifs"), "objectives", 40),
    Column(gettext_lazy("Solution : application / logiciel"), "solution_software", 36),
    Column(gettext_lazy("Solution : équipement / infrastructure"), "solution_equipment", 36),
    Column(gettext_lazy("Solution : communication / accompagnement"), "solution_communication", 36),
    Column(gettext_lazy("Acteurs et partenaires"), "stakeholders", 30),
    Column(gettext_lazy("Durée (mois)"), "duration_months", 10),
    Column(gettext_lazy("ETP internes"), "fte_internal", 10),
    Column(gettext_lazy("ETP externes"), "fte_external", 10),
    Column(gettext_lazy("Coût net (calculé, HTVA)"), "", 16),
    Column(gettext_lazy("Fonctionnement annuel (calculé, HTVA)"), "", 16),
)
BUDGET_COLUMNS = (
    SHEET,
    Column(gettext_lazy("Libellé"), "label", 30),
    Column(gettext_lazy("Catégorie"), "category", 20),
    Column(gettext_lazy("Nature"), "kind", 20),
    Column(gettext_lazy("Montant HTVA"), "amount", 14),
    Column(gettext_lazy("TVA (%)"), "vat_rate", 8),
    Column(gettext_lazy("Montant TVAC (calculé)"), "", 14),
    Column(gettext_lazy("Année"), "year", 8),
)
FUNDING_COLUMNS = (
    SHEET,
    Column(gettext_lazy("Source"), "source", 18),
    Column(gettext_lazy("Appel à projets"), "call", 30),
    Column(gettext_lazy("Précision"), "label", 24),
    Column(gettext_lazy("Montant demandé"), "amount", 14),
    Column(gettext_lazy("Statut"), "status", 12),
)
INDICATOR_COLUMNS = (
    SHEET,
    Column(gettext_lazy("Indicateur"), "indicator", 36),
    Column(gettext_lazy("Cible"), "target", 16),
    Column(gettext_lazy("Unité"), "unit", 12),
)
RISK_COLUMNS = (
    SHEET,
    Column(gettext_lazy("Risque"), "risk", 36),
    Column(gettext_lazy("Probabilité"), "likelihood", 12),
    Column(gettext_lazy("Mesure d'atténuation"), "mitigation", 36),
)
PREREQUISITE_COLUMNS = (SHEET, Column(gettext_lazy("Prérequis"), "prerequisite", 12))
SCORE_COLUMNS = (
    SHEET,
    Column(gettext_lazy("Critère"), "criterion", 16),
    Column(gettext_lazy("Note"), "value", 8),
    Column(gettext_lazy("Commentaire"), "comment", 40),
)
# The tabs the import reads, with their columns and the relation of the sheet they fill.
LINE_TABS = {
    "budget": (BUDGET_TAB, BUDGET_COLUMNS),
    "funding": (FUNDING_TAB, FUNDING_COLUMNS),
    "indicators": (INDICATORS_TAB, INDICATOR_COLUMNS),
    "risks": (RISKS_TAB, RISK_COLUMNS),
}


def display(line, name: str):
    """A choice field as its French label (what the import accepts back), any other field as it is."""
    value = getattr(line, name)
    if value and hasattr(line, f"get_{name}_display"):
        return str(getattr(line, f"get_{name}_display")())
    return value if value != "" else None


def _sheets(mission):
    return list(
        ProjectSheet.objects.for_mission(mission)
        .order_by("code")
        .prefetch_related(
            "budget_lines",
            Prefetch("funding_lines", queryset=FundingLine.objects.select_related("call")),
            "indicators",
            "risks",
            Prefetch("prerequisites", queryset=ProjectSheet.objects.only("id", "code").order_by("code")),
        )
    )


def _tab(title, columns, rows, formats=None, model=None) -> spreadsheets.Sheet:
    """A tab; the choice fields of ``model`` get a drop-down list of their French labels."""
    choices = {}
    for index, column in enumerate(columns):
        if model is not None and column.field and column.field != "sheet":
            model_field = model._meta.get_field(column.field)
            if model_field.choices:
                choices[index] = [str(label) for _value, label in model_field.choices]
    return spreadsheets.Sheet(
        title=str(title),
        header=[str(c.header) for c in columns],
        rows=rows,
        widths=[c.width for c in columns],
        formats=formats or {},
        choices=choices,
    )


def _sheet_rows(sheets) -> Iterator[list]:
    for sheet in sheets:
        costs = sheet_costs(sheet.budget_lines.all(), sheet.funding_lines.all())
        yield [display(sheet, c.field) for c in SHEET_COLUMNS if c.field] + [costs.net, costs.running]


def _line_rows(sheets, relation: str, columns) -> Iterator[list]:
    for sheet in sheets:
        for line in getattr(sheet, relation).all():
            row = [sheet.code]
            for column in columns[1:]:
                if column.field == "call":
                    row.append(line.call.name if line.call_id else None)
                elif column.field:
                    row.append(display(line, column.field))
                else:  # the only computed line column: the amount including VAT
                    row.append(line.amount_incl_vat)
            yield row


def _score_rows(mission, user) -> list[list]:
    scores = (
        Score.objects.filter(sheet__mission=mission, criterion__mission=mission, consultant=user)
        .select_related("sheet", "criterion")
        .order_by("sheet__code", "criterion__position", "criterion_id")
    )
    return [[s.sheet.code, s.criterion.code, s.value, s.comment] for s in scores]


def _ranking_tab(mission, user) -> spreadsheets.Sheet:
    from roadmap.selectors.ranking import mission_ranking
    from roadmap.services.scoring import has_submitted

    hidden = access.can_score(user, mission) and not has_submitted(mission=mission, consultant=user)
    criteria = list(Criterion.objects.for_mission(mission))
    header = [_("Rang"), _("Code"), _("Intitulé"), _("Total /100"), _("Classe")]
    header += [_("%(criterion)s (points)") % {"criterion": c.label} for c in criteria]
    rows = []
    if not hidden and criteria:
        result = mission_ranking(mission)
        for ranked in result.ranked:
            points = {c.criterion.pk: round(c.points, 2) for c in ranked.contributions}
            rows.append(
                [ranked.rank, ranked.sheet.code, ranked.sheet.title, round(ranked.total, 2), ranked.priority]
                + [points.get(c.pk) for c in criteria]
            )
    return spreadsheets.Sheet(
        title=str(RANKING_TAB), header=header, rows=rows, widths=[6, 10, 36, 10, 8] + [14] * len(criteria)
    )


def roadmap_sheets(mission, *, user) -> list[spreadsheets.Sheet]:
    """The workbook's tabs for what ``user`` may see of ``mission`` (the report annex reuses them)."""
    sheets = _sheets(mission)
    amount = {4: spreadsheets.AMOUNT_FORMAT, 6: spreadsheets.AMOUNT_FORMAT}
    return [
        _tab(
            SHEETS_TAB,
            SHEET_COLUMNS,
            _sheet_rows(sheets),
            {14: spreadsheets.AMOUNT_FORMAT, 15: spreadsheets.AMOUNT_FORMAT},
            ProjectSheet,
        ),
        _tab(BUDGET_TAB, BUDGET_COLUMNS, _line_rows(sheets, "budget_lines", BUDGET_COLUMNS), amount, BudgetLine),
        _tab(
            FUNDING_TAB,
            FUNDING_COLUMNS,
            _line_rows(sheets, "funding_lines", FUNDING_COLUMNS),
            {4: spreadsheets.AMOUNT_FORMAT},
            FundingLine,
        ),
        _tab(INDICATORS_TAB, INDICATOR_COLUMNS, _line_rows(sheets, "indicators", INDICATOR_COLUMNS)),
        _tab(RISKS_TAB, RISK_COLUMNS, _line_rows(sheets, "risks", RISK_COLUMNS), model=SheetRisk),
        _tab(
            PREREQUISITES_TAB,
            PREREQUISITE_COLUMNS,
            [[sheet.code, other.code] for sheet in sheets for other in sheet.prerequisites.all()],
        ),
        _tab(SCORES_TAB, SCORE_COLUMNS, _score_rows(mission, user)),
        _ranking_tab(mission, user),
    ]


def write_workbook(out, mission, *, user) -> None:
    spreadsheets.write_xlsx(out, roadmap_sheets(mission, user=user))


def roadmap_workbook(mission, *, user) -> bytes:
    """The whole workbook as bytes: the report's XLSX annex, or a test's file to import back."""
    out = io.BytesIO()
    write_workbook(out, mission, user=user)
    return out.getvalue()


def workbook_filename(mission) -> str:
    return f"{slugify(f'feuille-de-route-{mission.commune.name}')}.xlsx"


# --- The export job ------------------------------------------------------------------------------


def _build(job, out) -> str:
    mission = job.mission
    write_workbook(out, mission, user=job.requested_by)
    return workbook_filename(mission)


def _source_url(job) -> str:
    from django.urls import reverse

    return reverse("roadmap:sheet-list", args=[job.mission_id])


def register_exports() -> None:
    """Let ``territoire.exports`` build the roadmap workbook in its jobs (called by the app's ``ready``)."""
    from territoire import exports
    from territoire.models import ExportKind

    exports.register(ExportKind.ROADMAP_XLSX, build=_build, perm=access.can_view, source_url=_source_url)
