"""Cell values as communes write them."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from territoire.pst import values
from territoire.pst.mapping import auto_columns, field_for_header
from territoire.pst.tabular import level_from_code


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12.500,00 €", Decimal("12500.00")),
        ("12500", Decimal("12500.00")),
        ("12 500,5", Decimal("12500.50")),
        ("12,500.00", Decimal("12500.00")),
        ("12.500", Decimal("12500.00")),
        ("1.5", Decimal("1.50")),
        ("EUR 3 000", Decimal("3000.00")),
        (1250.5, Decimal("1250.50")),
        ("", None),
    ],
)
def test_amounts(raw, expected):
    assert values.amount(raw) == expected


@pytest.mark.parametrize("raw", ["beaucoup", "-12", "1e400", "NaN"])
def test_bad_amounts(raw):
    with pytest.raises(ValueError):
        values.amount(raw)


@pytest.mark.parametrize(
    ("raw", "end", "expected"),
    [
        ("31/12/2025", False, date(2025, 12, 31)),
        ("2025-03-01", False, date(2025, 3, 1)),
        (46022, False, date(2025, 12, 31)),
        ("2025", False, date(2025, 1, 1)),
        ("2025", True, date(2025, 12, 31)),
        (2026.0, True, date(2026, 12, 31)),
        ("02/2026", True, date(2026, 2, 28)),
        ("1.3.2026", False, date(2026, 3, 1)),
    ],
)
def test_dates(raw, end, expected):
    assert values.to_date(raw, end=end) == expected


def test_states_and_percent():
    assert values.state("  Non commencé ") == "not_started"
    assert values.state("ANNULE_ABANDONNE") == "abandoned"
    assert values.percent("80 %") == 80
    assert values.percent(0.25) == 25
    with pytest.raises(ValueError):
        values.percent("150")


def test_codes_and_headers():
    assert values.code_key("OO 1.2") == values.code_key("oo.1.2") == "oo.1.2"
    assert level_from_code("1.2.3") == "action" and level_from_code("1") == "os" and level_from_code("OO 1.2") == "oo"
    assert level_from_code("A.1.2.3") == "action"
    assert field_for_header("  DATE DE DÉBUT ") == "start_date"
    assert field_for_header("Échéance") == "end_date"
    assert field_for_header("Budget 2026") == "year:2026"
    assert field_for_header("Objectif stratégique 1") == ""
    assert auto_columns(["OS", "OO", "Action", "Libellé"], [["OS.1", "OO.1.1", "A.1.1.1", "Faire"]]) == [
        "os_code",
        "oo_code",
        "code",
        "title",
    ]


@pytest.mark.parametrize("raw", ["1e999999", "9E+999999999", "1e-999999", "NaN", "-Infinity"])
def test_numbers_out_of_any_range_are_a_french_refusal(raw):
    for parser in (values.amount, values.decimal):
        with pytest.raises(ValueError, match="n'est pas"):
            parser(raw)


def test_a_date_of_thousands_of_digits_is_a_french_refusal():
    with pytest.raises(ValueError, match="n'est pas une date"):
        values.to_date("9" * 5000)


@given(st.one_of(st.text(max_size=60), st.floats(allow_nan=True), st.integers(), st.decimals()))
@settings(max_examples=300, deadline=None)
def test_any_cell_is_a_value_or_a_french_refusal(raw):
    for parser in (values.amount, values.decimal, values.percent, values.to_date, values.state, values.volet):
        try:
            parser(raw)
        except ValueError as error:
            assert "« " in str(error) or "doit" in str(error) or "ne peut pas" in str(error), (parser, raw, error)
