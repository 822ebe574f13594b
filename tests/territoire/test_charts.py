"""The line chart of the house style (territoire/charts.py::line): values over time and a dashed target."""

import re

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


# --- The size and colour policy of bars (issue 15, item 2) ---------------------------------------------------

LONG = "Permettre aux citoyens de payer toutes leurs redevances communales en ligne"


def test_long_or_many_labels_lay_the_bars_down_and_keep_the_full_label():
    short = charts.bars(["1", "2", "3"], (("Votes", (1, 2, 3)),), ident="upright")
    assert "horizontalbar-graph" not in short.svg and 'class="graph bar-graph vertical"' in short.svg
    long = charts.bars([LONG, "Court"], (("Votes", (4, 2)),), ident="long")
    assert "horizontalbar-graph" in long.svg
    # The label is wrapped on lines of tspans, cut with an ellipsis, and its full text is its tooltip.
    assert "<tspan" in long.svg and " …</tspan>" in long.svg and f"<title>{LONG}</title>" in long.svg
    # Six labels of twelve characters would touch side by side under upright bars.
    assert charts.upright(["Questionnaire"[:12]] * 3) and not charts.upright(["Questionnaire"[:12]] * 6)
    many = charts.bars([f"Thème {i}" for i in range(8)], (("Votes", tuple(range(8))),), ident="many")
    assert "horizontalbar-graph" in many.svg
    # The chart keeps every label in full for its table of numbers.
    assert long.rows == [(LONG, ["4"]), ("Court", ["2"])]


def test_count_axes_have_few_whole_number_ticks():
    assert charts.count_axis((("Votes", (8, 3)),)) == {"y_labels": [0, 2, 4, 6, 8], "range": (0, 8)}
    assert charts.count_axis((("Votes", (7,)),))["y_labels"] == [0, 2, 4, 6, 8]
    assert charts.count_axis((("Votes", (3,)),))["y_labels"] == [0, 1, 2, 3]
    assert charts.count_axis((("A", (0, 40)), ("B", (0, 13))), stacked=True)["y_labels"] == [0, 20, 40, 60]
    chart = charts.bars([LONG, "Court"], (("Votes", (8, 1)),), ident="ticks", counts=True)
    ticks = re.findall(r'<g class="axis x always_show">(.*?)</g></g>', chart.svg)[0]
    assert re.findall(r">(\d+(?:[.,]\d+)?)</text>", ticks) == ["0", "2", "4", "6", "8"]


def test_other_value_axes_have_a_few_round_ticks_past_the_highest_bar_in_french():
    assert charts.value_axis((("Rang moyen", (2.9, 1.4)),))["y_labels"] == [0, 1, 2, 3]
    assert charts.value_axis((("Public", (72.5, 27.5)),))["y_labels"] == [0, 20, 40, 60, 80]
    assert charts.value_axis((("Part", (0.3,)),))["y_labels"] == [0, 0.1, 0.2, 0.3]
    chart = charts.bars(["Cadre de vie", "Énergie"], (("Part", (0.3, 0.25)),), ident="decimals", horizontal=True)
    ticks = re.findall(r'<g class="axis x always_show">(.*?)</g></g>', chart.svg)[0]
    assert re.findall(r">([^<]+)</text>", ticks) == ["0", "0,1", "0,2", "0,3"]
    percent = charts.bars(["Non", "Oui"], (("Public", (72.5, 27.5)),), ident="pct", horizontal=True, percent=True)
    assert percent.rows == [("Non", ["72,5 %"]), ("Oui", ["27,5 %"])]


def test_legends_take_as_many_columns_as_fit():
    assert charts.legend_columns(["Faible", "Moyenne", "Forte", "Critique"], 455) == 4
    assert charts.legend_columns(["Faible", "Moyenne", "Forte", "Critique"], 150) == 1
    chart = charts.bars(
        [LONG, "Court"],
        (("Faible", (1, 0)), ("Moyenne", (0, 1)), ("Forte", (1, 1)), ("Critique", (2, 0))),
        ident="legend",
        stacked=True,
    )
    # Every entry of the legend lies inside the chart's width.
    entries = re.findall(r'<text x="([\d.]+)" y="[\d.]+">(\w+)</text></g>', chart.svg)
    assert [name for _x, name in entries] == ["Faible", "Moyenne", "Forte", "Critique"]
    left = float(re.search(r'translate\(([\d.]+), [\d.]+\)" class="legends"', chart.svg).group(1))
    for x, name in entries:
        assert left + float(x) + 15 * 0.6 * len(name) <= charts.WIDTH, name


def test_the_same_meaning_has_the_same_colour_in_every_chart():
    gravest = charts.TONES["danger"]
    findings = charts.bars(
        ["Mobilité"], (("Faible", (1,)), ("Critique", (2,))), ident="c1", colors=charts.tones(["secondary", "danger"])
    )
    alerts = charts.bars(
        ["Double encodage"],
        (("Importante", (1,)), ("Faible", (2,))),
        ident="c2",
        colors=charts.tones(["danger", "secondary"]),
    )
    assert f".color-1 a:visited{{stroke:{gravest};fill:{gravest}}}" in findings.svg
    assert f".color-0 a:visited{{stroke:{gravest};fill:{gravest}}}" in alerts.svg


def test_a_bar_chart_needs_no_script_and_scales_with_its_container():
    chart = charts.bars([LONG], (("Votes", (1,)),), ident="noscript", percent=True)
    assert "<script" not in chart.svg and "<script" not in str(chart)
    assert f'viewBox="0 0 {charts.WIDTH} ' in chart.svg and ' width="' not in chart.svg.split(">", 1)[0]
    assert chart.rows == [(LONG, ["1 %"])]


def test_a_radar_legend_of_long_names_takes_one_column_per_line():
    svg = charts.radar(["Technologie", "Humain", "Institutions"], [("Personnel administratif", [1, 2, 3])] * 2)
    entries = re.findall(r'<text x="([\d.]+)" y="([\d.]+)">Personnel administratif</text>', svg)
    assert len(entries) == 2 and entries[0][0] == entries[1][0] and entries[0][1] != entries[1][1]


def test_every_chart_is_an_image_named_by_its_data():
    cases = [
        (
            charts.bars(["Oui", "Non"], [("Personnel", [75, 25.04])], ident="t3", horizontal=True, percent=True).svg,
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
    svg = charts.bars(['Réponse "A" <b>'], [("", [1])], ident="t5").svg
    assert 'aria-label="Réponse &quot;A&quot; &lt;b&gt; 1"' in svg
