"""Greedy timeline: reasons in French, envelopes, FTE, pins, prerequisites, unscheduled sheets, bad input."""

from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roadmap.ranking import (
    DependencyCycle,
    InvalidAmount,
    InvalidPin,
    PlannedSheet,
    Quarter,
    SelfPrerequisite,
    quarters_for_months,
    schedule,
)

T1_2027 = Quarter(2027, 1)


def test_quarters():
    assert str(Quarter(2027, 3)) == "T3 2027"
    assert Quarter(2026, 4) + 1 == Quarter(2027, 1)
    assert [quarters_for_months(m) for m in (1, 3, 4, 7, 12, 0)] == [1, 1, 2, 3, 4, 1]


def test_without_constraints_everything_starts_at_once():
    timeline = schedule([PlannedSheet("A", 2), PlannedSheet("B", 3)], start=T1_2027)
    assert [(str(p.start), str(p.end), p.reason) for p in timeline.placements] == [
        ("T1 2027", "T2 2027", "au plus tôt"),
        ("T1 2027", "T3 2027", "au plus tôt"),
    ]


def test_a_prerequisite_finishes_before_its_dependant_starts():
    sheets = [PlannedSheet("FP-05", 2, prerequisites=("FP-03",)), PlannedSheet("FP-03", 3)]
    timeline = schedule(sheets, start=T1_2027)
    assert timeline.placement("FP-03").end == Quarter(2027, 3)
    assert timeline.placement("FP-05").start == Quarter(2027, 4)
    assert timeline.placement("FP-05").reason == "après son prérequis FP-03"


def test_a_sheet_over_the_envelope_is_postponed_with_the_amount():
    # A takes 100 000 € of the 2027 envelope (100 000 €); B (42 000 €, one quarter) fits in no quarter of 2027:
    # each try overruns 2027 by 42 000 €, so B goes to T1 2028.
    sheets = [PlannedSheet("A", 4, investment=D(100_000)), PlannedSheet("B", 1, investment=D(42_000))]
    timeline = schedule(sheets, start=T1_2027, years=2, envelopes={2027: D(100_000), 2028: D(100_000)})
    b = timeline.placement("B")
    assert b.start == Quarter(2028, 1)
    assert b.reason == "reporté à 2028 : enveloppe 2027 dépassée de 42\xa0000\xa0€"


def test_budget_per_year_by_hand():
    # 100 000 € investment over 4 quarters from T3 2026 (25 000 € a quarter), 50 000 € of subsidies alike
    # (12 500 € a quarter), 12 000 € a year of running costs from T3 2027 (3 000 € a quarter).
    sheets = [PlannedSheet("A", 4, D(100_000), D(50_000), D(12_000), fte=0.5, pinned_start=Quarter(2026, 3))]
    timeline = schedule(sheets, start=Quarter(2026, 1), years=3, fte_capacity=2)
    rows = [(y.year, y.investment, y.running, y.subsidies, y.net, y.fte_peak) for y in timeline.years]
    assert rows == [
        (2026, D(50_000), D(0), D(25_000), D(25_000), 0.5),
        (2027, D(50_000), D(6_000), D(25_000), D(31_000), 0.5),
        (2028, D(0), D(12_000), D(0), D(12_000), 0.0),
    ]
    assert timeline.years[0].fte_capacity == 2
    assert timeline.placement("A").reason == "fixé par le consultant"


def test_cents_are_spread_exactly():
    # 100,01 € over 3 quarters: 33,33 + 33,34 + 33,34 (floor((k+1)·T/n) − floor(k·T/n)), all in 2027.
    timeline = schedule([PlannedSheet("A", 3, investment=D("100.01"))], start=T1_2027, years=1)
    assert timeline.years[0].investment == D("100.01")


def test_fte_capacity_postpones_with_the_reason():
    sheets = [PlannedSheet("A", 2, fte=1.0), PlannedSheet("B", 1, fte=0.8)]
    timeline = schedule(sheets, start=T1_2027, fte_capacity=1.5)
    b = timeline.placement("B")
    assert b.start == Quarter(2027, 3)
    assert b.reason == "reporté au T3 2027 : capacité interne dépassée au T2 2027 (1,8 ETP pour 1,5)"
    assert timeline.years[0].fte_peak == 1.0


