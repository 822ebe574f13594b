"""The timeline of a mission: its sheets in priority order, their money and FTE, pins → the greedy engine.

Which sheets: the retained ones. While none is retained yet, the proposed ones are planned instead (the
page says so), so that the consultants can see the consequences of a choice before they make it. Either
way the order is the ranking's (``mission_ranking``: position of the weighted sum); sheets not ranked yet
(incomplete scores) follow, by code. A prerequisite outside the planned set leaves its dependant
unscheduled, with the reason. A pin left outside the horizon (the horizon changed after it was set) is
ignored and listed as such. Tables are read in a fixed number of queries, whatever the number of sheets.
"""

from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from roadmap import ranking
from roadmap.models import BudgetEnvelope, FundingLine, ProjectSheet, SheetPin, SheetStatus, TimelineSettings
from roadmap.ranking import errors
from roadmap.ranking.quarters import Quarter, quarters_for_months
from roadmap.ranking.timeline import Placement, PlannedSheet, YearBudget, schedule
from roadmap.selectors.costs import sheet_costs
from roadmap.selectors.ranking import mission_ranking
from roadmap.services.timeline import horizon, timeline_settings_of

DEFAULT_MONTHS = 3
ORDER_DRAWS = 1  # the ranking's robustness is not shown here; one draw keeps its cost away


@dataclass(frozen=True)
class TimelineRow:
    sheet: ProjectSheet
    placement: Placement
    pin: SheetPin | None
    quarters: int
    net: Decimal
    running: Decimal
    fte: float
    duration_missing: bool
    # Position in the chart's grid of quarters (1-based columns), for a scheduled sheet.
    column: int = 0
    span: int = 0


@dataclass
class MissionTimeline:
    mission: object
    settings: TimelineSettings
    envelopes: list[BudgetEnvelope]
    status: str  # SheetStatus planned: retained, or proposed while none is retained
    quarters: list[Quarter] = field(default_factory=list)
    rows: list[TimelineRow] = field(default_factory=list)  # in priority order
    years: list[YearBudget] = field(default_factory=list)
    ignored_pins: list[tuple[SheetPin, str]] = field(default_factory=list)  # (pin, why, in French)
    error: str = ""  # French: why nothing could be planned (a cycle of prerequisites…)

    @property
    def scheduled(self) -> list[TimelineRow]:
        return sorted(
            (r for r in self.rows if r.placement.scheduled), key=lambda r: (r.placement.start, self.rows.index(r))
        )

    @property
    def unscheduled(self) -> list[TimelineRow]:
        return [r for r in self.rows if not r.placement.scheduled]

    @property
    def proposed_only(self) -> bool:
        return self.status == SheetStatus.PROPOSED

    @property
    def overruns(self) -> list[YearBudget]:
        return [y for y in self.years if y.overrun]

    @property
    def fte_overruns(self) -> list[YearBudget]:
        return [y for y in self.years if y.fte_capacity is not None and y.fte_peak > y.fte_capacity + 1e-9]

    def as_dict(self) -> dict:
        return {
            "start": str(self.quarters[0]) if self.quarters else None,
            "years": self.settings.years,
            "planned_status": self.status,
            "error": self.error,
            "placements": [
                {
                    "code": r.sheet.code,
                    "start": str(r.placement.start) if r.placement.start else None,
                    "end": str(r.placement.end) if r.placement.end else None,
                    "pinned": r.placement.pinned,
                    "reason": r.placement.reason,
                }
                for r in self.rows
            ],
            "budget": [
                {
                    "year": y.year,
                    "investment": str(y.investment),
                    "running": str(y.running),
                    "subsidies": str(y.subsidies),
                    "net": str(y.net),
                    "envelope": None if y.envelope is None else str(y.envelope),
                    "fte_peak": y.fte_peak,
                    "fte_capacity": y.fte_capacity,
                }
                for y in self.years
            ],
        }


def _sheets(mission, status):
    return list(
        ProjectSheet.objects.for_mission(mission)
        .filter(status=status)
        .select_related("pin")
        .prefetch_related(
            "budget_lines",
            Prefetch("funding_lines", queryset=FundingLine.objects.select_related("call")),
            Prefetch("prerequisites", queryset=ProjectSheet.objects.only("pk", "code")),
        )
    )


