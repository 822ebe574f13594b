"""The weighted sum and TOPSIS against pymcdm, used as an oracle only (it imports matplotlib: ~4 s, once here)."""

import subprocess
import sys

import numpy as np
import pytest

from roadmap.ranking import Criterion, Direction, topsis, weighted_sum
from tests.conftest import ROOT

pymcdm = pytest.importorskip("pymcdm")
from pymcdm import normalizations  # noqa: E402
from pymcdm.methods import TOPSIS, WSM  # noqa: E402

SEEDS = range(25)


def random_problem(seed):
    rng = np.random.default_rng(seed)
    n_sheets, n_criteria = rng.integers(3, 40), rng.integers(2, 9)
    low = rng.integers(0, 3, size=n_criteria).astype(float)
    high = low + rng.integers(2, 10, size=n_criteria)
    values = rng.uniform(low, high, size=(n_sheets, n_criteria))
    weights = rng.uniform(0.05, 1, size=n_criteria)
    lower = rng.random(n_criteria) < 0.4
    criteria = [
        Criterion(f"c{j}", weights[j], low[j], high[j], Direction.LOWER_IS_BETTER if lower[j] else "higher")
        for j in range(n_criteria)
    ]
    types = np.where(lower, -1, 1)
    return values, criteria, [f"S{i}" for i in range(n_sheets)], weights / weights.sum(), types, low, high


def ranks_from_pymcdm(preferences):
    return pymcdm.helpers.rrankdata(preferences)  # average ranks for ties: none on continuous data


@pytest.mark.parametrize("seed", SEEDS)
def test_weighted_sum_matches_pymcdm_wsm_with_scale_normalisation(seed):
    values, criteria, sheets, weights, types, low, high = random_problem(seed)

    def by_scale(j):
        # pymcdm calls one function per column with (column, is_cost): the same scale normalisation as ours.
        return lambda x, cost: (high[j] - x) / (high[j] - low[j]) if cost else (x - low[j]) / (high[j] - low[j])

    oracle = WSM([by_scale(j) for j in range(len(criteria))])(values, weights, types)
    ours = weighted_sum(values, criteria, sheets)
    np.testing.assert_allclose(ours.totals, 100 * oracle, atol=1e-9)
    np.testing.assert_array_equal(ours.ranks, ranks_from_pymcdm(oracle))


@pytest.mark.parametrize("seed", SEEDS)
def test_topsis_matches_pymcdm_with_vector_normalisation(seed):
    # pymcdm's TOPSIS defaults to min-max normalisation: ask for the vector normalisation we implement.
    # (pymcdm turns a cost column into 1 − x/‖x‖ and takes the max as ideal: the same distances.)
    values, criteria, sheets, weights, types, *_ = random_problem(seed)
    oracle = TOPSIS(normalizations.vector_normalization)(values, weights, types)
    ours = topsis(values, criteria, sheets)
    np.testing.assert_allclose(ours.closeness, oracle, atol=1e-9)
    np.testing.assert_array_equal(ours.ranks, ranks_from_pymcdm(oracle))


def test_importing_the_engine_loads_neither_pymcdm_nor_matplotlib_nor_pandas():
    code = (
        "import sys, roadmap.ranking; "
        "print(','.join(m for m in ('pymcdm', 'matplotlib', 'pandas', 'scipy') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