def test_a_pinned_sheet_stays_and_the_others_reflow_around_it():
    # Without the pin, B (priority 2) would start T1 2027; C is pinned there and takes the envelope.
    sheets = [
        PlannedSheet("B", 1, investment=D(60_000)),
        PlannedSheet("C", 1, investment=D(60_000), pinned_start=T1_2027),
    ]
    timeline = schedule(sheets, start=T1_2027, years=2, envelopes={2027: D(100_000)})
    assert timeline.placement("C").start == T1_2027 and timeline.placement("C").pinned
    assert timeline.placement("B").start == Quarter(2028, 1)
    assert timeline.placement("B").reason.startswith("reporté à 2028 : enveloppe 2027 dépassée de 20")


def test_a_pin_over_the_envelope_is_kept_with_a_warning():
    sheets = [PlannedSheet("A", 1, investment=D(150_000), pinned_start=T1_2027)]
    timeline = schedule(sheets, start=T1_2027, years=1, envelopes={2027: D(100_000)})
    assert timeline.placement("A").reason == (
        "fixé par le consultant ; attention : enveloppe 2027 dépassée de 50\xa0000\xa0€"
    )
    assert timeline.years[0].overrun == D(50_000)


def test_a_prerequisite_of_a_pinned_sheet_is_scheduled_before_it_or_reported():
    sheets = [
        PlannedSheet("X", 2, investment=D(80_000)),
        PlannedSheet("P", 2, prerequisites=("Q",), pinned_start=Quarter(2027, 3)),
        PlannedSheet("Q", 2, investment=D(50_000)),
    ]
    # Q inherits the pinned sheet's urgency: it goes first (T1–T2 2027, 50 000 €); X (80 000 € over two
    # quarters) waits until only half of it falls in 2027: T4 2027 (T3 would put 130 000 € in 2027).
    timeline = schedule(sheets, start=T1_2027, years=2, envelopes={2027: D(100_000), 2028: D(100_000)})
    assert timeline.placement("Q").start == T1_2027
    assert timeline.placement("X").start == Quarter(2027, 4)
    assert timeline.placement("X").reason == "reporté au T4 2027 : enveloppe 2027 dépassée de 30\xa0000\xa0€"
    late = schedule(sheets, start=Quarter(2027, 2), years=2)
    assert (
        late.placement("Q").reason == "non planifiée : elle ne peut pas se terminer avant le début fixé de P (T3 2027)"
    )


def test_a_prerequisite_inherits_the_priority_of_the_sheet_waiting_for_it():
    # Budget for one sheet a year. Priority order: A (needs Z), B, Z. Z goes first because A waits for it.
    sheets = [
        PlannedSheet("A", 4, investment=D(100), prerequisites=("Z",)),
        PlannedSheet("B", 4, investment=D(100)),
        PlannedSheet("Z", 4, investment=D(100)),
    ]
    timeline = schedule(sheets, start=T1_2027, years=3, envelopes=dict.fromkeys((2027, 2028, 2029), D(100)))
    assert [timeline.placement(c).start.year for c in "ZAB"] == [2027, 2028, 2029]


def test_a_sheet_that_costs_more_than_any_envelope_is_unscheduled_with_which_and_how_much():
    sheets = [PlannedSheet("BIG", 2, investment=D(300_000))]
    timeline = schedule(sheets, start=T1_2027, years=2, envelopes={2027: D(100_000), 2028: D(100_000)})
    big = timeline.placement("BIG")
    assert not big.scheduled and timeline.unscheduled == (big,)
    # Best try: one quarter in each year (T4 2027 – T1 2028), 150 000 € a year: 50 000 € over.
    assert big.reason == (
        "non planifiée : à elle seule, elle dépasse l'enveloppe 2027 (100\xa0000\xa0€) de 50\xa0000\xa0€, "
        "où qu'elle soit placée dans l'horizon"
    )