def _priority_order(mission, sheets):
    """The ranking's order; sheets not ranked yet after, by code."""
    result = mission_ranking(mission, draws=ORDER_DRAWS)  # only the order is read: no robustness needed
    position = {r.sheet.pk: r.position for r in result.ranked}
    unranked = len(position) + 1
    return sorted(sheets, key=lambda s: (position.get(s.pk, unranked), s.code))


def _schedule(result: MissionTimeline, planned: list[PlannedSheet], facts: dict, first: Quarter):
    """The engine's timeline; a pin it finds impossible (before a pinned prerequisite's end) is set aside
    with its message and the rest planned without it. Other refusals (a cycle) become ``result.error``."""
    settings = result.settings
    while True:
        try:
            return schedule(
                planned,
                start=first,
                years=settings.years,
                envelopes={e.year: e.amount for e in result.envelopes},
                fte_capacity=None if settings.fte_capacity is None else float(settings.fte_capacity),
            )
        except errors.InvalidPin as error:
            index = next(i for i, p in enumerate(planned) if p.code == error.sheet)
            if planned[index].pinned_start is None:
                result.error = error.message
                return None
            planned[index] = replace(planned[index], pinned_start=None)
            result.ignored_pins.append((facts[error.sheet][0], error.message))
        except ranking.RankingError as error:
            result.error = error.message
            return None


def planned_status(mission) -> str:
    """The status the timeline plans: retained sheets, or proposed ones while none is retained."""
    if ProjectSheet.objects.for_mission(mission).filter(status=SheetStatus.RETAINED).exists():
        return SheetStatus.RETAINED
    return SheetStatus.PROPOSED


def mission_timeline(mission) -> MissionTimeline:
    settings = timeline_settings_of(mission)
    envelopes = list(BudgetEnvelope.objects.filter(mission=mission))
    status = planned_status(mission)
    sheets = _sheets(mission, status)
    result = MissionTimeline(mission=mission, settings=settings, envelopes=envelopes, status=status)
    first, last = horizon(settings)
    result.quarters = [Quarter.from_index(i) for i in range(first.index, last.index + 1)]
    if not sheets:
        return result
    sheets = _priority_order(mission, sheets)

    planned, facts = [], {}
    for sheet in sheets:
        costs = sheet_costs(sheet.budget_lines.all(), sheet.funding_lines.all())
        quarters = quarters_for_months(sheet.duration_months or DEFAULT_MONTHS)
        pin = getattr(sheet, "pin", None)
        start = None
        if pin is not None:
            start = Quarter(pin.start_year, pin.start_quarter)
            if start < first or (start + (quarters - 1)) > last:
                why = _(
                    "La date fixée pour %(code)s (%(start)s) sort de l'horizon du planning (%(first)s – %(last)s)."
                )
                result.ignored_pins.append(
                    (pin, why % {"code": sheet.code, "start": start, "first": first, "last": last})
                )
                start = None
        subsidies = min(costs.subsidies, costs.investment)
        fte = float(sheet.fte_internal or 0)
        planned.append(
            PlannedSheet(
                code=sheet.code,
                duration_quarters=quarters,
                investment=costs.investment,
                subsidies=subsidies,
                running_per_year=costs.running,
                fte=fte,
                prerequisites=tuple(p.code for p in sheet.prerequisites.all()),
                pinned_start=start,
            )
        )
        facts[sheet.code] = (
            pin,
            quarters,
            costs.investment - subsidies,
            costs.running,
            fte,
            not sheet.duration_months,
        )
    timeline = _schedule(result, planned, facts, first)
    if timeline is None:
        return result
    for sheet, placement in zip(sheets, timeline.placements, strict=True):
        pin, quarters, net, running, fte, missing = facts[sheet.code]
        column = span = 0
        if placement.scheduled:
            column = placement.start.index - first.index + 1
            span = placement.end.index - placement.start.index + 1
        result.rows.append(TimelineRow(sheet, placement, pin, quarters, net, running, fte, missing, column, span))
    result.years = list(timeline.years)
    return result
