"""Charts of every page and report: server-side SVG drawn by pygal, in one house style.

The one place for the palette, the size policy and long labels, used by the questionnaire results, the
synthesis, the roadmap, the PDF report and the projects' indicators. Pages call :func:`bars`, :func:`likert`,
:func:`radar` and :func:`line` and put the returned SVG in the page (bars through ``includes/chart.html``, with
their numbers; a radar or a line beside the table of its numbers); they never import pygal.

- **Palette**: :data:`PALETTE` for series whose colour means nothing but "another series"; :data:`TONES` for
  series whose colour carries a meaning, named like Bootstrap's badges so that a bar and the badge of the same
  thing share a colour: the gravest level is ``danger`` (red) everywhere, a warning ``warning`` (amber), the
  least ``secondary`` (grey). An app maps its levels to tones once (``diagnostics.models.findings.
  IMPORTANCE_TONES``, ``diagnostics.selectors.inventory.SEVERITY_TONES``) for its badges and :func:`tones`
  turns them into the colours of its charts.
- **Size**: every chart is :data:`WIDTH` (420) units wide in its viewBox, its text :data:`FONT_SIZE` (15;
  the values on bars :data:`VALUE_FONT_SIZE`, 14) units high, and scales with its container up to 28rem
  (448 px, ``.chart svg`` in ``static/css/territoire.css``): one SVG per chart whose text reads at 11 to 13 px
  in the 330–370 px column of a 390 px phone and at most 16 px on a desktop (measured by
  ``tests/browser/test_charts.py``); the PDF report prints it at 71 % of its column (about 12 pt,
  ``static/roadmap/report.css``). A horizontal bar chart grows by :data:`ROW_HEIGHT` per bar
  (:func:`horizontal_height`), so its labels never overlap; vertical charts have a fixed height. Ticks along
  a horizontal value axis stay wider apart than the widest of them (:func:`value_axis`), a legend's last row
  gets its room even when partly filled, a radar's axis labels lie beyond its outer ring and a line's dates
  lean (:data:`X_LABEL_ROTATION`) with the room they take.
- **Orientation**: bars stand upright only for a few short labels (scale points, years); with more than
  :data:`UPRIGHT_BARS_MAX` bars, a label longer than :data:`UPRIGHT_LABEL_MAX` characters or labels that
  would touch side by side they lie down,
  labels on the left wrapped on two lines of :data:`WRAP` characters; a label cut short keeps its full text
  in a ``<title>`` (the tooltip) and in the chart's table of numbers (:class:`Chart`).
- **Value axes** start at zero and have at most :data:`TICKS_MAX` round steps, the last tick at or above the
  highest bar (:func:`value_axis`): whole numbers for counts (0, 2, 4, 6, 8), written the Belgian French way
  otherwise (``0,5``).
- **Scales of agreement** (Likert 1–5, ratings 0–10) are drawn by :func:`likert`: one 100 % bar per audience
  (« Ensemble » first), its segments in scale order from the most negative to the most positive, coloured by
  :func:`diverging` (``danger`` red through a light grey to ``success`` green, lighter towards the middle so
  that the ends stand out by lightness too, for readers who do not tell red from green), each wide enough
  segment printing its percentage; the legend names the points; the table gives counts and percentages,
  which add up to 100 per audience (:func:`shares`).
- **Legends** sit under the plot in as many columns as their longest entry allows: never cut.
- **Numbers**: :func:`bars` and :func:`likert` return a :class:`Chart`, the SVG and the numbers it draws, which
  the include ``includes/chart.html`` prints as a table one click away.
- **Text alternative**: every chart is an image (``role="img"``) whose ``aria-label`` reads its data, series by
  series (:func:`describe`): a screen reader hears the numbers, not the scattered labels of the drawing.
- **Cache**: a chart is cached under a hash of the data it draws, so new data redraws only the
  charts it changes.
"""

import builtins
import functools
import hashlib
import math
import re
import textwrap
from dataclasses import dataclass
from html import escape

import pygal
from django.core.cache import cache
from django.utils.formats import number_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from pygal.style import Style
from pygal.util import text_len

