"""The line chart of the house style (territoire/charts.py::line): values over time and a dashed target."""

from territoire import charts


def test_a_line_draws_the_values_and_the_target_without_script():
    svg = charts.line(
        ["01/01/2026", "01/02/2026"], [5, 12.5], ident="t1", name="Démarches", target=40, target_name="Cible"
    )
    assert svg.startswith("<svg") and "<script" not in svg
    assert "Démarches" in svg and "Cible" in svg
    assert "stroke-dasharray:10,6" in svg  # the target's own dashes
    assert "M" in svg and svg.count('class="line reactive nofill"') == 2


def test_a_line_without_target_has_no_legend_and_the_same_data_reads_the_cache():
    first = charts.line(["01/01/2026"], [3], ident="t2", name="Valeur")
    assert "Cible" not in first and 'class="legends"' not in first
    assert charts.line(["01/01/2026"], [3], ident="t2", name="Valeur") == first
