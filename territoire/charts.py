"""Charts of every page and report: server-side SVG drawn by pygal, in one house style.

The one place for the palette, the size policy and long labels, used by the questionnaire results, the
synthesis, the roadmap, the PDF report and the projects' indicators. Pages call :func:`bars`, :func:`radar`
and :func:`line` and put the returned SVG in the page; they never import pygal.

- **Palette**: :data:`PALETTE` for series whose colour means nothing but "another series";
  :data:`IMPORTANCE_COLORS` for series ordered from least to most important (the badges' colours).
- **Size**: every chart is :data:`WIDTH` wide and scales with its container; a horizontal bar
  chart grows by :data:`ROW_HEIGHT` per bar (:func:`horizontal_height`), so its labels never
  overlap; vertical charts have a fixed height.
- **Long labels**: a label longer than :data:`LABEL_MAX` characters is cut with an ellipsis
  (:func:`shorten`); vertical bars whose labels are longer than :data:`UPRIGHT_LABEL_MAX` are slanted
  so that they do not run into each other.
- **Text alternative**: every chart is an image (``role="img"``) whose ``aria-label`` reads its data, series by
  series (:func:`describe`): a screen reader hears the numbers, not the scattered labels of the drawing.
- **Cache**: a chart is cached under a hash of the data it draws, so new data redraws only the
  charts it changes.
"""

import hashlib
import re

import pygal
from django.core.cache import cache
from django.utils.formats import get_format
from django.utils.html import escape
from django.utils.safestring import mark_safe
from pygal.style import Style

PALETTE = ("#0f5257", "#d9822b", "#6a4c93", "#2a9d8f", "#c44536", "#457b9d")
# From least to most important: grey, cyan, amber, red (the colours of the importance badges).
IMPORTANCE_COLORS = ("#6c757d", "#17a2b8", "#e0a800", "#b02a37")
WIDTH = 600
ROW_HEIGHT = 36
VERTICAL_HEIGHT = 300
RADAR_HEIGHT = 460
LABEL_MAX = 60
LEGEND_MAX = 40
UPRIGHT_LABEL_MAX = 12
CACHE_SECONDS = 60 * 60
SCRIPT_RE = re.compile(r"<script\b.*?</script>", re.S)


def style(colors=PALETTE) -> Style:
    """The house style of every chart; ``colors`` for series whose colours carry a meaning."""
    return Style(
        background="transparent",
        plot_background="transparent",
        foreground="#212529",
        foreground_strong="#212529",
        foreground_subtle="#6c757d",
        colors=colors,
        font_family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
        label_font_size=15,
        major_label_font_size=15,
        value_font_size=14,
        legend_font_size=15,
        tooltip_font_size=14,
        title_font_size=15,
    )


STYLES = {PALETTE: style(PALETTE), IMPORTANCE_COLORS: style(IMPORTANCE_COLORS)}


def shorten(text, limit: int = LABEL_MAX) -> str:
    """``text`` cut to ``limit`` characters, the last one an ellipsis when something was cut."""
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _number(value, unit="") -> str:
    if value is None:
        return "—"
    text = f"{round(float(value), 1):g}".replace(".", get_format("DECIMAL_SEPARATOR"))
    return f"{text}\u00a0{unit}" if unit else text


def describe(x_labels, series, *, title="", unit="") -> str:
    """The data of a chart as one line of text: ``Title. Series : label value, label value. Series : …``."""
    parts = [str(title)] if title else []
    for name, values in series:
        points = ", ".join(f"{label} {_number(value, unit)}" for label, value in zip(x_labels, values, strict=False))
        parts.append(f"{name} : {points}" if name else points)
    return ". ".join(parts)


def horizontal_height(bars: int, *, title: bool = False) -> int:
    """The height of a horizontal bar chart of ``bars`` bars: room for the legend, and one row per bar."""
    return 90 + (30 if title else 0) + ROW_HEIGHT * max(bars, 1)