PALETTE = ("#0f5257", "#d9822b", "#6a4c93", "#2a9d8f", "#c44536", "#457b9d")
# The colours of meanings, one per Bootstrap badge tone (a shade darker where the badge colour is too pale to
# tell apart on white): the same meaning gets the same colour in every chart and in the badges beside it.
TONES = {
    "danger": "#b02a37",
    "warning": "#e0a800",
    "info": "#17a2b8",
    "success": "#198754",
    "secondary": "#6c757d",
}
WIDTH = 420  # viewBox units: see « Size » above before changing it (the CSS and the PDF's width depend on it)
ROW_HEIGHT = 44
VERTICAL_HEIGHT = 300
RADAR_HEIGHT = 460
LABEL_MAX = 60
LEGEND_MAX = 40
UPRIGHT_LABEL_MAX = 12
UPRIGHT_BARS_MAX = 12  # a rating scale from 0 to 10 stands upright
WRAP = 22
TICKS_MAX = 5  # steps on a value axis
X_LABEL_ROTATION = 20  # degrees, the dates of a line
FONT_SIZE = 15
VALUE_FONT_SIZE = 14
LEGEND_BOX = 12
CACHE_SECONDS = 60 * 60
SCRIPT_RE = re.compile(r"<script\b.*?</script>", re.S)
CATEGORY_LABEL_RE = re.compile(
    r'(<text x="([-\d.]+)" y="[-\d.]+" class="[^"]*">)[^<]*(</text>)(?:<title>[^<]*</title>)?'
)


def style(colors=PALETTE, value_colors=()) -> Style:
    """The house style of every chart; ``colors`` for series whose colours carry a meaning, ``value_colors``
    for the values printed on them (the bars are then opaque: the contrast of a value is that of its colours)."""
    return Style(
        opacity="1" if value_colors else Style.opacity,
        opacity_hover="1" if value_colors else Style.opacity_hover,
        background="transparent",
        plot_background="transparent",
        foreground="#212529",
        foreground_strong="#212529",
        foreground_subtle="#6c757d",
        colors=colors,
        value_colors=value_colors,
        font_family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
        label_font_size=FONT_SIZE,
        major_label_font_size=FONT_SIZE,
        value_font_size=VALUE_FONT_SIZE,
        legend_font_size=FONT_SIZE,
        tooltip_font_size=14,
        title_font_size=FONT_SIZE,
    )


STYLES = {PALETTE: style(PALETTE)}


def tones(names) -> tuple[str, ...]:
    """The colours of the tones ``names`` (keys of :data:`TONES`), in order: the ``colors`` of a chart whose
    series are levels of one meaning."""
    return tuple(TONES[name] for name in names)


def _rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))


def _mix(colour: str, other: str, share: float) -> str:
    """``colour`` with ``share`` (0 to 1) of ``other`` mixed in."""
    mixed = (round(a + (b - a) * share) for a, b in zip(_rgb(colour), _rgb(other), strict=True))
    return "#" + "".join(f"{c:02x}" for c in mixed)


NEUTRAL = _mix(TONES["secondary"], "#ffffff", 0.6)  # a light grey: neither agreement nor disagreement
DARK_TEXT = "#212529"
LEGIBLE = 4.5  # WCAG AA contrast of a value printed on its bar


def _luminance(colour: str) -> float:
    """The relative luminance of ``colour`` (WCAG 2)."""
    linear = [c / 255 / 12.92 if c <= 10 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in _rgb(colour)]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(colour: str, other: str) -> float:
    """The WCAG 2 contrast ratio of two colours, from 1 to 21."""
    dark, light = sorted((_luminance(colour), _luminance(other)))
    return (light + 0.05) / (dark + 0.05)


@functools.cache
def text_colour(background: str) -> str:
    """White or dark text on ``background``, whichever contrasts more."""
    return "#ffffff" if contrast(background, "#ffffff") >= contrast(background, DARK_TEXT) else DARK_TEXT


WHITE_TEXT_BELOW = 1.05 / LEGIBLE - 0.05  # the luminance of the lightest background white text reads on
DARK_TEXT_ABOVE = LEGIBLE * (_luminance(DARK_TEXT) + 0.05) - 0.05  # … and of the darkest one for dark text


