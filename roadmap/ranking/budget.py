"""The timeline's horizon as money and FTE per quarter, in integer cents, and the checks of a candidate."""

from decimal import ROUND_HALF_UP, Decimal

from roadmap.ranking import errors
from roadmap.ranking.quarters import Quarter

FTE_TOLERANCE = 1e-9


def to_cents(sheet: str, field: str, amount) -> int:
    try:
        value = Decimal(amount)
    except (ArithmeticError, TypeError, ValueError):
        raise errors.InvalidAmount(sheet, field, amount) from None
    if not value.is_finite() or value < 0:
        raise errors.InvalidAmount(sheet, field, amount)
    return int((value * 100).to_integral_value(ROUND_HALF_UP))


def spread_cents(total: int, parts: int) -> list[int]:
    """``total`` cents over ``parts`` parts, exactly: floor((k+1)·T/n) − floor(k·T/n)."""
    return [(k + 1) * total // parts - k * total // parts for k in range(parts)]


def from_cents(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(Decimal("0.01"))


class BudgetPlan:
    """The horizon's state: cents and FTE per quarter, and the checks of one candidate placement."""

    def __init__(self, first: Quarter, quarters: int, envelopes: dict[int, int], capacity: dict[int, float]):
        self.first, self.size = first, quarters
        self.year_of = [(first + q).year for q in range(quarters)]
        self.years = sorted(set(self.year_of))
        self.envelopes, self.capacity = envelopes, capacity
        self.investment = [0] * quarters
        self.running = [0] * quarters
        self.subsidies = [0] * quarters
        self.fte = [0.0] * quarters

    def profile(self, sheet, amounts: tuple[int, int, int], start: int):
        """Per-quarter (investment, running, subsidies) of ``sheet`` started at quarter offset ``start``."""
        investment, subsidies, running = amounts
        d = sheet.duration_quarters
        inv, sub = spread_cents(investment, d), spread_cents(subsidies, d)
        rows = []
        for k in range(d):
            rows.append((start + k, inv[k], 0, sub[k]))
        yearly = spread_cents(running, 4)
        for m, q in enumerate(range(start + d, self.size)):
            rows.append((q, 0, yearly[m % 4], 0))
        return [r for r in rows if r[0] < self.size]

    def net_by_year(self, rows=()) -> dict[int, int]:
        net = dict.fromkeys(self.years, 0)
        for q in range(self.size):
            net[self.year_of[q]] += self.investment[q] + self.running[q] - self.subsidies[q]
        for q, inv, run, sub in rows:
            net[self.year_of[q]] += inv + run - sub
        return net

    def budget_overruns(self, rows, alone: bool = False) -> list[tuple[int, int]]:
        """(year, cents over) for each envelope the candidate would break (or worsen)."""
        delta = dict.fromkeys(self.years, 0)
        for q, inv, run, sub in rows:
            delta[self.year_of[q]] += inv + run - sub
        current = dict.fromkeys(self.years, 0) if alone else self.net_by_year()
        found = []
        for year in self.years:
            envelope = self.envelopes.get(year)
            if envelope is not None and delta[year] > 0 and current[year] + delta[year] > envelope:
                found.append((year, current[year] + delta[year] - envelope))
        return found

    def fte_overrun(self, fte: float, start: int, duration: int, alone: bool = False):
        """First (quarter offset, FTE needed, capacity) where the candidate breaks the capacity, or None."""
        if fte <= 0:
            return None
        for q in range(start, min(start + duration, self.size)):
            capacity = self.capacity.get(self.year_of[q])
            used = fte + (0.0 if alone else self.fte[q])
            if capacity is not None and used > capacity + FTE_TOLERANCE:
                return q, used, capacity
        return None

    def add(self, sheet, rows, start: int):
        for q, inv, run, sub in rows:
            self.investment[q] += inv
            self.running[q] += run
            self.subsidies[q] += sub
        for q in range(start, min(start + sheet.duration_quarters, self.size)):
            self.fte[q] += sheet.fte

    def quarter(self, offset: int) -> Quarter:
        return self.first + offset
