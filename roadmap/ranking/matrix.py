"""Impact/effort matrix: each sheet's position on two axes (0..1) and its quadrant."""

import enum
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from django.utils.translation import gettext_lazy

from roadmap.ranking import errors
from roadmap.ranking.scoring import Criterion, check_criteria, check_scores_in_scale, check_sheets, desirability


class Quadrant(enum.StrEnum):
    QUICK_WIN = "quick_win"  # high impact, low effort
    MAJOR_PROJECT = "major_project"  # high impact, high effort
    FILL_IN = "fill_in"  # low impact, low effort
    THANKLESS = "thankless"  # low impact, high effort

    @property
    def label(self) -> str:
        return str(QUADRANT_LABELS[self])


QUADRANT_LABELS = {
    Quadrant.QUICK_WIN: gettext_lazy("gain rapide"),
    Quadrant.MAJOR_PROJECT: gettext_lazy("projet majeur"),
    Quadrant.FILL_IN: gettext_lazy("appoint"),
    Quadrant.THANKLESS: gettext_lazy("à reconsidérer"),
}


@dataclass(frozen=True)
class MatrixPoint:
    sheet: str
    impact: float  # 0..1, 1 = the most impact the scales allow
    effort: float  # 0..1, 1 = the most effort
    quadrant: Quadrant


def impact_effort(
    values,
    criteria: Sequence[Criterion],
    sheets: Sequence[str],
    *,
    impact: Sequence[str],
    effort: Sequence[str],
    split: float = 0.5,
) -> list[MatrixPoint]:
    """Place each sheet on the impact/effort matrix.

    Impact = weighted mean of the impact criteria's desirability (scale-normalised, direction applied).
    Effort = 1 − weighted mean of the effort criteria's desirability: a "lower is better" cost scored 5
    of 5 is effort 1, a "higher is better" feasibility scored 5 of 5 is effort 0. Weights are the
    criteria's own, or equal when all of one axis's weights are zero. Impact ≥ ``split`` is high;
    effort ≤ ``split`` is low, so a sheet exactly in the middle counts as a quick win.
    """
    check_criteria(criteria)
    check_sheets(sheets)
    by_code = {c.code: j for j, c in enumerate(criteria)}
    for code in (*impact, *effort):
        if code not in by_code:
            raise errors.UnknownCriterion(code)
    if not impact or not effort or set(impact) & set(effort):
        raise errors.InvalidMatrixAxes()
    if not 0 < split < 1:
        raise errors.InvalidParameter("split", split, "entre 0 et 1 (exclus)")
    values = np.asarray(values, dtype=float).reshape(len(sheets), len(criteria))
    if np.isnan(values).any():
        raise errors.ShapeMismatch("notes manquantes (NaN)")
    check_scores_in_scale(values, criteria, sheets)
    utility = desirability(values, criteria)

    def axis(codes):
        columns = [by_code[c] for c in codes]
        weights = np.array([float(criteria[j].weight) for j in columns])
        if weights.sum() <= 0:
            weights = np.ones(len(columns))
        return utility[:, columns] @ (weights / weights.sum())

    impact_axis = axis(impact)
    effort_axis = 1.0 - axis(effort)
    points = []
    for i, code in enumerate(sheets):
        high_impact, low_effort = impact_axis[i] >= split - 1e-12, effort_axis[i] <= split + 1e-12
        if high_impact:
            quadrant = Quadrant.QUICK_WIN if low_effort else Quadrant.MAJOR_PROJECT
        else:
            quadrant = Quadrant.FILL_IN if low_effort else Quadrant.THANKLESS
        points.append(MatrixPoint(code, float(impact_axis[i]), float(effort_axis[i]), quadrant))
    return points
