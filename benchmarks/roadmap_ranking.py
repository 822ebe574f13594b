"""Timings of the roadmap ranking engine on 150 sheets × 8 criteria × 4 consultants (no database).

    .venv/bin/python benchmarks/roadmap_ranking.py

Prints the median of 20 runs for each step, then how far the greedy timeline is from simple lower bounds.
"""

import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import _common  # noqa: E402, F401  (Django settings: the messages go through gettext)
import numpy as np  # noqa: E402

from roadmap.ranking import (  # noqa: E402
    Criterion,
    Direction,
    PlannedSheet,
    Quarter,
    aggregate_scores,
    robustness,
    schedule,
    topsis,
    weighted_sum,
)

SHEETS, CRITERIA, CONSULTANTS, DRAWS = 150, 8, 4, 1000
START, YEARS, FTE = Quarter(2027, 1), 6, 10.0


def timed(label, func, repeat=20):
    func()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    print(f"{label:<52} {statistics.median(times) * 1000:8.1f} ms  (min {min(times) * 1000:.1f})")
    return result


def problem(seed=0):
    rng = np.random.default_rng(seed)
    criteria = [
        Criterion(f"c{j}", int(rng.integers(1, 6)), direction=Direction.LOWER_IS_BETTER if j < 2 else "higher")
        for j in range(CRITERIA)
    ]
    quality = rng.uniform(1, 5, size=(SHEETS, CRITERIA, 1))
    scores = np.clip(np.rint(quality + rng.normal(0, 0.7, size=(SHEETS, CRITERIA, CONSULTANTS))), 1, 5)
    scores[rng.random(scores.shape) < 0.03] = np.nan  # a few cells not scored by one consultant
    return criteria, scores, [f"FP-{i + 1:03d}" for i in range(SHEETS)]


def plan(order, seed=0):
    """Realistic sheets: 1–8 quarters, 5–300 k€, subsidies 0–50 %, running 0–15 %/year, prerequisites on
    "foundation" sheets (a third of the sheets need one or two among the 40 first in a random order)."""
    rng = np.random.default_rng(seed)
    foundations = list(rng.permutation(order)[:40])
    sheets = []
    for code in order:
        investment = int(rng.integers(5, 300)) * 1000
        needs = ()
        if code not in foundations[:10] and rng.random() < 0.33:
            pool = [f for f in foundations[: foundations.index(code)]] if code in foundations else foundations
            if pool:
                needs = tuple(rng.choice(pool, size=min(len(pool), int(rng.integers(1, 3))), replace=False))
        sheets.append(
            PlannedSheet(
                code,
                int(rng.integers(1, 9)),
                investment=Decimal(investment),
                subsidies=Decimal(int(investment * rng.choice([0, 0, 0.3, 0.5]))),
                running_per_year=Decimal(int(investment * rng.uniform(0, 0.15))),
                fte=float(rng.choice([0, 0.1, 0.2, 0.5, 1.0])),
                prerequisites=needs,
            )
        )
    return sheets


def bounds(sheets, timeline, envelope):
    """Lower bounds for the scheduled sheets: critical path (prerequisites only) and money (cumulative envelope
    against their investment net of subsidies, running costs ignored; FTE-quarters against the capacity)."""
    done = {p.code for p in timeline.placements if p.scheduled}
    by_code = {s.code: s for s in sheets}
    earliest = {}

    def es(code):  # earliest start offset, prerequisites only
        if code not in earliest:
            s = by_code[code]
            earliest[code] = max((es(p) + by_code[p].duration_quarters for p in s.prerequisites), default=0)
        return earliest[code]

    path = max(es(c) + by_code[c].duration_quarters for c in done)
    net = sum(by_code[c].investment - by_code[c].subsidies for c in done)
    money_years = -(-net // envelope)
    fte = -(-sum(by_code[c].fte * by_code[c].duration_quarters for c in done) // FTE)
    end = max(p.end.index for p in timeline.placements if p.scheduled) - START.index + 1
    mean_start = statistics.mean(p.start.index - START.index for p in timeline.placements if p.scheduled)
    mean_es = statistics.mean(es(c) for c in done)
    return path, max(int(money_years) * 4, int(fte)), end, mean_start, mean_es


def main():
    criteria, scores, codes = problem()
    aggregation = timed("aggregation (150 × 8 × 4)", lambda: aggregate_scores(scores, criteria, codes))
    values = aggregation.value
    ranking = timed("weighted sum + ranks", lambda: weighted_sum(values, criteria, codes))
    timed("robustness, 1 000 draws uniform ±20 %", lambda: robustness(values, criteria, codes, draws=DRAWS))
    timed(
        "robustness, 1 000 draws Dirichlet",
        lambda: robustness(values, criteria, codes, draws=DRAWS, method="dirichlet"),
    )
    timed("TOPSIS", lambda: topsis(values, criteria, codes))

    sheets = plan(list(ranking.order))
    total_net = sum(s.investment - s.subsidies for s in sheets)
    for share in (0.3, 0.2):
        envelope = Decimal(int(total_net * Decimal(share) / 1000) * 1000)
        envelopes = dict.fromkeys(range(START.year, START.year + YEARS), envelope)
        timeline = timed(
            f"greedy timeline, envelope {envelope / 1000:.0f} k€/year",
            lambda envelopes=envelopes: schedule(
                sheets, start=START, years=YEARS, envelopes=envelopes, fte_capacity=FTE
            ),
        )
        path, money, end, mean_start, mean_es = bounds(sheets, timeline, envelope)
        print(
            f"    scheduled {SHEETS - len(timeline.unscheduled)}/{SHEETS}; makespan {end} quarters, lower bound "
            f"{max(path, money)} (critical path {path}, money or FTE {money}); mean start {mean_start:.1f} quarters "
            f"vs {mean_es:.1f} with prerequisites only"
        )


if __name__ == "__main__":
    main()