def count_axis(series, *, stacked: bool = False) -> dict:
    """pygal options for an axis of whole numbers (counts): ticks 0, 1, 2… or a round step."""
    columns = list(zip(*(values for _name, values in series), strict=True))
    top = max((sum(c) if stacked else max(c) for c in columns), default=0) or 1
    step = next(s for s in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 10**9) if top / s <= 10)
    top_tick = -(-top // step) * step
    return {"y_labels": list(range(0, top_tick + 1, step)), "range": (0, top_tick)}


def bars(
    x_labels,
    series,
    *,
    ident,
    horizontal: bool = False,
    stacked: bool = False,
    height: int | None = None,
    title="",
    percent: bool = False,
    counts: bool = False,
    range=None,  # noqa: A002 - pygal's name
    colors=PALETTE,
) -> str:
    """Bars of ``series`` (``(name, values)`` pairs) over ``x_labels``, as SVG.

    ``percent`` prints values as percentages; ``counts`` puts whole-number ticks on the value axis;
    ``ident`` tells apart charts that draw the same data (it is part of the cache key).
    """
    if horizontal:
        kind = pygal.HorizontalBar
        height = height or horizontal_height(len(x_labels), title=bool(title))
    else:
        kind = pygal.StackedBar if stacked else pygal.Bar
        height = height or VERTICAL_HEIGHT
    x_labels = tuple(shorten(x) for x in x_labels)
    series = tuple((shorten(name, LEGEND_MAX), tuple(values)) for name, values in series)

    def build(chart):
        chart.x_labels = list(x_labels)
        for name, values in series:
            chart.add(name, list(values))

    config = {"width": WIDTH, "height": height, "show_legend": len(series) > 1}
    if title:
        config["title"] = str(title)
    if range:
        config["range"] = range
    if counts:
        config.update(count_axis(series, stacked=stacked))
    config["value_formatter"] = (lambda v: f"{v:g} %") if percent else (lambda v: f"{v:g}")
    if not horizontal and any(len(x) > UPRIGHT_LABEL_MAX for x in x_labels):
        config["x_label_rotation"] = 20
    text = describe(x_labels, series, title=title, unit="%" if percent else "")
    return _render_cached(
        kind, (ident, x_labels, series, str(title), range, percent), build, text=text, colors=colors, **config
    )


def radar(axes, series, *, ident="") -> str:
    """A radar of scores out of 100: ``axes`` are labels, ``series`` ``(name, values)`` pairs, one value per axis."""
    axes = tuple(shorten(label) for label in axes)
    series = tuple((shorten(name, LEGEND_MAX), tuple(round(v or 0, 1) for v in values)) for name, values in series)

    def build(chart):
        chart.x_labels = list(axes)
        for name, values in series:
            chart.add(name, list(values))

    return _render_cached(
        pygal.Radar,
        (ident, axes, series),
        build,
        text=describe(axes, series),
        range=(0, 100),
        fill=True,
        width=WIDTH,
        height=RADAR_HEIGHT,
        margin_bottom=28,
    )


def line(x_labels, values, *, ident, name="", target=None, target_name="") -> str:
    """Values over time as a line (``x_labels`` the dates as text, one value each), as SVG; ``target``, when
    given, is drawn as a dashed horizontal line of its own colour so that the gap to it reads at a glance.
    The value axis starts at zero unless a value is negative."""
    x_labels = tuple(shorten(x) for x in x_labels)
    values = tuple(float(v) for v in values)
    target = None if target is None else float(target)
    name, target_name = shorten(name, LEGEND_MAX), shorten(target_name, LEGEND_MAX)

    def build(chart):
        chart.x_labels = list(x_labels)
        chart.add(name, list(values))
        if target is not None:
            chart.add(
                target_name,
                [target] * len(x_labels),
                show_dots=False,
                stroke_style={"width": 3, "dasharray": "10, 6"},
            )

    drawn = (*values, *(() if target is None else (target,)))
    low, high = min(drawn, default=0), max(drawn, default=0)
    # Room on the right for the last date, which pygal centres on the last point.
    config = {"width": WIDTH, "height": VERTICAL_HEIGHT, "show_legend": target is not None, "margin_right": 40}
    # No horizontal guides: the dashed target is the one line across the chart.
    config["show_y_guides"] = False
    if low >= 0:
        config["include_x_axis"] = True
    if high > 0:
        # Headroom above the highest value or target, so that the target never sits on the frame.
        config["range"] = (min(low, 0), high * 1.2)
    if any(len(x) > UPRIGHT_LABEL_MAX for x in x_labels):
        config["x_label_rotation"] = 20
    config["value_formatter"] = lambda v: f"{v:g}"
    text = describe(x_labels, [(name, values)])
    if target is not None:
        text += f". {target_name} : {_number(target)}"
    return _render_cached(
        pygal.Line, (ident, x_labels, values, name, target, target_name), build, text=text, show_dots=True, **config
    )


def _chart(kind, *, colors, **config):
    """A pygal chart that needs no external script or stylesheet (``js=()``), sized by its container."""
    return kind(
        js=(),
        style=STYLES.get(colors) or style(colors),
        disable_xml_declaration=True,
        explicit_size=False,
        legend_at_bottom=True,
        legend_at_bottom_columns=3,
        print_values=False,
        truncate_label=LABEL_MAX,
        truncate_legend=LEGEND_MAX,
        **config,
    )


def _render_cached(kind, data_key, build, *, text, colors=PALETTE, **config) -> str:
    options = sorted((k, v) for k, v in config.items() if not callable(v))
    key = "chart:" + hashlib.sha256(repr((kind.__name__, data_key, colors, options, text)).encode()).hexdigest()
    svg = cache.get(key)
    if svg is None:
        chart = _chart(kind, colors=colors, **config)
        build(chart)
        # Even with js=() pygal writes an inline <script> holding its config for the tooltips: the CSP
        # would block it anyway, so it goes.
        svg = SCRIPT_RE.sub("", chart.render(is_unicode=True))
        # One image named by its data: its drawn labels are not read one by one.
        svg = svg.replace("<svg ", f'<svg role="img" aria-label="{escape(text)}" ', 1)
        cache.set(key, svg, CACHE_SECONDS)
    return mark_safe(svg)  # noqa: S308 - pygal escapes every label it draws
