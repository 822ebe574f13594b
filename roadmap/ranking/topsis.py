"""TOPSIS, the second method shown beside the weighted sum, and where the two methods disagree."""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from django.utils.translation import gettext as _

from roadmap.ranking import errors
from roadmap.ranking.scoring import (
    Criterion,
    Direction,
    check_criteria,
    check_scores_in_scale,
    check_sheets,
    competition_ranks,
    strict_positions,
)


@dataclass(frozen=True)
class Topsis:
    sheets: tuple[str, ...]
    closeness: np.ndarray  # 0..1, 1 = at the ideal
    distance_to_ideal: np.ndarray
    distance_to_anti_ideal: np.ndarray
    ranks: np.ndarray  # competition ranks, as WeightedSum.ranks
    positions: np.ndarray  # strict positions, ties by input order

    @property
    def order(self) -> tuple[str, ...]:
        return tuple(self.sheets[i] for i in np.argsort(self.positions, kind="stable"))


def topsis(values, criteria: Sequence[Criterion], sheets: Sequence[str]) -> Topsis:
    """Classic TOPSIS (Hwang & Yoon 1981) with vector normalisation.

    Each column is divided by its Euclidean norm, multiplied by its weight (normalised to sum 1); the
    ideal takes each column's best value (max, or min for a "lower is better" criterion), the anti-ideal
    the worst; closeness = d⁻ / (d⁺ + d⁻). A column of zeros stays zero; when every sheet is identical
    (d⁺ = d⁻ = 0) closeness is 0.5 for all.
    """
    weights = check_criteria(criteria)
    check_sheets(sheets)
    values = np.asarray(values, dtype=float).reshape(len(sheets), len(criteria))
    if np.isnan(values).any():
        raise errors.ShapeMismatch("notes manquantes (NaN)")
    check_scores_in_scale(values, criteria, sheets)
    norms = np.sqrt((values**2).sum(axis=0))
    normalised = np.divide(values, norms, out=np.zeros_like(values), where=norms > 0)
    weighted = normalised * weights
    lower_is_better = np.array([c.direction == Direction.LOWER_IS_BETTER for c in criteria])
    ideal = np.where(lower_is_better, weighted.min(axis=0), weighted.max(axis=0))
    anti_ideal = np.where(lower_is_better, weighted.max(axis=0), weighted.min(axis=0))
    d_plus = np.sqrt(((weighted - ideal) ** 2).sum(axis=1))
    d_minus = np.sqrt(((weighted - anti_ideal) ** 2).sum(axis=1))
    denominator = d_plus + d_minus
    closeness = np.divide(d_minus, denominator, out=np.full_like(d_minus, 0.5), where=denominator > 0)
    return Topsis(
        sheets=tuple(sheets),
        closeness=closeness,
        distance_to_ideal=d_plus,
        distance_to_anti_ideal=d_minus,
        ranks=competition_ranks(closeness),
        positions=strict_positions(closeness),
    )


@dataclass(frozen=True)
class MethodDisagreement:
    sheet: str
    weighted_sum_rank: int
    topsis_rank: int
    reason: str  # French, for the screen


def compare_methods(
    sheets: Sequence[str],
    weighted_sum_positions,
    topsis_positions,
    *,
    rank_threshold: int = 3,
    top_k: int = 3,
) -> list[MethodDisagreement]:
    """Sheets on which the two methods disagree, in weighted-sum order.

    A sheet is listed when its positions differ by more than ``rank_threshold`` places, or when it is in
    the top ``top_k`` of one method and not of the other.
    """
    if rank_threshold < 0 or top_k < 1:
        raise errors.InvalidParameter("rank_threshold/top_k", f"{rank_threshold}/{top_k}", "des entiers positifs")
    a = np.asarray(weighted_sum_positions, dtype=int)
    b = np.asarray(topsis_positions, dtype=int)
    if a.shape != (len(sheets),) or b.shape != (len(sheets),):
        raise errors.ShapeMismatch("positions et fiches de longueurs différentes")
    found = []
    for i in np.argsort(a, kind="stable"):
        ws, tp = int(a[i]), int(b[i])
        if (ws <= top_k) != (tp <= top_k):
            reason = _("dans le top %(k)s pour une seule des deux méthodes (somme pondérée : %(ws)s, TOPSIS : %(tp)s)")
        elif abs(ws - tp) > rank_threshold:
            reason = _("rangs très différents selon la méthode (somme pondérée : %(ws)s, TOPSIS : %(tp)s)")
        else:
            continue
        found.append(MethodDisagreement(sheets[i], ws, tp, reason % {"k": top_k, "ws": ws, "tp": tp}))
    return found
