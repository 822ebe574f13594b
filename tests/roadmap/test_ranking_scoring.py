"""Aggregation, weighted sum, ranks and priority classes: hand-computed examples, properties, bad input."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roadmap.ranking import (
    AllWeightsZero,
    Criterion,
    Direction,
    DuplicateCode,
    InvalidParameter,
    InvalidScale,
    InvalidThresholds,
    MissingScore,
    NegativeWeight,
    NoCriteria,
    RankingError,
    ScoreOutOfScale,
    aggregate_scores,
    priority_classes,
    values_from_mapping,
    weighted_sum,
)

NAN = np.nan
# impact (weight 3, higher is better), cost (weight 1, lower is better), feasibility (weight 2): all 1–5.
CRITERIA = [
    Criterion("impact", 3, label="Impact"),
    Criterion("cost", 1, direction=Direction.LOWER_IS_BETTER, label="Coût"),
    Criterion("feasibility", 2, label="Faisabilité"),
]
SHEETS = ["FP-01", "FP-02", "FP-03"]
# scores[sheet, criterion, consultant]; NaN = that consultant has not scored the cell.
SCORES = np.array(
    [
        [[5, 4], [2, 2], [4, 4]],
        [[3, 3], [1, NAN], [5, 1]],
        [[1, 2], [5, 5], [2, 2]],
    ],
    dtype=float,
)


def test_aggregation_by_hand():
    result = aggregate_scores(SCORES, CRITERIA, SHEETS, threshold=2)
    # FP-01 impact: (5 + 4) / 2 = 4.5, range 1; FP-02 cost: one score (1), spread 0; FP-02 feasibility: 5 and 1,
    # mean 3, range 4 > 2: flagged; FP-03 impact: 1.5.
    np.testing.assert_allclose(result.mean, [[4.5, 2, 4], [3, 1, 3], [1.5, 5, 2]])
    np.testing.assert_allclose(result.spread, [[1, 0, 0], [0, 0, 4], [1, 0, 0]])
    np.testing.assert_array_equal(result.count, [[2, 2, 2], [2, 1, 2], [2, 2, 2]])
    assert result.disagreement.tolist() == [[False] * 3, [False, False, True], [False] * 3]
    assert result.unresolved[1, 2]
    assert result.complete.all()


def test_standard_deviation_spread_by_hand():
    result = aggregate_scores(SCORES, CRITERIA, SHEETS, spread="std", threshold=1.5)
    # 5 and 1: mean 3, deviations ±2, population standard deviation 2; 5 and 4: 0.5.
    assert result.spread[1, 2] == pytest.approx(2.0)
    assert result.spread[0, 0] == pytest.approx(0.5)
    assert result.disagreement.sum() == 1


def test_consensus_replaces_the_mean_and_resolves_the_disagreement():
    consensus = np.full((3, 3), NAN)
    consensus[1, 2] = 4
    result = aggregate_scores(SCORES, CRITERIA, SHEETS, consensus=consensus)
    assert result.value[1, 2] == 4 and result.mean[1, 2] == 3
    assert result.disagreement[1, 2] and not result.unresolved.any()


def test_a_cell_nobody_scored_stays_empty_and_the_sheet_is_incomplete():
    scores = SCORES.copy()
    scores[2, 0, :] = NAN
    result = aggregate_scores(scores, CRITERIA, SHEETS)
    assert np.isnan(result.value[2, 0])
    assert result.complete.tolist() == [True, True, False]
    with pytest.raises(MissingScore, match="FP-03 n'a encore aucune note pour le critère « Impact »"):
        weighted_sum(result.value, CRITERIA, SHEETS)


def test_weighted_sum_by_hand():
    values = aggregate_scores(SCORES, CRITERIA, SHEETS).value
    result = weighted_sum(values, CRITERIA, SHEETS)
    # Weights 3:1:2 → 1/2, 1/6, 1/3. Scale 1–5 → (x − 1) / 4, cost reversed: (5 − x) / 4.
    # FP-01 (4.5, 2, 4): 0.875, 0.75, 0.75 → 100 × (0.4375 + 0.125 + 0.25) = 81.25, contributions 43.75/12.5/25
    # FP-02 (3, 1, 3): 0.5, 1, 0.5 → 100 × (0.25 + 1/6 + 1/6) = 58.33
    # FP-03 (1.5, 5, 2): 0.125, 0, 0.25 → 100 × (0.0625 + 0 + 1/12) = 14.58
    np.testing.assert_allclose(result.totals, [81.25, 175 / 3, 175 / 12])
    np.testing.assert_allclose(result.contributions[0], [43.75, 12.5, 25])
    np.testing.assert_allclose(result.weights, [1 / 2, 1 / 6, 1 / 3])
    assert result.ranks.tolist() == [1, 2, 3]
    assert result.order == ("FP-01", "FP-02", "FP-03")


def test_scales_other_than_one_to_five():
    criteria = [Criterion("a", 1, scale_min=0, scale_max=10), Criterion("b", 1, scale_min=0, scale_max=3)]
    # (5/10 + 3/3) / 2 = 0.75; (10/10 + 0) / 2 = 0.5.
    result = weighted_sum([[5, 3], [10, 0]], criteria, ["X", "Y"])
    np.testing.assert_allclose(result.totals, [75, 50])


def test_ties_share_a_rank_and_keep_the_input_order_in_positions():
    criteria = [Criterion("a", 1), Criterion("b", 1)]
    # Totals: 50, 75, 50, 75 (0.1 + 0.2 style float noise must not split ties either).
    result = weighted_sum([[3, 3], [4, 4], [2, 4], [5, 3]], criteria, ["A", "B", "C", "D"])
    assert result.ranks.tolist() == [3, 1, 3, 1]
    assert result.positions.tolist() == [3, 1, 4, 2]
    assert result.order == ("B", "D", "A", "C")


def test_values_from_mapping():
    values = values_from_mapping({("FP-01", "cost"): 2, ("FP-02", "impact"): 4}, SHEETS[:2], CRITERIA)
    assert values[0, 1] == 2 and values[1, 0] == 4 and np.isnan(values[0, 0])


def test_priority_classes_by_hand():
    totals = np.array([81.25, 70, 69.99, 50, 49.999, 0])
    assert priority_classes(totals, (70, 50)).tolist() == [1, 1, 2, 2, 3, 3]
    assert priority_classes(totals, (80, 60, 40)).tolist() == [1, 2, 2, 3, 3, 4]


@pytest.mark.parametrize("thresholds", [(50, 70), (70, 70), (120, 50), (70, -1), ()])
def test_priority_thresholds_must_decrease_within_0_100(thresholds):
    with pytest.raises(InvalidThresholds, match="strictement décroissants"):
        priority_classes(np.array([50.0]), thresholds)


def test_all_weights_zero_is_refused():
    criteria = [Criterion("a", 0), Criterion("b", 0)]
    with pytest.raises(AllWeightsZero, match="Tous les poids sont nuls"):
        weighted_sum([[1, 2]], criteria, ["A"])


def test_a_negative_weight_is_refused():
    with pytest.raises(NegativeWeight, match="« b » est négatif"):
        weighted_sum([[1, 2]], [Criterion("a", 1), Criterion("b", -1)], ["A"])


def test_a_score_outside_the_scale_is_refused_with_sheet_and_criterion():
    scores = SCORES.copy()
    scores[1, 0, 1] = 7
    with pytest.raises(ScoreOutOfScale) as caught:
        aggregate_scores(scores, CRITERIA, SHEETS)
    assert caught.value.sheet == "FP-02" and caught.value.criterion == "Impact"
    assert str(caught.value) == "La note 7,0 de la fiche FP-02 pour le critère « Impact » est hors de l'échelle 1 à 5."
    with pytest.raises(ScoreOutOfScale):
        weighted_sum([[0, 3, 3]], CRITERIA, ["A"])
    with pytest.raises(ScoreOutOfScale):
        aggregate_scores(SCORES, CRITERIA, SHEETS, consensus=np.full((3, 3), 9.0))


def test_other_bad_inputs():
    with pytest.raises(NoCriteria):
        weighted_sum(np.zeros((1, 0)), [], ["A"])
    with pytest.raises(InvalidScale):
        weighted_sum([[1]], [Criterion("a", 1, scale_min=5, scale_max=1)], ["A"])
    with pytest.raises(DuplicateCode):
        weighted_sum([[1], [2]], [Criterion("a", 1)], ["A", "A"])
    with pytest.raises(InvalidParameter):
        aggregate_scores(SCORES, CRITERIA, SHEETS, spread="iqr")
    assert issubclass(NoCriteria, RankingError) and issubclass(RankingError, ValueError)


@st.composite
def problems(draw, min_sheets=1):
    n_sheets = draw(st.integers(min_sheets, 10))
    n_criteria = draw(st.integers(1, 6))
    weights = draw(st.lists(st.integers(0, 10), min_size=n_criteria, max_size=n_criteria).filter(any))
    lower = draw(st.lists(st.booleans(), min_size=n_criteria, max_size=n_criteria))
    criteria = [
        Criterion(f"c{j}", w, direction=Direction.LOWER_IS_BETTER if low else Direction.HIGHER_IS_BETTER)
        for j, (w, low) in enumerate(zip(weights, lower, strict=True))
    ]
    values = np.array(draw(st.lists(st.lists(st.integers(1, 5), min_size=n_criteria, max_size=n_criteria),
                                    min_size=n_sheets, max_size=n_sheets)), dtype=float)  # fmt: skip
    return values, criteria, [f"S{i:02d}" for i in range(n_sheets)]


@settings(max_examples=60, deadline=None)
@given(problems())
def test_totals_stay_within_0_100_and_contributions_add_up(problem):
    values, criteria, sheets = problem
    result = weighted_sum(values, criteria, sheets)
    assert ((result.totals >= -1e-9) & (result.totals <= 100 + 1e-9)).all()
    np.testing.assert_allclose(result.contributions.sum(axis=1), result.totals)
    assert sorted(result.positions.tolist()) == list(range(1, len(sheets) + 1))


@settings(max_examples=60, deadline=None)
@given(problems(), st.randoms(use_true_random=False))
def test_permuting_sheets_permutes_the_results(problem, random):
    values, criteria, sheets = problem
    permutation = list(range(len(sheets)))
    random.shuffle(permutation)
    base = weighted_sum(values, criteria, sheets)
    moved = weighted_sum(values[permutation], criteria, [sheets[i] for i in permutation])
    np.testing.assert_allclose(moved.totals, base.totals[permutation])
    assert moved.ranks.tolist() == base.ranks[permutation].tolist()


@settings(max_examples=60, deadline=None)
@given(problems(), st.sampled_from([0.001, 0.5, 3, 1000]))
def test_scaling_all_weights_changes_nothing(problem, factor):
    values, criteria, sheets = problem
    scaled = [Criterion(c.code, c.weight * factor, direction=c.direction) for c in criteria]
    base, other = weighted_sum(values, criteria, sheets), weighted_sum(values, scaled, sheets)
    np.testing.assert_allclose(other.totals, base.totals)
    assert other.ranks.tolist() == base.ranks.tolist()
