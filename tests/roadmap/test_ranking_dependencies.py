"""Prerequisites: cycles named, topological order, sheets blocked by a lower-ranked prerequisite."""

import pytest

from roadmap.ranking import (
    DependencyCycle,
    SelfPrerequisite,
    UnknownPrerequisite,
    blocked_sheets,
    check_prerequisites,
    find_cycle,
    topological_order,
)

SHEETS = ["FP-01", "FP-02", "FP-03", "FP-04", "FP-05"]


def test_a_cycle_is_refused_and_named():
    prerequisites = {"FP-01": ["FP-02"], "FP-02": ["FP-04"], "FP-04": ["FP-01"], "FP-05": ["FP-03"]}
    assert find_cycle(SHEETS, prerequisites) == ["FP-01", "FP-02", "FP-04"]
    with pytest.raises(DependencyCycle) as caught:
        check_prerequisites(SHEETS, prerequisites)
    assert caught.value.cycle == ("FP-01", "FP-02", "FP-04")
    assert str(caught.value) == "Les prérequis forment un cycle : FP-01 → FP-02 → FP-04 → FP-01."


def test_a_cycle_reached_from_outside_names_only_its_members():
    prerequisites = {"FP-01": ["FP-02"], "FP-02": ["FP-03"], "FP-03": ["FP-04"], "FP-04": ["FP-02"]}
    assert find_cycle(SHEETS, prerequisites) == ["FP-02", "FP-03", "FP-04"]
    assert find_cycle(SHEETS, {"FP-01": ["FP-02", "FP-03"], "FP-02": ["FP-03"]}) is None


def test_a_prerequisite_on_itself_is_refused():
    with pytest.raises(SelfPrerequisite, match="FP-03 ne peut pas être son propre prérequis"):
        check_prerequisites(SHEETS, {"FP-03": ["FP-03"]})


def test_a_prerequisite_of_another_mission_is_refused():
    with pytest.raises(UnknownPrerequisite, match="Le prérequis XX-09 de la fiche FP-02"):
        check_prerequisites(SHEETS, {"FP-02": ["XX-09"]})


def test_topological_order_keeps_the_input_order_when_free_and_follows_priorities():
    prerequisites = {"FP-01": ["FP-04"], "FP-02": ["FP-04", "FP-05"], "FP-03": []}
    # Ready at first: FP-03, FP-04, FP-05 (input order) → FP-03, FP-04; then FP-01 is ready (index 0).
    assert topological_order(SHEETS, prerequisites) == ["FP-03", "FP-04", "FP-01", "FP-05", "FP-02"]
    priority = {"FP-01": 5, "FP-02": 1, "FP-03": 9, "FP-04": 3, "FP-05": 2}
    # Ready: FP-03 (9), FP-04 (3), FP-05 (2) → FP-05, FP-04; then FP-01 (5), FP-02 (1), FP-03 (9) are ready.
    assert topological_order(SHEETS, prerequisites, priority) == ["FP-05", "FP-04", "FP-02", "FP-01", "FP-03"]


def test_blocked_sheets_by_a_lower_ranked_or_unranked_prerequisite():
    ranking = ["FP-03", "FP-01", "FP-05", "FP-02"]
    prerequisites = {"FP-01": ["FP-03"], "FP-03": ["FP-02"], "FP-05": ["FP-04"], "FP-02": ["FP-01"]}
    found = blocked_sheets(ranking, prerequisites)
    assert [(b.sheet, b.prerequisite, b.sheet_position, b.prerequisite_position) for b in found] == [
        ("FP-03", "FP-02", 1, 4),
        ("FP-05", "FP-04", 3, None),  # FP-04 is not ranked (set aside)
    ]
