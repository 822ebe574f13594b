"""Criteria, aggregation of the consultants' scores, weighted sum, ranks and priority classes.

Arrays are indexed ``[sheet, criterion]`` (and ``[sheet, criterion, consultant]`` for raw scores), in the
order of the ``sheets`` codes and ``criteria`` given by the caller.
"""

import enum
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from roadmap.ranking import errors

# Totals are compared after rounding to this many decimals, so that 0.1 + 0.2 and 0.3 tie as a person expects.
TOTAL_DECIMALS = 9


class Direction(enum.StrEnum):
    """Values match the future model's TextChoices."""

    HIGHER_IS_BETTER = "higher"
    LOWER_IS_BETTER = "lower"  # cost, effort


@dataclass(frozen=True)
class Criterion:
    code: str
    weight: float
    scale_min: float = 1
    scale_max: float = 5
    direction: Direction = Direction.HIGHER_IS_BETTER
    label: str = ""

    @property
    def name(self) -> str:
        return self.label or self.code


def check_criteria(criteria: Sequence[Criterion]) -> np.ndarray:
    """Validate the criteria; return their weights normalised to sum 1 (refuses none, negative, all zero)."""
    if not criteria:
        raise errors.NoCriteria()
    seen = set()
    for criterion in criteria:
        if criterion.code in seen:
            raise errors.DuplicateCode(criterion.code)
        seen.add(criterion.code)
        weight = float(criterion.weight)
        if not math.isfinite(weight) or weight < 0:
            raise errors.NegativeWeight(criterion.name, weight)
        if not float(criterion.scale_min) < float(criterion.scale_max):
            raise errors.InvalidScale(criterion.name, float(criterion.scale_min), float(criterion.scale_max))
    weights = np.array([float(c.weight) for c in criteria])
    if weights.sum() <= 0:
        raise errors.AllWeightsZero()
    return weights / weights.sum()


def check_sheets(sheets: Sequence[str]) -> None:
    seen = set()
    for code in sheets:
        if code in seen:
            raise errors.DuplicateCode(code)
        seen.add(code)


