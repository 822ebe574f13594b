"""The line chart of the house style (territoire/charts.py::line): values over time and a dashed target."""

import math
import re

import pytest
from django.template.loader import render_to_string

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


# --- Scales of agreement: one 100 % bar per audience, coloured from disagreement to agreement -----------------

AGREEMENT = ["Pas du tout d'accord", "Plutôt pas d'accord", "Ni l'un ni l'autre", "Plutôt d'accord", "Tout à fait"]


def _segments(svg) -> list[tuple[int, float, float]]:
    """Each drawn segment as ``(series index, x, y)``, in the order of the SVG."""
    found = []
    for serie, body in re.findall(r'serie-(\d+) color-\d+"><g class="bars">(.*?)</g></g></g>', svg, re.S):
        found += [(int(serie), float(x), float(y)) for x, y in re.findall(r'<rect x="([\d.]+)" y="([\d.]+)"', body)]
    return found


def test_a_likert_bar_runs_from_the_most_negative_point_to_the_most_positive_in_diverging_colours():
    chart = charts.likert(AGREEMENT, [("Personnel", (1, 2, 3, 2, 2))], ident="lk-order")
    colours = charts.diverging(5)
    assert colours[0] == charts.TONES["danger"] and colours[-1] == charts.TONES["success"]
    assert colours[2] == charts.NEUTRAL
    for i, colour in enumerate(colours):
        assert f".color-{i} a:visited{{stroke:{colour};fill:{colour}}}" in chart.svg
    # The segments of the one row lie left to right in the order of the scale, and so does the legend.
    xs = [x for _serie, x, _y in sorted(_segments(chart.svg))]
    assert xs == sorted(xs) and len(xs) == 5
    legend = re.findall(r'<text x="[\d.]+" y="[\d.]+">([^<]+)</text></g>', chart.svg)
    assert legend == AGREEMENT
    assert "<script" not in chart.svg and f'viewBox="0 0 {charts.WIDTH} ' in chart.svg


def test_diverging_tints_darken_towards_the_ends_and_their_values_read_on_them():
    for points in range(2, 12):
        colours = charts.diverging(points)
        assert len(set(colours)) == points
        for colour in colours:
            assert charts.contrast(colour, charts.text_colour(colour)) >= charts.LEGIBLE, (points, colour)
        # Lightness grows from each end towards the middle.
        lightness = [charts.contrast(c, "#000000") for c in colours]
        half = points // 2
        assert lightness[:half] == sorted(lightness[:half]), points
        assert lightness[-half:] == sorted(lightness[-half:], reverse=True), points


def test_each_likert_row_adds_up_to_one_hundred_and_the_table_gives_counts_and_percentages():
    assert charts.shares((1, 1, 1)) == (34, 33, 33) and charts.shares((0, 0)) == (0, 0)
    assert charts.shares((2, 1, 0, 0, 4)) == (29, 14, 0, 0, 57)
    chart = charts.likert(
        AGREEMENT, [("Collège", (1, 1, 1, 0, 0)), ("Personnel", (2, 1, 0, 3, 1))], ident="lk-sum", overall="Ensemble"
    )
    assert chart.labels == ("Ensemble", "Collège", "Personnel")
    for row in range(3):
        assert sum(values[row] for _point, values in chart.series) == 100
    assert chart.columns == ["Ensemble", "Collège", "Personnel"]
    assert chart.rows[0] == ("Pas du tout d'accord", ["3 (30\u00a0%)", "1 (34\u00a0%)", "2 (29\u00a0%)"])
    assert chart.rows[-1] == ("Réponses", ["10", "3", "7"])
    # Ensemble tops the drawing: its label is the highest of the rows.
    labels = re.findall(r'<text x="[-\d.]+" y="([\d.]+)" class=""><tspan[^>]*>(\w+)', chart.svg)
    heights = {name: float(y) for y, name in labels}
    assert heights["Ensemble"] < heights["Collège"] < heights["Personnel"]


def test_a_segment_prints_its_percentage_only_where_it_fits():
    chart = charts.likert(AGREEMENT, [("Citoyens", (1, 0, 0, 0, 49))], ident="lk-fit")
    printed = re.findall(r'<text [^>]*class="value"[^>]*>([^<]*)</text>', chart.svg)
    assert "98\u00a0%" in printed and "2\u00a0%" not in printed
    # White on the dark ends, dark on the pale middle.
    assert ".text-overlay .color-4 text{fill:#ffffff}" in chart.svg
    assert f".text-overlay .color-2 text{{fill:{charts.DARK_TEXT}}}" in chart.svg


def test_an_audience_without_answers_is_left_out_and_ensemble_needs_two_rows():
    chart = charts.likert(
        AGREEMENT, [("Collège", (0, 0, 0, 0, 0)), ("Citoyens", (0, 1, 0, 1, 0))], ident="lk-empty", overall="Ensemble"
    )
    assert chart.labels == ("Citoyens",) and chart.columns == ["Citoyens"]
    assert "Collège" not in chart.svg and "Ensemble" not in chart.svg
    assert not charts.likert(AGREEMENT, [("Collège", (0, 0, 0, 0, 0))], ident="lk-none", overall="Ensemble")