@functools.cache  # a few hundred contrast computations for 11 points: once per process, not per chart drawn
def diverging(points: int) -> tuple[str, ...]:
    """The colours of ``points`` ordered points, from the most negative to the most positive: :data:`TONES`
    ``danger`` to ``success``, paler towards :data:`NEUTRAL` in the middle (of an odd scale), so that the
    strong ends stand out by their lightness as well as their hue. A tint on which neither white nor dark text
    would read (:data:`LEGIBLE`) is moved to the nearer lightness where one does."""
    half = (points - 1) / 2 or 1
    colours = []
    for i in builtins.range(points):
        lean = (i - half) / half  # -1 (most negative) … 1 (most positive)
        if not lean:
            colours.append(NEUTRAL)
            continue
        end = TONES["danger"] if lean < 0 else TONES["success"]
        share = 0.3 + 0.7 * abs(lean)  # of the end's colour, the rest white
        # Between the luminance below which white text reads and that above which dark text does: to the nearer.
        darker = _luminance(_mix("#ffffff", end, share)) < (WHITE_TEXT_BELOW + DARK_TEXT_ABOVE) / 2
        while contrast(tint := _mix("#ffffff", end, share), text_colour(tint)) < LEGIBLE and 0 < share < 1:
            share = min(1, share + 0.01) if darker else share - 0.01
        colours.append(tint)
    return tuple(colours)


@dataclass(frozen=True)
class Chart:
    """A drawn chart and the numbers it draws. In a template ``{{ chart }}`` prints the SVG;
    ``{% include "includes/chart.html" %}`` prints it with its table of numbers one click away."""

    svg: str
    title: str = ""
    caption: str = ""
    labels: tuple = ()
    series: tuple = ()
    percent: bool = False
    table: tuple = ()  # (columns, rows) when the table is not the drawn series one by one (:func:`likert`)

    def __str__(self) -> str:
        return self.svg

    def __html__(self) -> str:
        return self.svg

    def __bool__(self) -> bool:
        return bool(self.svg)

    @property
    def columns(self) -> list[str]:
        if self.table:
            return list(self.table[0])
        return [name for name, _values in self.series]

    @property
    def rows(self) -> list[tuple[str, list[str]]]:
        """One row per label (in full), one formatted value per series; "—" where there is none."""
        if self.table:
            return list(self.table[1])
        return [
            (label, [self._format(values[i]) for _n, values in self.series]) for i, label in enumerate(self.labels)
        ]

    def _format(self, value) -> str:
        if value is None:
            return "—"
        shown = number_format(round(value, 1), decimal_pos=None, use_l10n=True)
        return f"{shown} %" if self.percent else shown


def decimal(value) -> str:
    """A number on an axis or in a tooltip the Belgian French way: ``2,5``, never ``2.5``."""
    return f"{value:g}".replace(".", ",")


def _number(value, unit="") -> str:
    if value is None:
        return "—"
    text = decimal(round(float(value), 1))
    return f"{text}\u00a0{unit}" if unit else text


def _count(n: int) -> str:
    return number_format(n, use_l10n=True, force_grouping=True)


def describe(x_labels, series, *, title="", unit="") -> str:
    """The data of a chart as one line of text: ``Title. Series : label value, label value. Series : …``."""
    parts = [str(title)] if title else []
    for name, values in series:
        points = ", ".join(f"{label} {_number(value, unit)}" for label, value in zip(x_labels, values, strict=False))
        parts.append(f"{name} : {points}" if name else points)
    return ". ".join(parts)


def shorten(text, limit: int = LABEL_MAX) -> str:
    """``text`` cut to ``limit`` characters, the last one an ellipsis when something was cut."""
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def wrap(text, width: int = WRAP, lines: int = 2) -> list[str]:
    """``text`` on at most ``lines`` lines of ``width`` characters, the last one ending in an ellipsis when cut."""
    return textwrap.wrap(str(text), width, max_lines=lines, placeholder=" …", break_long_words=True) or [""]


