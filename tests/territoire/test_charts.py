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


def test_every_chart_is_an_image_named_by_its_data():
    cases = [
        (
            charts.bars(["Oui", "Non"], [("Personnel", [75, 25.04])], ident="t3", horizontal=True, percent=True),
            "Personnel : Oui 75\u00a0%, Non 25\u00a0%",
        ),
        (
            charts.radar(["Gouvernance", "Données"], [("Collège", [62.5, 40]), ("Personnel", [50, None])]),
            "Collège : Gouvernance 62,5, Données 40. Personnel : Gouvernance 50, Données 0",
        ),
        (
            charts.line(
                ["01/01/2026", "01/02/2026"], [5, 12.5], ident="t4", name="Démarches", target=40, target_name="Cible"
            ),
            "Démarches : 01/01/2026 5, 01/02/2026 12,5. Cible : 40",
        ),
    ]
    for svg, text in cases:
        assert svg.startswith(f'<svg role="img" aria-label="{text}" ')
    # Labels are escaped in the attribute, as pygal escapes them in the drawing.
    svg = charts.bars(['Réponse "A" <b>'], [("", [1])], ident="t5")
    assert 'aria-label="Réponse &quot;A&quot; &lt;b&gt; 1"' in svg
