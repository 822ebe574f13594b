"""Rank acceptability under random weights: hand-checked cases, reproducibility, properties, bad input."""

import numpy as np
import pytest
from hypothesis import given, settings

from roadmap.ranking import (
    Criterion,
    InvalidParameter,
    Perturbation,
    ScoreOutOfScale,
    Stability,
    draw_weights,
    robustness,
    weighted_sum,
)
from tests.roadmap.test_ranking_scoring import problems

TWO = [Criterion("a", 1), Criterion("b", 1)]


def test_a_dominant_sheet_is_first_in_every_draw():
    # A is better than B on both criteria, B than C: whatever the weights, the order is A, B, C.
    result = robustness([[5, 5], [3, 4], [1, 1]], TWO, ["A", "B", "C"], top_k=1)
    np.testing.assert_array_equal(result.acceptability, np.eye(3))
    assert result.top_k_probability.tolist() == [1, 0, 0]
    assert result.stability == (Stability.STABLE, Stability.OUT, Stability.OUT)
    assert result.badge(0) == "stable top 1" and result.badge(1) == ""


@pytest.mark.parametrize("method", list(Perturbation))
def test_two_opposite_sheets_split_the_draws_evenly(method):
    # A = (5, 1), B = (1, 5) with equal weights: A is first exactly when w_a > w_b, half of the draws
    # (both perturbations are symmetric); 1 000 draws keep the share within ±0.06 (over 3.5 sigma).
    result = robustness([[5, 1], [1, 5]], TWO, ["A", "B"], top_k=1, method=method)
    assert result.acceptability[0, 0] == pytest.approx(0.5, abs=0.06)
    assert result.stability == (Stability.DEPENDS, Stability.DEPENDS)
    assert result.badge(0) == "dépend des pondérations"


def test_the_same_seed_gives_the_same_result_and_another_seed_another():
    values = np.random.default_rng(1).integers(1, 6, size=(20, 4)).astype(float)
    criteria = [Criterion(f"c{j}", j + 1) for j in range(4)]
    sheets = [f"S{i}" for i in range(20)]
    first = robustness(values, criteria, sheets, seed=7)
    again = robustness(values, criteria, sheets, seed=7)
    other = robustness(values, criteria, sheets, seed=8)
    np.testing.assert_array_equal(first.acceptability, again.acceptability)
    assert not np.array_equal(first.acceptability, other.acceptability)


def test_weight_draws_stay_around_the_weights():
    weights = np.array([4.0, 2.0, 2.0, 0.0])
    uniform = draw_weights(weights, 5000, spread=0.2, seed=3)
    dirichlet = draw_weights(weights, 5000, method=Perturbation.DIRICHLET, concentration=200, seed=3)
    for drawn in (uniform, dirichlet):
        np.testing.assert_allclose(drawn.sum(axis=1), 1)
        assert (drawn[:, 3] == 0).all()  # a zero weight stays zero
        np.testing.assert_allclose(drawn.mean(axis=0), [0.5, 0.25, 0.25, 0], atol=0.01)
    # ±20 % before renormalisation: no weight of 0.5 ends up beyond 0.5 × 1.2 / (0.5 × 1.2 + 0.5 × 0.8) = 0.6.
    assert uniform[:, 0].max() <= 0.6 + 1e-12 and uniform[:, 0].min() >= 0.4 - 1e-12


def test_zero_spread_gives_back_the_weights():
    weights = np.array([3.0, 1.0])
    np.testing.assert_allclose(draw_weights(weights, 4, spread=0), [[0.75, 0.25]] * 4)
    np.testing.assert_allclose(
        draw_weights(weights, 4, method=Perturbation.DIRICHLET, concentration=np.inf), [[0.75, 0.25]] * 4
    )


@settings(max_examples=40, deadline=None)
@given(problems())
def test_acceptability_rows_and_columns_sum_to_one(problem):
    values, criteria, sheets = problem
    result = robustness(values, criteria, sheets, draws=200, top_k=2)
    np.testing.assert_allclose(result.acceptability.sum(axis=1), 1)
    np.testing.assert_allclose(result.acceptability.sum(axis=0), 1)
    assert ((result.top_k_probability >= 0) & (result.top_k_probability <= 1 + 1e-12)).all()


@settings(max_examples=40, deadline=None)
@given(problems())
def test_without_spread_every_draw_keeps_the_current_positions(problem):
    values, criteria, sheets = problem
    current = weighted_sum(values, criteria, sheets).positions
    for kwargs in ({"spread": 0.0}, {"method": Perturbation.DIRICHLET, "concentration": np.inf}):
        result = robustness(values, criteria, sheets, draws=50, **kwargs)
        assert result.positions.tolist() == current.tolist()
        assert result.acceptability[np.arange(len(sheets)), current - 1].tolist() == [1.0] * len(sheets)


@pytest.mark.parametrize(
    "kwargs",
    [{"draws": 0}, {"top_k": 0}, {"spread": 1.0}, {"spread": -0.1}, {"stable_share": 0.4},
     {"method": Perturbation.DIRICHLET, "concentration": 0}],
)  # fmt: skip
def test_bad_parameters_are_refused(kwargs):
    with pytest.raises(InvalidParameter):
        robustness([[1, 2], [3, 4]], TWO, ["A", "B"], **kwargs)


def test_a_score_outside_the_scale_is_refused():
    with pytest.raises(ScoreOutOfScale):
        robustness([[1, 2], [3, 6]], TWO, ["A", "B"])