def upright(x_labels) -> bool:
    """Whether bars over ``x_labels`` may stand upright: a few short labels that fit side by side."""
    longest = max((len(str(x)) for x in x_labels), default=0)
    side_by_side = text_len((longest + 1) * len(x_labels), FONT_SIZE) <= WIDTH - 60
    return len(x_labels) <= UPRIGHT_BARS_MAX and longest <= UPRIGHT_LABEL_MAX and side_by_side


def horizontal_height(bars: int, *, title: bool = False, legend_rows: int = 0) -> int:
    """The height of a horizontal bar chart of ``bars`` bars: room for the axis, the legend, one row per bar."""
    return 60 + (30 if title else 0) + 24 * legend_rows + ROW_HEIGHT * max(bars, 1)


def legend_columns(names, plot_width: float) -> int:
    """As many legend columns as fit the longest entry side by side in ``plot_width``, at least one."""
    widest = LEGEND_BOX + 5 + text_len(max((len(n) for n in names), default=0), FONT_SIZE) + 10
    return max(1, min(len(names), int(plot_width // widest)))


def value_axis(series, *, stacked: bool = False, whole: bool = False, along: float = 0, unit: str = "") -> dict:
    """pygal options for a value axis from zero: at most :data:`TICKS_MAX` round steps (1, 2, 2.5 or 5
    times a power of ten; whole numbers only when ``whole``, for counts) and a last tick at or above the
    highest value, so that the ticks stay apart even on a narrow plot and no bar runs past the axis.
    ``along`` is the length of a horizontal axis: its ticks (written with ``unit``) are further apart than
    the widest of them, so that they never touch side by side."""
    columns = list(zip(*(values for _name, values in series), strict=True))
    top = max((sum(v or 0 for v in c) if stacked else max(v or 0 for v in c) for c in columns), default=0) or 1
    steps = sorted(m * 10**e for e in builtins.range(-2, 10) for m in (1, 2, 2.5, 5))
    if whole:
        steps = [s for s in steps if s >= 1 and s == int(s)]

    def fits(step):
        count = math.ceil(top / step - 1e-9)
        widest = max(len(decimal(round(i * step, 6)) + unit) for i in builtins.range(count + 1))
        return count <= TICKS_MAX and (not along or count == 1 or along / count >= text_len(widest + 2, FONT_SIZE))

    step = next(s for s in steps if fits(s))
    ticks = [round(i * step, 6) for i in builtins.range(math.ceil(top / step - 1e-9) + 1)]
    ticks = [int(t) if t == int(t) else t for t in ticks]
    return {"y_labels": ticks, "range": (0, ticks[-1])}


def count_axis(series, *, stacked: bool = False) -> dict:
    """pygal options for an axis of whole numbers (counts): ticks 0, 1, 2… or a round step."""
    return value_axis(series, stacked=stacked, whole=True)


def bars(
    x_labels,
    series,
    *,
    ident,
    horizontal: bool = False,
    stacked: bool = False,
    height: int | None = None,
    title="",
    caption="",
    percent: bool = False,
    counts: bool = False,
    range=None,  # noqa: A002 - pygal's name
    colors=PALETTE,
) -> Chart:
    """Bars of ``series`` (``(name, values)`` pairs) over ``x_labels``, as a :class:`Chart`.

    The bars lie down when ``horizontal`` or when the labels would not fit upright (:func:`upright`).
    ``caption`` is a sentence for under the chart; ``percent`` prints values as percentages; ``counts`` puts
    whole-number ticks on the value axis;
    ``ident`` tells apart charts that draw the same data (it is part of the cache key).
    """
    labels = tuple(str(x) for x in x_labels)
    series = tuple((str(name), tuple(values)) for name, values in series)
    horizontal = horizontal or not upright(labels)
    names = [shorten(name, LEGEND_MAX) for name, _v in series]
    if horizontal:
        kind = pygal.HorizontalStackedBar if stacked else pygal.HorizontalBar
        lines, drawn_labels, plot_width = _lying_labels(labels)
    else:
        kind = pygal.StackedBar if stacked else pygal.Bar
        lines, drawn_labels, plot_width = None, labels, WIDTH - 60
    columns = legend_columns(names, plot_width)
    legend_rows = -(-len(series) // columns) if len(series) > 1 else 0
    if horizontal:
        height = height or horizontal_height(len(labels), title=bool(title), legend_rows=legend_rows)
    else:
        height = height or VERTICAL_HEIGHT + 24 * legend_rows

    def build(chart):
        chart.x_labels = list(drawn_labels)
        for (_name, values), name in zip(series, names, strict=True):
            chart.add(name, list(values))

    config = {"width": WIDTH, "height": height, "show_legend": len(series) > 1, "legend_at_bottom_columns": columns}
    if title:
        config["title"] = str(title)
    if range:
        # A scale of its own (1 to 5, 0 to 100): pygal's round ticks, a few of them.
        config["range"] = range
        config["max_scale"] = TICKS_MAX + 1
    elif all(v is None or v >= 0 for _n, values in series for v in values):
        along = plot_width if horizontal else 0
        config.update(value_axis(series, stacked=stacked, whole=counts, along=along, unit=" %" if percent else ""))
    else:
        config["max_scale"] = TICKS_MAX + 1
    config["value_formatter"] = (lambda v: f"{decimal(v)} %") if percent else decimal
    key = (ident, labels, series, str(title), range, percent, counts, stacked)
    text = describe(labels, series, title=title, unit="%" if percent else "")
    svg = _render_cached(kind, key, build, text=text, colors=colors, lines=lines, full_labels=labels, **config)
    return Chart(svg=svg, title=str(title), caption=str(caption), labels=labels, series=series, percent=percent)


def _lying_labels(labels):
    """The labels of horizontal bars wrapped on lines, the widest line of each (pygal sizes the label margin from
    the text it is given) and the width left to the plot beside them."""
    lines = tuple(tuple(wrap(x)) for x in labels)
    drawn = tuple(max(ls, key=len) for ls in lines)
    # pygal leaves 50 units beside the labels and the plot (its margins and paddings, measured).
    return lines, drawn, WIDTH - text_len(max(map(len, drawn), default=0), FONT_SIZE) - 50


def shares(counts) -> tuple[int, ...]:
    """``counts`` in whole percentages of their sum that add up to 100 (the largest remainders are rounded up),
    so that a 100 % bar and its table agree; zeros when there is nothing to share."""
    total = sum(counts)
    if not total:
        return tuple(0 for _n in counts)
    whole, rest = zip(*(divmod(100 * n, total) for n in counts), strict=True)
    up = set(sorted(builtins.range(len(counts)), key=lambda i: -rest[i])[: 100 - sum(whole)])
    return tuple(w + (i in up) for i, w in enumerate(whole))


def likert(points, series, *, ident, overall="", title="", caption="") -> Chart:
    """Answers on an ordered scale as one 100 % horizontal bar per row, as a :class:`Chart`.

    ``points`` are the labels of the scale from the most negative to the most positive (the legend);
    ``series`` are ``(name, counts)`` pairs, one count per point (an audience and its answers); a row without
    answers is left out. ``overall`` names a row of all the rows together, drawn first when there are several.
    The segments are coloured by :func:`diverging` and print their percentage where it fits; the table gives
    counts and percentages per row and point.
    """
    points = tuple(str(p) for p in points)
    rows = [(str(name), tuple(counts)) for name, counts in series if sum(counts)]
    if not rows:
        return Chart(svg="", title=str(title), caption=str(caption))
    if overall and len(rows) > 1:
        rows.insert(0, (str(overall), tuple(builtins.map(sum, zip(*(c for _n, c in rows), strict=True)))))
    names = tuple(name for name, _c in rows)
    percents = tuple(shares(counts) for _n, counts in rows)
    # One series per point, one value per row: what pygal stacks.
    drawn = tuple((point, tuple(p[i] for p in percents)) for i, point in enumerate(points))
    # pygal draws the first category lowest: the rows go in upside down so that « Ensemble » tops the chart.
    lines, drawn_labels, plot_width = _lying_labels(names[::-1])
    legend = [shorten(point, LEGEND_MAX) for point in points]
    columns = legend_columns(legend, plot_width)
    colors = diverging(len(points))

    def inside(value):
        """The percentage of a segment, printed only where the segment is wide enough to hold it."""
        text = f"{value}\u00a0%"
        return text if text_len(len(text), VALUE_FONT_SIZE) + 8 <= plot_width * value / 100 else ""

    def build(chart):
        chart.x_labels = list(drawn_labels)
        for name, (_point, values) in zip(legend, drawn, strict=True):
            # A white line between segments tells neighbouring tints apart.
            chart.add(name, [{"value": v, "style": "stroke:#fff"} for v in values[::-1]], formatter=inside)

    config = {
        "width": WIDTH,
        "height": horizontal_height(len(rows), title=bool(title), legend_rows=-(-len(points) // columns)),
        "legend_at_bottom_columns": columns,
        "print_values": True,
        "show_y_guides": False,  # the segments meet end to end: no dashed lines across them
        "value_formatter": lambda v: f"{decimal(v)}\u00a0%",
        **value_axis([("", (100,))], along=plot_width, unit="\u00a0%"),
    }
    if title:
        config["title"] = str(title)
    text = describe(points, [(name, p) for name, p in zip(names, percents, strict=True)], title=title, unit="%")
    svg = _render_cached(
        pygal.HorizontalStackedBar,
        (ident, points, tuple(rows), str(title)),
        build,
        text=text,
        colors=colors,
        value_colors=tuple(text_colour(c) for c in colors),
        lines=lines,
        full_labels=names[::-1],
        **config,
    )
    table = (
        names,
        tuple(
            (point, [f"{_count(counts[i])} ({p[i]}\u00a0%)" for (_n, counts), p in zip(rows, percents, strict=True)])
            for i, point in enumerate(points)
        )
        + ((_("Réponses"), [_count(sum(counts)) for _n, counts in rows]),),
    )
    return Chart(
        svg=svg, title=str(title), caption=str(caption), labels=names, series=drawn, percent=True, table=table
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
        finish=_radar_labels_outside,
        range=(0, 100),
        # No "100" tick: it sat on the label of the top axis; the rings stay, the scale is in the heading.
        y_labels=[20, 40, 60, 80],
        legend_at_bottom_columns=legend_columns([name for name, _v in series], WIDTH - 60),
        fill=True,
        width=WIDTH,
        height=RADAR_HEIGHT,
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
    config = {
        "width": WIDTH,
        "height": VERTICAL_HEIGHT,
        "show_legend": target is not None,
        "legend_at_bottom_columns": legend_columns([name, target_name], WIDTH - 60),
        "margin_right": 40,
    }
    # No horizontal guides: the dashed target is the one line across the chart.
    config["show_y_guides"] = False
    if low >= 0:
        config["include_x_axis"] = True
    if high > 0:
        # Headroom above the highest value or target, so that the target never sits on the frame.
        config["range"] = (min(low, 0), high * 1.2)
    # The dates lean, so that they touch neither side by side nor, the first one, the zero of the value axis.
    config["x_label_rotation"] = X_LABEL_ROTATION
    config["value_formatter"] = decimal
    text = describe(x_labels, [(name, values)])
    if target is not None:
        text += f". {target_name} : {_number(target)}"
    return _render_cached(
        _LeaningLine, (ident, x_labels, values, name, target, target_name), build, text=text, show_dots=True, **config
    )


class _LeaningLine(pygal.Line):
    """pygal's line whose leaning dates keep their own height under the axis: pygal counts only their rise, so
    that the legend below ran over them."""

    def _compute_margin(self):
        super()._compute_margin()
        if self.x_label_rotation and self._x_labels_height:
            own = FONT_SIZE * math.cos(math.radians(self.x_label_rotation))
            self._x_labels_height += own
            self.margin_box.bottom += own


def _chart(kind, *, colors, value_colors=(), **config):
    """A pygal chart that needs no external script or stylesheet (``js=()``), sized by its container."""
    config.setdefault("legend_at_bottom_columns", 3)
    config.setdefault("print_values", False)
    return kind(
        js=(),
        style=(not value_colors and STYLES.get(colors)) or style(colors, value_colors),
        disable_xml_declaration=True,
        explicit_size=False,
        legend_at_bottom=True,
        truncate_label=LABEL_MAX,
        truncate_legend=LEGEND_MAX,
        **config,
    )


def _render_cached(
    kind, data_key, build, *, text, colors=PALETTE, value_colors=(), lines=None, full_labels=(), finish=None, **config
) -> str:
    options = sorted((k, v) for k, v in config.items() if not callable(v))
    key = "chart:" + hashlib.sha256(repr((kind.__name__, data_key, colors, options, text)).encode()).hexdigest()
    svg = cache.get(key)
    if svg is None:
        chart = _chart(kind, colors=colors, value_colors=value_colors, **config)
        build(chart)
        drawn = chart.config
        if drawn.show_legend and len(chart.raw_series) % drawn.legend_at_bottom_columns:
            # pygal keeps room for entries // columns rows of legend: the last, partly filled row needs its own.
            drawn.margin_bottom = (drawn.margin_bottom or drawn.margin) + 1.5 * max(FONT_SIZE, LEGEND_BOX)
        # Even with js=() pygal writes an inline <script> holding its config for the tooltips: the CSP
        # would block it anyway, so it goes.
        svg = SCRIPT_RE.sub("", chart.render(is_unicode=True))
        if lines:
            svg = _wrap_category_labels(svg, lines, full_labels)
        if finish:
            svg = finish(svg)
        # One image named by its data: its drawn labels are not read one by one.
        svg = svg.replace("<svg ", f'<svg role="img" aria-label="{escape(text)}" ', 1)
        cache.set(key, svg, CACHE_SECONDS)
    return mark_safe(svg)  # noqa: S308 - pygal escapes every label it draws, and so does _wrap_category_labels


def _wrap_category_labels(svg: str, lines, full_labels) -> str:
    """The category labels of a horizontal bar chart on their wrapped lines, each with its full text as
    ``<title>`` (pygal draws one line per label, and the categories are the first texts of its "axis y")."""
    head, sep, axis = svg.partition('<g class="axis y">')
    axis, rest_sep, rest = axis.partition('<g class="axis x')
    # pygal lists the categories from the bottom up (the first label is drawn lowest).
    labels = iter(zip(lines, full_labels, strict=True))

    def one(match):
        label_lines, full = next(labels)
        x = match.group(2)
        first_dy = -0.6 * (len(label_lines) - 1)
        spans = "".join(
            f'<tspan x="{x}" dy="{first_dy if i == 0 else 1.2:.1f}em">{escape(line, quote=False)}</tspan>'
            for i, line in enumerate(label_lines)
        )
        return f"{match.group(1)}{spans}{match.group(3)}<title>{escape(full, quote=False)}</title>"

    axis = CATEGORY_LABEL_RE.sub(one, axis, count=len(full_labels))
    return head + sep + axis + rest_sep + rest


RADAR_LABEL_RE = re.compile(
    r'<path d="M([-\d.]+) ([-\d.]+) L([-\d.]+) ([-\d.]+)" class="([^"]*)"/>'
    r'<text x="[-\d.]+" y="[-\d.]+" class="([^"]*)" transform="rotate\(([-\d.]+) [-\d.]+ [-\d.]+\)">'
)
RADAR_LABEL_GAP = 4  # viewBox units between the outer ring and the nearest edge of an axis label


def _radar_labels_outside(svg: str) -> str:
    """The axis labels of a radar centred on a point just beyond the end of their axis: pygal sets them on their
    baseline at a share of the radius, so that on a narrow radar the labels of the lower axes, turned along the
    ring, reach back over it."""

    def one(match):
        cx, cy, ex, ey = (float(match.group(i)) for i in builtins.range(1, 5))
        length = math.hypot(ex - cx, ey - cy) or 1
        out = FONT_SIZE / 2 + RADAR_LABEL_GAP
        x, y = ex + (ex - cx) / length * out, ey + (ey - cy) / length * out
        return (
            f'<path d="M{cx:g} {cy:g} L{ex:g} {ey:g}" class="{match.group(5)}"/>'
            f'<text x="{x:.2f}" y="{y:.2f}" class="{match.group(6)}" dominant-baseline="central" '
            f'transform="rotate({match.group(7)} {x:.2f} {y:.2f})">'
        )

    head, sep, rest = svg.partition('class="axis x web')
    axis, sep2, tail = rest.partition('class="axis y')
    return head + sep + RADAR_LABEL_RE.sub(one, axis) + sep2 + tail
