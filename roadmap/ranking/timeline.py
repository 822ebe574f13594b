"""Greedy, budget-aware timeline: retained sheets placed over quarters, each placement with its reason.

Money is Decimal in and out and integer cents inside (exact sums). Cost model, per sheet:
- investment and subsidies spread evenly over the quarters the sheet runs (the cents of a remainder go to
  the first quarters);
- the yearly running cost starts the quarter after the sheet ends, a quarter of it each quarter, up to the
  end of the horizon;
- a year's net cost = investment + running − subsidies, checked against that year's envelope; the FTE of
  the sheets running in a quarter, against that year's internal capacity.

Algorithm (list scheduling): pinned sheets are placed first, where the consultant put them, even over an
envelope (the reason says so). The others are taken in priority order — the order of ``sheets`` — except
that a prerequisite inherits the priority of the most urgent sheet waiting for it (and the prerequisites
of a pinned sheet come first). Each goes to the earliest quarter after its prerequisites' end where every
envelope and capacity still holds; a lower-priority sheet may fill an earlier gap that a higher-priority
one could not use. A sheet that fits nowhere in the horizon is left unscheduled with the reason.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from roadmap.ranking import errors
from roadmap.ranking.budget import BudgetPlan, from_cents, to_cents
from roadmap.ranking.dependencies import topological_order
from roadmap.ranking.quarters import Quarter
from roadmap.ranking.text import format_money, format_number


@dataclass(frozen=True)
class PlannedSheet:
    code: str
    duration_quarters: int
    investment: Decimal = Decimal(0)  # total, spread over the run
    subsidies: Decimal = Decimal(0)  # total, received over the run
    running_per_year: Decimal = Decimal(0)  # from the quarter after the end
    fte: float = 0.0  # internal FTE while the sheet runs
    prerequisites: tuple[str, ...] = ()
    pinned_start: Quarter | None = None


@dataclass(frozen=True)
class Placement:
    code: str
    start: Quarter | None
    end: Quarter | None  # last quarter of the run, inclusive
    reason: str  # French
    pinned: bool = False

    @property
    def scheduled(self) -> bool:
        return self.start is not None


@dataclass(frozen=True)
class YearBudget:
    year: int
    investment: Decimal
    running: Decimal
    subsidies: Decimal
    net: Decimal
    envelope: Decimal | None
    fte_peak: float  # the busiest quarter of the year
    fte_capacity: float | None

    @property
    def overrun(self) -> Decimal:
        """How far the net cost goes over the envelope (only pinned sheets can cause one)."""
        if self.envelope is None or self.net <= self.envelope:
            return Decimal(0)
        return self.net - self.envelope


@dataclass(frozen=True)
class Timeline:
    placements: tuple[Placement, ...]  # in the order of the input sheets
    years: tuple[YearBudget, ...]

    @property
    def unscheduled(self) -> tuple[Placement, ...]:
        return tuple(p for p in self.placements if not p.scheduled)

    def placement(self, code: str) -> Placement:
        return next(p for p in self.placements if p.code == code)


def _delay_text(plan: BudgetPlan, start: int) -> str:
    quarter = plan.quarter(start)
    if quarter.quarter == 1:
        return _("reporté à %(year)s") % {"year": quarter.year}
    return _("reporté au %(quarter)s") % {"quarter": quarter}


def _failure_text(plan: BudgetPlan, overruns, fte_overrun) -> str:
    if overruns:
        year, cents = max(overruns, key=lambda o: o[1])
        return _("enveloppe %(year)s dépassée de %(amount)s") % {
            "year": year,
            "amount": format_money(from_cents(cents)),
        }
    q, used, capacity = fte_overrun
    return _("capacité interne dépassée au %(quarter)s (%(used)s ETP pour %(capacity)s)") % {
        "quarter": plan.quarter(q),
        "used": format_number(used),
        "capacity": format_number(capacity),
    }


def schedule(
    sheets: Sequence[PlannedSheet],
    *,
    start: Quarter,
    years: int = 4,
    envelopes: Mapping[int, Decimal] | None = None,
    fte_capacity: float | Mapping[int, float] | None = None,
) -> Timeline:
    """Place ``sheets`` (retained, best priority first) from ``start`` to the end of year start.year + years − 1.

    ``envelopes``: yearly net budget (a year left out has no limit); ``fte_capacity``: internal FTE per
    year, or one figure for all years (None: no limit). Prerequisites outside ``sheets`` (not retained)
    leave the dependant unscheduled. Raises ``SelfPrerequisite``, ``DependencyCycle``, ``InvalidAmount``,
    ``InvalidPin`` (outside the horizon, or after a pinned dependant's start); a sheet that cannot fit is
    not an error but an unscheduled placement whose reason names the envelope and the amount.
    """
    if years < 1:
        raise errors.InvalidParameter("years", years, "au moins 1")
    codes = [s.code for s in sheets]
    by_code = {s.code: s for s in sheets}
    first = start
    plan_end = Quarter(start.year + years - 1, 4)
    plan = BudgetPlan(first, plan_end.index - first.index + 1, {}, {})
    plan.envelopes = {y: to_cents(str(y), _("enveloppe"), a) for y, a in (envelopes or {}).items()}
    if isinstance(fte_capacity, Mapping):
        plan.capacity = {y: float(c) for y, c in fte_capacity.items()}
    elif fte_capacity is not None:
        plan.capacity = dict.fromkeys(plan.years, float(fte_capacity))
    amounts = {}
    for s in sheets:
        if not isinstance(s.duration_quarters, int) or s.duration_quarters < 1:
            raise errors.InvalidAmount(s.code, _("durée"), s.duration_quarters)
        if not s.fte >= 0:
            raise errors.InvalidAmount(s.code, _("ETP"), s.fte)
        amounts[s.code] = (
            to_cents(s.code, _("investissement"), s.investment),
            to_cents(s.code, _("subsides"), s.subsidies),
            to_cents(s.code, _("fonctionnement annuel"), s.running_per_year),
        )
    within = {s.code: tuple(p for p in s.prerequisites if p in by_code or p == s.code) for s in sheets}
    outside = {s.code: [p for p in s.prerequisites if p not in by_code and p != s.code] for s in sheets}
    natural = topological_order(codes, within)  # refuses self-prerequisites and cycles

    placed: dict[str, tuple[int, int]] = {}  # code → (start offset, end offset)
    result: dict[str, Placement] = {}

    # 1. Pinned sheets, where the consultant put them.
    pinned = [s for s in sheets if s.pinned_start is not None]
    for s in pinned:
        offset = s.pinned_start.index - first.index
        if offset < 0 or offset + s.duration_quarters > plan.size:
            detail = _("hors de l'horizon %(first)s – %(last)s") % {"first": first, "last": plan_end}
            raise errors.InvalidPin(s.code, detail)
        placed[s.code] = (offset, offset + s.duration_quarters - 1)
    for s in pinned:
        for needed in within[s.code]:
            if (
                needed in placed
                and by_code[needed].pinned_start is not None
                and placed[needed][1] >= placed[s.code][0]
            ):
                detail = _("son prérequis %(code)s, fixé lui aussi, se termine au %(end)s") % {
                    "code": needed,
                    "end": plan.quarter(placed[needed][1]),
                }
                raise errors.InvalidPin(s.code, detail)
    for s in pinned:
        offset = placed[s.code][0]
        rows = plan.profile(s, amounts[s.code], offset)
        notes = [_("fixé par le consultant")]
        overruns = plan.budget_overruns(rows)
        fte = plan.fte_overrun(s.fte, offset, s.duration_quarters)
        if overruns or fte:
            notes.append(_("attention : %(failure)s") % {"failure": _failure_text(plan, overruns, fte)})
        notes += [_("attention : son prérequis %(code)s n'est pas retenu") % {"code": p} for p in outside[s.code]]
        plan.add(s, rows, offset)
        result[s.code] = Placement(
            s.code, plan.quarter(offset), plan.quarter(placed[s.code][1]), " ; ".join(notes), True
        )

    # 2. The others, in inherited priority order.
    priority = {code: (-1 if by_code[code].pinned_start is not None else i) for i, code in enumerate(codes)}
    for code in reversed(natural):
        for needed in within[code]:
            priority[needed] = min(priority[needed], priority[code])
    deadline = {code: plan.size - by_code[code].duration_quarters for code in codes}  # latest start offset
    deadline_by: dict[str, str] = {}
    for s in pinned:
        for needed in within[s.code]:
            latest = placed[s.code][0] - by_code[needed].duration_quarters
            if latest < deadline[needed]:
                deadline[needed], deadline_by[needed] = latest, s.code

    for code in topological_order(codes, within, priority):
        if code in result:
            continue
        s = by_code[code]
        result[code] = _place(
            plan, s, amounts[code], within[code], outside[code], placed, result, deadline, deadline_by
        )
        if result[code].scheduled:
            placed[code] = (result[code].start.index - first.index, result[code].end.index - first.index)

    return Timeline(tuple(result[c] for c in codes), _years(plan))


def _place(plan, s, amounts, needs, outside, placed, result, deadline, deadline_by) -> Placement:
    def unscheduled(text):
        return Placement(s.code, None, None, _("non planifiée : %(why)s") % {"why": text})

    if outside:
        return unscheduled(_("son prérequis %(code)s n'est pas retenu") % {"code": outside[0]})
    for needed in needs:
        if not result[needed].scheduled:
            return unscheduled(_("son prérequis %(code)s n'a pas pu être planifié") % {"code": needed})
    earliest, after = 0, None
    for needed in needs:
        if placed[needed][1] + 1 > earliest:
            earliest, after = placed[needed][1] + 1, needed
    latest = deadline[s.code]
    if earliest > latest:
        if s.code in deadline_by:
            pinned = deadline_by[s.code]
            return unscheduled(
                _("elle ne peut pas se terminer avant le début fixé de %(code)s (%(quarter)s)")
                % {"code": pinned, "quarter": plan.quarter(placed[pinned][0])}
            )
        return unscheduled(
            _("l'horizon s'arrête au %(last)s ; commencée au plus tôt au %(first)s, elle finirait au %(end)s")
            % {
                "last": plan.quarter(plan.size - 1),
                "first": plan.quarter(earliest),
                "end": plan.quarter(earliest + s.duration_quarters - 1),
            }
        )
    failure = None
    for offset in range(earliest, latest + 1):
        rows = plan.profile(s, amounts, offset)
        overruns = plan.budget_overruns(rows)
        fte = None if overruns else plan.fte_overrun(s.fte, offset, s.duration_quarters)
        if not overruns and not fte:
            plan.add(s, rows, offset)
            notes = []
            if after is not None:
                notes.append(_("après son prérequis %(code)s") % {"code": after})
            if failure is not None:
                notes.append(f"{_delay_text(plan, offset)} : {failure}")
            if not notes:
                notes.append(_("au plus tôt"))
            end = offset + s.duration_quarters - 1
            return Placement(s.code, plan.quarter(offset), plan.quarter(end), " ; ".join(notes))
        failure = _failure_text(plan, overruns, fte)
    return unscheduled(_why_never(plan, s, amounts, earliest, latest))


def _why_never(plan, s, amounts, earliest, latest) -> str:
    """The reason for a sheet that fits nowhere: alone over an envelope or capacity, or crowded out."""
    best_alone, best = None, None
    for offset in range(earliest, latest + 1):
        rows = plan.profile(s, amounts, offset)
        alone = plan.budget_overruns(rows, alone=True)
        alone_fte = plan.fte_overrun(s.fte, offset, s.duration_quarters, alone=True)
        if not alone and not alone_fte:
            best_alone = None
            break
        key = max((c for _y, c in alone), default=0)
        if best_alone is None or key < best_alone[0]:
            best_alone = (key, alone, alone_fte)
    if best_alone is not None:
        _key, alone, alone_fte = best_alone
        if alone:
            year, cents = max(alone, key=lambda o: o[1])
            return _(
                "à elle seule, elle dépasse l'enveloppe %(year)s (%(envelope)s) de %(amount)s, "
                "où qu'elle soit placée dans l'horizon"
            ) % {
                "year": year,
                "envelope": format_money(from_cents(plan.envelopes[year])),
                "amount": format_money(from_cents(cents)),
            }
        _q, used, capacity = alone_fte
        return _("elle demande %(used)s ETP internes pour une capacité de %(capacity)s") % {
            "used": format_number(used),
            "capacity": format_number(capacity),
        }
    for offset in range(earliest, latest + 1):
        rows = plan.profile(s, amounts, offset)
        overruns = plan.budget_overruns(rows)
        worst = max((c for _y, c in overruns), default=0)
        if overruns and (best is None or worst < best[0]):
            best = (worst, overruns)
    if best is None:
        return _("la capacité interne (ETP) est occupée jusqu'à la fin de l'horizon")
    year, cents = max(best[1], key=lambda o: o[1])
    return _(
        "les enveloppes sont pleines jusqu'à la fin de l'horizon ; au mieux, l'enveloppe %(year)s "
        "serait dépassée de %(amount)s"
    ) % {
        "year": year,
        "amount": format_money(from_cents(cents)),
    }


def _years(plan: BudgetPlan) -> tuple[YearBudget, ...]:
    rows = []
    for year in plan.years:
        quarters = [q for q in range(plan.size) if plan.year_of[q] == year]
        inv = sum(plan.investment[q] for q in quarters)
        run = sum(plan.running[q] for q in quarters)
        sub = sum(plan.subsidies[q] for q in quarters)
        envelope = plan.envelopes.get(year)
        rows.append(
            YearBudget(
                year=year,
                investment=from_cents(inv),
                running=from_cents(run),
                subsidies=from_cents(sub),
                net=from_cents(inv + run - sub),
                envelope=None if envelope is None else from_cents(envelope),
                fte_peak=max(plan.fte[q] for q in quarters),
                fte_capacity=plan.capacity.get(year),
            )
        )
    return tuple(rows)
