"""The roadmap's ranking and scheduling engine: plain data in, plain data out, no models, no queries.

The screens (and ``manage.py roadmap_rank``) load scores, criteria, prerequisites and budgets from the
database, turn them into arrays and dataclasses, and call these functions. Arrays are indexed
``[sheet, criterion]`` (raw scores ``[sheet, criterion, consultant]``, NaN = not scored) in the order of
the ``sheets`` codes and ``criteria`` passed along. Money is ``Decimal`` in and out; floats only in the
ranking maths. Every refused input raises a subclass of ``RankingError`` whose message is French and
meant for the user; a sheet the timeline cannot fit is not an error but an unscheduled placement.

Scoring (``scoring``)
    ``Criterion``, ``Direction``: a criterion's weight, scale (e.g. 1–5) and direction.
    ``aggregate_scores`` → ``Aggregation``: mean, spread, disagreement flags, consensus per cell.
    ``weighted_sum`` → ``WeightedSum``: totals 0–100 (scale-normalised), contributions, ranks.
    ``priority_classes``: priorité 1/2/3 from decreasing thresholds on the total.
Robustness (``robustness``)
    ``robustness`` → ``Robustness``: rank acceptability and top-k probability under N weight draws
    (``Perturbation.UNIFORM`` ±20 % by default, or ``DIRICHLET``), seeded; ``Stability`` badges.
Second method (``topsis``)
    ``topsis`` → ``Topsis``: vector normalisation, closeness coefficient; ``compare_methods``.
Impact/effort matrix (``matrix``)
    ``impact_effort`` → ``MatrixPoint`` per sheet with its ``Quadrant`` (quick win…).
Dependencies (``dependencies``)
    ``check_prerequisites``, ``find_cycle``, ``topological_order``, ``blocked_sheets``.
Timeline (``timeline``)
    ``schedule`` of ``PlannedSheet`` → ``Timeline`` of ``Placement`` (with reasons) and ``YearBudget``.

Ties: ``ranks`` are competition ranks (1, 2, 2, 4); ``positions`` and ``order`` are strict and break
ties by the order of ``sheets``. Totals are compared rounded to 9 decimals.
"""

from roadmap.ranking.dependencies import Blocked, blocked_sheets, check_prerequisites, find_cycle, topological_order
from roadmap.ranking.errors import (
    AllWeightsZero,
    DependencyCycle,
    DuplicateCode,
    InvalidAmount,
    InvalidMatrixAxes,
    InvalidParameter,
    InvalidPin,
    InvalidScale,
    InvalidThresholds,
    MissingScore,
    NegativeWeight,
    NoCriteria,
    RankingError,
    ScoreOutOfScale,
    SelfPrerequisite,
    ShapeMismatch,
    UnknownCriterion,
    UnknownPrerequisite,
)
from roadmap.ranking.matrix import MatrixPoint, Quadrant, impact_effort
from roadmap.ranking.quarters import Quarter, quarters_for_months
from roadmap.ranking.robustness import Perturbation, Robustness, Stability, draw_weights, robustness, stability_label
from roadmap.ranking.scoring import (
    Aggregation,
    Criterion,
    Direction,
    WeightedSum,
    aggregate_scores,
    check_criteria,
    priority_classes,
    values_from_mapping,
    weighted_sum,
)
from roadmap.ranking.timeline import Placement, PlannedSheet, Timeline, YearBudget, schedule
from roadmap.ranking.topsis import MethodDisagreement, Topsis, compare_methods, topsis

__all__ = [
    "AllWeightsZero",
    "Aggregation",
    "Blocked",
    "Criterion",
    "DependencyCycle",
    "Direction",
    "DuplicateCode",
    "InvalidAmount",
    "InvalidMatrixAxes",
    "InvalidParameter",
    "InvalidPin",
    "InvalidScale",
    "InvalidThresholds",
    "MatrixPoint",
    "MethodDisagreement",
    "MissingScore",
    "NegativeWeight",
    "NoCriteria",
    "Perturbation",
    "Placement",
    "PlannedSheet",
    "Quadrant",
    "Quarter",
    "RankingError",
    "Robustness",
    "ScoreOutOfScale",
    "SelfPrerequisite",
    "ShapeMismatch",
    "Stability",
    "Timeline",
    "Topsis",
    "UnknownCriterion",
    "UnknownPrerequisite",
    "WeightedSum",
    "YearBudget",
    "aggregate_scores",
    "blocked_sheets",
    "check_criteria",
    "check_prerequisites",
    "compare_methods",
    "draw_weights",
    "find_cycle",
    "impact_effort",
    "priority_classes",
    "quarters_for_months",
    "robustness",
    "schedule",
    "stability_label",
    "topological_order",
    "topsis",
    "values_from_mapping",
    "weighted_sum",
]