def test_crowded_out_sheets_and_their_dependants_are_unscheduled():
    sheets = [
        PlannedSheet("A", 4, investment=D(100_000)),
        PlannedSheet("B", 1, investment=D(30_000)),
        PlannedSheet("C", 1, prerequisites=("B",)),
        PlannedSheet("D", 1, prerequisites=("NOT-RETAINED",)),
    ]
    timeline = schedule(sheets, start=T1_2027, years=1, envelopes={2027: D(110_000)})
    assert timeline.placement("B").reason == (
        "non planifiée : les enveloppes sont pleines jusqu'à la fin de l'horizon ; au mieux, l'enveloppe 2027 "
        "serait dépassée de 20\xa0000\xa0€"
    )
    assert timeline.placement("C").reason == "non planifiée : son prérequis B n'a pas pu être planifié"
    assert timeline.placement("D").reason == "non planifiée : son prérequis NOT-RETAINED n'est pas retenu"


def test_a_sheet_too_long_for_the_horizon_is_unscheduled():
    sheets = [PlannedSheet("A", 4), PlannedSheet("B", 2, prerequisites=("A",)), PlannedSheet("FTE", 1, fte=3)]
    timeline = schedule(sheets, start=T1_2027, years=1, fte_capacity=2)
    assert timeline.placement("B").reason == (
        "non planifiée : l'horizon s'arrête au T4 2027 ; commencée au plus tôt au T1 2028, elle finirait au T2 2028"
    )
    assert timeline.placement("FTE").reason == "non planifiée : elle demande 3,0 ETP internes pour une capacité de 2,0"


def test_bad_input_raises():
    with pytest.raises(SelfPrerequisite):
        schedule([PlannedSheet("A", 1, prerequisites=("A",))], start=T1_2027)
    with pytest.raises(DependencyCycle, match="A → B → A"):
        schedule(
            [PlannedSheet("A", 1, prerequisites=("B",)), PlannedSheet("B", 1, prerequisites=("A",))], start=T1_2027
        )
    with pytest.raises(InvalidAmount, match="FP-01"):
        schedule([PlannedSheet("FP-01", 1, investment=D(-5))], start=T1_2027)
    with pytest.raises(InvalidPin, match="hors de l'horizon T1 2027 – T4 2030"):
        schedule([PlannedSheet("A", 2, pinned_start=Quarter(2030, 4))], start=T1_2027)
    with pytest.raises(InvalidPin, match="son prérequis A, fixé lui aussi, se termine au T2 2027"):
        schedule(
            [
                PlannedSheet("A", 2, pinned_start=T1_2027),
                PlannedSheet("B", 1, prerequisites=("A",), pinned_start=Quarter(2027, 2)),
            ],
            start=T1_2027,
        )


@st.composite
def plans(draw):
    n = draw(st.integers(1, 12))
    sheets = []
    for i in range(n):
        needs = draw(st.lists(st.integers(0, i - 1), max_size=2, unique=True)) if i else []
        sheets.append(
            PlannedSheet(
                f"S{i:02d}",
                draw(st.integers(1, 6)),
                investment=D(draw(st.integers(0, 200_000))),
                subsidies=D(draw(st.integers(0, 50_000))),
                running_per_year=D(draw(st.integers(0, 20_000))),
                fte=draw(st.sampled_from([0, 0.2, 0.5, 1.0])),
                prerequisites=tuple(f"S{j:02d}" for j in needs),
            )
        )
    order = draw(st.permutations(sheets))
    return list(order)


@settings(max_examples=80, deadline=None)
@given(plans(), st.integers(50_000, 400_000))
def test_schedules_respect_prerequisites_envelopes_and_capacity(sheets, envelope):
    envelopes = dict.fromkeys(range(2027, 2031), D(envelope))
    timeline = schedule(sheets, start=T1_2027, envelopes=envelopes, fte_capacity=1.5)
    by_code = {p.code: p for p in timeline.placements}
    for sheet in sheets:
        placement = by_code[sheet.code]
        if placement.scheduled:
            assert placement.end.index - placement.start.index + 1 == sheet.duration_quarters
            for needed in sheet.prerequisites:
                assert by_code[needed].scheduled and by_code[needed].end < placement.start
        else:
            assert placement.reason.startswith("non planifiée : ")
    for year in timeline.years:
        assert year.net <= year.envelope and year.fte_peak <= 1.5 + 1e-9