def _scale_arrays(criteria: Sequence[Criterion]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    low = np.array([float(c.scale_min) for c in criteria])
    high = np.array([float(c.scale_max) for c in criteria])
    lower_is_better = np.array([c.direction == Direction.LOWER_IS_BETTER for c in criteria])
    return low, high, lower_is_better


def check_scores_in_scale(values: np.ndarray, criteria: Sequence[Criterion], sheets: Sequence[str]) -> None:
    """Refuse the first value (sheet-major order) outside its criterion's scale; NaN means "no score"."""
    low, high, _ = _scale_arrays(criteria)
    shape = (len(sheets), len(criteria)) + (values.shape[2:] if values.ndim == 3 else ())
    if values.shape != shape:
        raise errors.ShapeMismatch(f"{values.shape} ≠ {shape}")
    extra = (None,) * (values.ndim - 2)
    bounds_low, bounds_high = low[(None, slice(None), *extra)], high[(None, slice(None), *extra)]
    with np.errstate(invalid="ignore"):
        bad = ~np.isnan(values) & ((values < bounds_low) | (values > bounds_high) | ~np.isfinite(values))
    if bad.any():
        index = tuple(int(i) for i in np.argwhere(bad)[0])
        sheet, criterion = index[0], index[1]
        raise errors.ScoreOutOfScale(
            sheets[sheet], criteria[criterion].name, float(values[index]), low[criterion], high[criterion]
        )


def desirability(values: np.ndarray, criteria: Sequence[Criterion]) -> np.ndarray:
    """Scores mapped to 0..1 by their criterion's scale, 1 being the best end (direction applied).

    Scaling by the scale rather than by the sheets' min and max keeps totals comparable across missions
    and stable when a sheet is added.
    """
    low, high, lower_is_better = _scale_arrays(criteria)
    unit = (np.asarray(values, dtype=float) - low) / (high - low)
    return np.where(lower_is_better, 1.0 - unit, unit)


@dataclass(frozen=True)
class Aggregation:
    """Scores per cell (sheet × criterion), over the consultants who scored it."""

    mean: np.ndarray  # NaN where nobody scored
    spread: np.ndarray  # max − min or population standard deviation; 0 with fewer than two scores
    count: np.ndarray  # number of consultants who scored the cell
    disagreement: np.ndarray  # spread above the threshold (needs two scores at least)
    consensus: np.ndarray  # the lead consultant's value, NaN where none
    value: np.ndarray  # what the ranking uses: the consensus where recorded, else the mean

    @property
    def unresolved(self) -> np.ndarray:
        """Disagreements still to discuss: no consensus recorded for the cell."""
        return self.disagreement & np.isnan(self.consensus)

    @property
    def complete(self) -> np.ndarray:
        """Per sheet: every criterion has a value (the sheets the weighted sum can rank)."""
        return ~np.isnan(self.value).any(axis=1)


def aggregate_scores(
    scores,
    criteria: Sequence[Criterion],
    sheets: Sequence[str],
    *,
    consensus=None,
    threshold: float = 2.0,
    spread: str = "range",
) -> Aggregation:
    """Aggregate ``scores[sheet, criterion, consultant]`` (NaN = not scored) into one value per cell.

    ``spread`` is ``"range"`` (max − min, the default: "one says 2, the other 4" reads directly on a 1–5
    scale) or ``"std"`` (population standard deviation). A cell is flagged when its spread is strictly
    above ``threshold``. ``consensus[sheet, criterion]`` (NaN = none), when given, replaces the mean.
    """
    check_criteria(criteria)
    check_sheets(sheets)
    scores = np.asarray(scores, dtype=float)
    if scores.ndim != 3:
        raise errors.ShapeMismatch(f"notes de dimension {scores.ndim}, 3 attendues (fiche, critère, consultant)")
    if spread not in ("range", "std"):
        raise errors.InvalidParameter("spread", spread, "« range » ou « std »")
    if not threshold >= 0:
        raise errors.InvalidParameter("threshold", threshold, "un nombre positif")
    check_scores_in_scale(scores, criteria, sheets)
    if consensus is None:
        consensus = np.full(scores.shape[:2], np.nan)
    consensus = np.asarray(consensus, dtype=float)
    check_scores_in_scale(consensus, criteria, sheets)

    present = ~np.isnan(scores)
    count = present.sum(axis=2)
    filled = np.where(present, scores, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = filled.sum(axis=2) / count
    if spread == "range":
        high = np.where(present, scores, -np.inf).max(axis=2)
        low = np.where(present, scores, np.inf).min(axis=2)
        cell_spread = np.where(count >= 2, high - low, 0.0)
    else:
        deviation = np.where(present, scores - np.nan_to_num(mean)[..., None], 0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            cell_spread = np.where(count >= 2, np.sqrt((deviation**2).sum(axis=2) / np.maximum(count, 1)), 0.0)
    disagreement = (count >= 2) & (cell_spread > threshold + 1e-12)
    value = np.where(np.isnan(consensus), mean, consensus)
    return Aggregation(mean, cell_spread, count, disagreement, consensus, value)


def strict_positions(totals: np.ndarray) -> np.ndarray:
    """1-based positions along axis 0, best (highest) first; equal totals keep the input order.

    Works on ``totals[sheet]`` and on ``totals[sheet, draw]`` alike (one ranking per column).
    """
    rounded = np.round(np.asarray(totals, dtype=float), TOTAL_DECIMALS)
    order = np.argsort(-rounded, axis=0, kind="stable")
    positions = np.empty(order.shape, dtype=np.int64)
    ladder = np.arange(1, order.shape[0] + 1).reshape((-1,) + (1,) * (order.ndim - 1))
    np.put_along_axis(positions, order, np.broadcast_to(ladder, order.shape), axis=0)
    return positions


def competition_ranks(totals: np.ndarray) -> np.ndarray:
    """Ranks as a person writes them: equal totals share the best rank, the next rank skips (1, 2, 2, 4)."""
    rounded = np.round(np.asarray(totals, dtype=float), TOTAL_DECIMALS)
    return (rounded[None, :] > rounded[:, None]).sum(axis=1) + 1


@dataclass(frozen=True)
class WeightedSum:
    sheets: tuple[str, ...]
    criteria: tuple[str, ...]
    weights: np.ndarray  # normalised to sum 1
    contributions: np.ndarray  # [sheet, criterion], points out of 100 (the stacked bars)
    totals: np.ndarray  # 0..100
    ranks: np.ndarray  # competition ranks (ties share a rank)
    positions: np.ndarray  # strict 1..n positions, ties broken by the input order

    @property
    def order(self) -> tuple[str, ...]:
        """Sheet codes, best first (by ``positions``)."""
        return tuple(self.sheets[i] for i in np.argsort(self.positions, kind="stable"))


def weighted_sum(values, criteria: Sequence[Criterion], sheets: Sequence[str]) -> WeightedSum:
    """Weighted sum of scale-normalised values, 0–100, with per-criterion contributions and ranks.

    ``values[sheet, criterion]`` are aggregated scores (``Aggregation.value``); a NaN raises
    ``MissingScore`` (rank only ``Aggregation.complete`` sheets). Ties: ``ranks`` share the best rank;
    ``positions`` and ``order`` break them by the order of ``sheets`` (pass them sorted by code for a
    stable display).
    """
    weights = check_criteria(criteria)
    check_sheets(sheets)
    values = np.asarray(values, dtype=float).reshape(len(sheets), len(criteria))
    missing = np.argwhere(np.isnan(values))
    if len(missing):
        sheet, criterion = (int(i) for i in missing[0])
        raise errors.MissingScore(sheets[sheet], criteria[criterion].name)
    check_scores_in_scale(values, criteria, sheets)
    contributions = 100.0 * desirability(values, criteria) * weights
    totals = contributions.sum(axis=1)
    return WeightedSum(
        sheets=tuple(sheets),
        criteria=tuple(c.code for c in criteria),
        weights=weights,
        contributions=contributions,
        totals=totals,
        ranks=competition_ranks(totals),
        positions=strict_positions(totals),
    )


def check_thresholds(thresholds: Sequence[float]) -> tuple[float, ...]:
    """Priority thresholds: strictly decreasing, each within 0..100 (e.g. ``(70, 50)``)."""
    values = tuple(float(t) for t in thresholds)
    if (
        not values
        or any(not 0 <= t <= 100 for t in values)
        or any(a <= b for a, b in zip(values, values[1:], strict=False))
    ):
        raise errors.InvalidThresholds(values)
    return values


def priority_classes(totals, thresholds: Sequence[float] = (70.0, 50.0)) -> np.ndarray:
    """Priority class per sheet: 1 when total ≥ thresholds[0], 2 when ≥ thresholds[1], …, else len+1.

    With the default two thresholds: priorité 1 (≥ 70), 2 (≥ 50), 3 (below). A total equal to a threshold
    belongs to the higher class (totals rounded like the ranks).
    """
    limits = np.array(check_thresholds(thresholds))
    rounded = np.round(np.asarray(totals, dtype=float), TOTAL_DECIMALS)
    return (rounded[:, None] < limits[None, :]).sum(axis=1) + 1


def values_from_mapping(
    table: Mapping[tuple[str, str], float], sheets: Sequence[str], criteria: Sequence[Criterion]
) -> np.ndarray:
    """``{(sheet, criterion): value}`` → ``values[sheet, criterion]`` with NaN where absent."""
    sheet_index = {code: i for i, code in enumerate(sheets)}
    criterion_index = {c.code: j for j, c in enumerate(criteria)}
    values = np.full((len(sheets), len(criteria)), np.nan)
    for (sheet, criterion), value in table.items():
        if criterion not in criterion_index:
            raise errors.UnknownCriterion(criterion)
        if sheet not in sheet_index:
            raise errors.ShapeMismatch(f"fiche inconnue {sheet}")
        values[sheet_index[sheet], criterion_index[criterion]] = float(value)
    return values
