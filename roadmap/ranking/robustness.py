"""How stable the weighted-sum ranking is when the weights move: rank acceptability and top-k probability.

All draws are computed at once (one matrix product and one sort per draw column, no Python loop over draws).
"""

import enum
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from django.utils.translation import gettext as _

from roadmap.ranking import errors
from roadmap.ranking.scoring import (
    Criterion,
    check_criteria,
    check_scores_in_scale,
    check_sheets,
    desirability,
    strict_positions,
)


class Perturbation(enum.StrEnum):
    UNIFORM = "uniform"  # each weight × (1 ± spread), uniform, then renormalised (the default)
    DIRICHLET = "dirichlet"  # Dirichlet(concentration × weights): mean = the chosen weights


class Stability(enum.StrEnum):
    STABLE = "stable"  # in the top k in at least ``stable_share`` of the draws
    DEPENDS = "depends"  # in the top k in some draws, not enough to call it stable
    OUT = "out"  # (almost) never in the top k


@dataclass(frozen=True)
class Robustness:
    sheets: tuple[str, ...]
    draws: int
    top_k: int
    positions: np.ndarray  # current strict positions (chosen weights), 1-based
    acceptability: np.ndarray  # [sheet, position - 1]: share of draws where the sheet is at that position
    top_k_probability: np.ndarray  # share of draws where the sheet is in the first ``top_k``
    stability: tuple[Stability, ...]

    def badge(self, sheet_index: int) -> str:
        """The French badge for one sheet: « stable top 3 », « dépend des pondérations » or ""."""
        return stability_label(self.stability[sheet_index], self.top_k)


def stability_label(stability: Stability, top_k: int) -> str:
    if stability == Stability.STABLE:
        return _("stable top %(k)s") % {"k": top_k}
    if stability == Stability.DEPENDS:
        return _("dépend des pondérations")
    return ""


def draw_weights(
    weights: np.ndarray,
    draws: int,
    *,
    method: Perturbation = Perturbation.UNIFORM,
    spread: float = 0.2,
    concentration: float = 200.0,
    seed: int = 0,
) -> np.ndarray:
    """``draws`` weight vectors around ``weights`` (normalised to sum 1), shape ``[draw, criterion]``.

    Uniform: each weight is multiplied by U(1 − spread, 1 + spread), then each vector is renormalised;
    ``spread=0`` gives back the weights. Dirichlet: mean = weights, variance w(1 − w)/(concentration + 1)
    (200 gives about ±20 % on a weight of 1/8); ``concentration=inf`` gives back the weights. Zero weights
    stay zero in both. The same seed gives the same draws.
    """
    weights = np.asarray(weights, dtype=float)
    weights = weights / weights.sum()
    rng = np.random.default_rng(seed)
    if method == Perturbation.UNIFORM:
        if not 0 <= spread < 1:
            raise errors.InvalidParameter("spread", spread, "entre 0 (inclus) et 1 (exclu)")
        factors = rng.uniform(1.0 - spread, 1.0 + spread, size=(draws, weights.size))
        drawn = weights[None, :] * factors
    elif method == Perturbation.DIRICHLET:
        if not concentration > 0:
            raise errors.InvalidParameter("concentration", concentration, "un nombre strictement positif")
        if np.isinf(concentration):
            return np.broadcast_to(weights, (draws, weights.size)).copy()
        positive = weights > 0
        drawn = np.zeros((draws, weights.size))
        drawn[:, positive] = rng.dirichlet(concentration * weights[positive], size=draws)
    else:
        raise errors.InvalidParameter("method", method, "« uniform » ou « dirichlet »")
    return drawn / drawn.sum(axis=1, keepdims=True)


def robustness(
    values,
    criteria: Sequence[Criterion],
    sheets: Sequence[str],
    *,
    draws: int = 1000,
    top_k: int = 3,
    method: Perturbation = Perturbation.UNIFORM,
    spread: float = 0.2,
    concentration: float = 200.0,
    stable_share: float = 0.9,
    seed: int = 0,
) -> Robustness:
    """Rank acceptability of each sheet under ``draws`` random weight vectors around the chosen weights.

    ``values`` as for ``weighted_sum`` (no NaN). Positions in each draw are strict, ties broken by the
    order of ``sheets`` like ``WeightedSum.positions``, so each acceptability row and column sums to 1.
    Default: uniform ±20 %, 1 000 draws, seed 0 (reproducible), top 3, stable at 90 %.
    """
    weights = check_criteria(criteria)
    check_sheets(sheets)
    if not isinstance(draws, int | np.integer) or draws < 1:
        raise errors.InvalidParameter("draws", draws, "un entier strictement positif")
    if not isinstance(top_k, int | np.integer) or top_k < 1:
        raise errors.InvalidParameter("top_k", top_k, "un entier strictement positif")
    if not 0.5 < stable_share <= 1:
        raise errors.InvalidParameter("stable_share", stable_share, "entre 0,5 (exclu) et 1")
    values = np.asarray(values, dtype=float).reshape(len(sheets), len(criteria))
    if np.isnan(values).any():
        raise errors.ShapeMismatch("notes manquantes (NaN)")
    check_scores_in_scale(values, criteria, sheets)
    utility = desirability(values, criteria)  # [sheet, criterion]
    n = len(sheets)
    current = strict_positions(100.0 * utility @ weights)

    drawn = draw_weights(weights, draws, method=method, spread=spread, concentration=concentration, seed=seed)
    totals = 100.0 * utility @ drawn.T  # [sheet, draw]
    positions = strict_positions(totals) - 1  # 0-based, [sheet, draw]
    flat = (np.arange(n)[:, None] * n + positions).ravel()
    acceptability = np.bincount(flat, minlength=n * n).reshape(n, n) / draws
    top = acceptability[:, : min(top_k, n)].sum(axis=1)
    stability = tuple(
        Stability.STABLE if p >= stable_share - 1e-12 else Stability.DEPENDS if p > 1 - stable_share else Stability.OUT
        for p in top
    )
    return Robustness(
        sheets=tuple(sheets),
        draws=draws,
        top_k=top_k,
        positions=current,
        acceptability=acceptability,
        top_k_probability=top,
        stability=stability,
    )