def test_a_likert_chart_is_an_image_that_reads_its_percentages():
    chart = charts.likert(
        ["Non", "Bof", "Oui"], [("Collège", (1, 1, 2)), ("Citoyens", (0, 0, 4))], ident="lk-aria", overall="Ensemble"
    )
    assert chart.svg.startswith(
        '<svg role="img" aria-label="Ensemble : Non 13\u00a0%, Bof 12\u00a0%, Oui 75\u00a0%. '
        "Collège : Non 25\u00a0%, Bof 25\u00a0%, Oui 50\u00a0%. "
        'Citoyens : Non 0\u00a0%, Bof 0\u00a0%, Oui 100\u00a0%" '
    )


def test_likert_labels_are_escaped_in_the_drawing_the_label_and_the_table():
    hostile = '<script>alert("x")</script>'
    chart = charts.likert([hostile, "Oui"], [(f"<b>{hostile}</b>", (1, 3))], ident="lk-xss")
    assert "<script" not in chart.svg and "<b>" not in chart.svg
    assert "&lt;script&gt;" in chart.svg.split(">", 1)[0]  # the aria-label
    html = render_to_string("includes/chart.html", {"chart": chart})
    assert "<script" not in html and "&lt;b&gt;&lt;script&gt;" in html


# --- Text that reads on a phone: a narrow drawing, ticks apart, legends and radar labels whole ----------------

AUDIENCES = ("Collège communal", "Personnel administratif", "Citoyens")


def test_ticks_along_a_narrow_horizontal_axis_are_wider_apart_than_the_widest_of_them():
    assert charts.value_axis([("", (100,))])["y_labels"] == [0, 20, 40, 60, 80, 100]
    # 200 units hold three steps of "100 %" (5 characters and a gap), not five.
    assert charts.value_axis([("", (100,))], along=200, unit="\u00a0%")["y_labels"] == [0, 50, 100]
    assert charts.count_axis([("", (8,))]) == charts.value_axis([("", (8,))], whole=True, along=200)
    chart = charts.likert(range(11), [(name, (2, 3, 1, 1, 1, 0, 0, 1, 0, 1, 1)) for name in AUDIENCES], ident="t")
    ticks = chart.svg.split('<g class="axis x', 1)[1].split('class="series', 1)[0]
    assert re.findall(r">([\d\u00a0]+%)</text>", ticks) == ["0\u00a0%", "50\u00a0%", "100\u00a0%"]


def test_a_legend_whose_last_row_is_partly_filled_stays_inside_the_drawing():
    """Eleven points in five columns: pygal keeps room for two rows of legend, the drawing for three."""
    chart = charts.likert(range(11), [(name, (2, 3, 1, 1, 1, 0, 0, 1, 0, 1, 1)) for name in AUDIENCES], ident="l")
    height = float(re.search(r'viewBox="0 0 \d+ ([\d.]+)"', chart.svg).group(1))
    top, legends = re.search(r'<g transform="translate\(\d+, (\d+)\)" class="legends">(.*)', chart.svg).groups()
    rows = sorted({float(y) for y in re.findall(r'<text x="[\d.]+" y="([\d.]+)">', legends)})
    assert len(rows) == 3
    assert float(top) + rows[-1] + charts.FONT_SIZE * 0.3 <= height  # the last row's baseline and its descent


def test_radar_labels_lie_beyond_the_end_of_their_axis():
    axes = ["Mobilité", "Gouvernance", "Énergie", "Environnement", "Économie", "Qualité de vie", "Administration"]
    svg = charts.radar(axes, [("Collège", (70, 64, 75, 50, 45, 60, 66))], ident="r")
    web = svg.split('class="axis x web', 1)[1].split('class="axis y', 1)[0]
    axis_ends = re.findall(
        r'<path d="M([-\d.]+) ([-\d.]+) L([-\d.]+) ([-\d.]+)"[^>]*/><text x="([-\d.]+)" y="([-\d.]+)"[^>]*'
        r'dominant-baseline="central"',
        web,
    )
    assert len(axis_ends) == len(axes)
    for cx, cy, ex, ey, x, y in (map(float, found) for found in axis_ends):
        # Centred half a line plus a gap past the end of the axis, on its line: never over the outer ring.
        beyond = math.hypot(x - cx, y - cy) - math.hypot(ex - cx, ey - cy)
        assert beyond == pytest.approx(charts.FONT_SIZE / 2 + charts.RADAR_LABEL_GAP, abs=0.1)


def test_a_line_s_dates_lean_and_a_long_legend_entry_has_its_own_row():
    dates = ["15/01/2026", "15/02/2026", "15/03/2026", "15/04/2026"]
    svg = charts.line(dates, [5, 9, 14, 22], ident="lean", name="Démarches en ligne", target=40, target_name="Cible")
    assert svg.count(f"rotate({charts.X_LABEL_ROTATION} ") == len(dates)
    legends = svg.split('class="legends">', 1)[1]
    assert len(set(re.findall(r'<text x="[\d.]+" y="([\d.]+)">', legends))) == 2  # one row each
