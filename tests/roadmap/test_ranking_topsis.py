"""TOPSIS, the comparison of methods and the impact/effort matrix: hand-computed examples and bad input."""

import numpy as np
import pytest

from roadmap.ranking import (
    Criterion,
    Direction,
    InvalidMatrixAxes,
    Quadrant,
    UnknownCriterion,
    compare_methods,
    impact_effort,
    topsis,
)

COST = Direction.LOWER_IS_BETTER


def test_topsis_by_hand():
    criteria = [Criterion("gain", 1), Criterion("cost", 1, direction=COST)]
    # Columns (3, 4) and (4, 3) both have norm 5: normalised X = (0.6, 0.8), Y = (0.8, 0.6); weighted × 0.5:
    # X = (0.3, 0.4), Y = (0.4, 0.3). Ideal (max gain, min cost) = (0.4, 0.3) = Y, anti-ideal = X.
    result = topsis([[3, 4], [4, 3]], criteria, ["X", "Y"])
    np.testing.assert_allclose(result.closeness, [0, 1])
    np.testing.assert_allclose(result.distance_to_ideal, [np.sqrt(0.02), 0])
    assert result.order == ("Y", "X")


def test_topsis_middle_sheet_by_hand():
    criteria = [Criterion("gain", 1)]
    # One criterion (1, 2, 3): norm √14, weighted = x/√14; ideal 3/√14, anti-ideal 1/√14;
    # closeness of 2: (1/√14) / (1/√14 + 1/√14) = 0.5.
    result = topsis([[1], [2], [3]], criteria, ["A", "B", "C"])
    np.testing.assert_allclose(result.closeness, [0, 0.5, 1])
    assert result.ranks.tolist() == [3, 2, 1]


def test_identical_sheets_all_get_one_half():
    result = topsis([[2, 2], [2, 2]], [Criterion("a", 1), Criterion("b", 1)], ["A", "B"])
    np.testing.assert_allclose(result.closeness, [0.5, 0.5])
    assert result.ranks.tolist() == [1, 1]


def test_compare_methods_lists_rank_gaps_and_top_k_changes():
    sheets = ["A", "B", "C", "D", "E", "F"]
    weighted = [1, 2, 3, 4, 5, 6]
    other = [1, 3, 4, 2, 6, 5]  # C leaves the top 3, D enters it; no gap over 3 elsewhere
    found = compare_methods(sheets, weighted, other, rank_threshold=3, top_k=3)
    assert [(d.sheet, d.weighted_sum_rank, d.topsis_rank) for d in found] == [("C", 3, 4), ("D", 4, 2)]
    assert "top 3" in found[0].reason
    far = compare_methods(sheets, weighted, [1, 2, 3, 6, 5, 4], rank_threshold=1, top_k=3)
    assert [d.sheet for d in far] == ["D", "F"]
    assert "rangs très différents" in far[0].reason


def test_impact_effort_matrix_by_hand():
    criteria = [
        Criterion("impact", 2),
        Criterion("pst", 2),
        Criterion("cost", 1, direction=COST),
        Criterion("feasibility", 1),
    ]
    values = [
        [5, 4, 1, 5],  # impact (1 + 0.75) / 2 = 0.875; effort 1 − (1 + 1) / 2 = 0: quick win
        [5, 5, 5, 1],  # impact 1; effort 1 − 0 = 1: major project
        [1, 2, 2, 4],  # impact (0 + 0.25) / 2 = 0.125; effort 1 − (0.75 + 0.75) / 2 = 0.25: fill-in
        [1, 1, 5, 2],  # impact 0; effort 1 − (0 + 0.25) / 2 = 0.875: thankless
        [3, 3, 3, 3],  # exactly in the middle: 0.5, 0.5 → quick win (documented)
    ]
    points = impact_effort(values, criteria, list("ABCDE"), impact=["impact", "pst"], effort=["cost", "feasibility"])
    assert [(p.impact, p.effort) for p in points] == [(0.875, 0), (1, 1), (0.125, 0.25), (0, 0.875), (0.5, 0.5)]
    assert [p.quadrant for p in points] == [
        Quadrant.QUICK_WIN,
        Quadrant.MAJOR_PROJECT,
        Quadrant.FILL_IN,
        Quadrant.THANKLESS,
        Quadrant.QUICK_WIN,
    ]
    assert points[0].quadrant.label == "gain rapide"


def test_impact_effort_bad_axes():
    criteria = [Criterion("a", 1), Criterion("b", 1)]
    with pytest.raises(InvalidMatrixAxes):
        impact_effort([[1, 1]], criteria, ["A"], impact=["a"], effort=["a"])
    with pytest.raises(InvalidMatrixAxes):
        impact_effort([[1, 1]], criteria, ["A"], impact=[], effort=["b"])
    with pytest.raises(UnknownCriterion, match="« zz »"):
        impact_effort([[1, 1]], criteria, ["A"], impact=["zz"], effort=["b"])
