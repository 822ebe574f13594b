"""The inventory's diagram: systems as nodes grouped and coloured by function, flows as edges.

Laid out by Graphviz (``dot``) on the server and embedded inline as SVG: no script, no external
reference. When ``dot`` is not installed the page says so instead of failing.
"""

import hashlib
import logging
import re

import graphviz
from django.core.cache import cache
from django.utils.html import escape
from django.utils.translation import gettext as _

from diagnostics.models import FunctionCategory

logger = logging.getLogger(__name__)

# Pale fills with dark text (contrast well above 4.5:1); one per function category.
CATEGORY_COLOURS = {
    FunctionCategory.WEBSITE: "#dbeafe",
    FunctionCategory.EGUICHET: "#cffafe",
    FunctionCategory.POPULATION: "#fef3c7",
    FunctionCategory.FINANCE: "#dcfce7",
    FunctionCategory.RECORDS: "#ede9fe",
    FunctionCategory.HR: "#fce7f3",
    FunctionCategory.GIS: "#d1fae5",
    FunctionCategory.ROOM_BOOKING: "#ffedd5",
    FunctionCategory.TICKETING: "#fee2e2",
    FunctionCategory.COMMUNICATION: "#e0e7ff",
    FunctionCategory.ASSETS: "#f5f5dc",
    FunctionCategory.OTHER: "#f1f5f9",
}
OUTSIDE_COLOUR = "#e5e7eb"
FONT = "DejaVu Sans"

_PROLOGUE = re.compile(r"^.*?(?=<svg)", re.DOTALL)
_COMMENTS = re.compile(r"<!--.*?-->", re.DOTALL)


class DiagramUnavailable(Exception):
    """Graphviz cannot draw here (``dot`` missing or failing): show a message instead."""


def build_graph(systems, flows) -> graphviz.Digraph:
    graph = graphviz.Digraph(
        "inventaire",
        # newrank: without it dot fails ("trouble in init_rank") on large graphs with clusters.
        graph_attr={
            "rankdir": "LR",
            "newrank": "true",
            "fontname": FONT,
            "fontsize": "11",
            "nodesep": "0.35",
            "ranksep": "0.9",
        },
        node_attr={"shape": "box", "style": "rounded,filled", "fontname": FONT, "fontsize": "11", "color": "#475569"},
        edge_attr={"fontname": FONT, "fontsize": "9", "color": "#334155", "fontcolor": "#1e293b"},
    )
    by_category = {}
    for system in systems:
        by_category.setdefault(system.category, []).append(system)
    for category, members in by_category.items():
        with graph.subgraph(name=f"cluster_{category}") as cluster:
            cluster.attr(
                label=graphviz.escape(str(FunctionCategory(category).label)),
                style="rounded,dashed",
                color="#94a3b8",
                fontcolor="#334155",
            )
            for system in members:
                cluster.node(
                    f"s{system.pk}", graphviz.escape(system.name), fillcolor=CATEGORY_COLOURS.get(category, "#ffffff")
                )
    outside = {}
    for flow in flows:
        ends = []
        for system_id in (flow.source_id, flow.target_id):
            if system_id:
                ends.append(f"s{system_id}")
            else:
                label = flow.outside_label
                if label not in outside:
                    outside[label] = f"x{len(outside)}"
                    graph.node(
                        outside[label],
                        graphviz.escape(label),
                        shape="ellipse",
                        style="filled,dashed",
                        fillcolor=OUTSIDE_COLOUR,
                    )
                ends.append(outside[label])
        graph.edge(
            *ends,
            label=graphviz.escape(_shorten(flow.data)),
            style="dashed" if flow.is_manual else "solid",
            color="#b91c1c" if flow.is_manual else "#334155",
        )
    return graph


def render_svg(systems, flows) -> str:
    """The diagram as an inline ``<svg>`` element (prologue and comments removed).

    Cached by the digest of the Graphviz source: the same inventory is not laid out twice (dot takes
    tens of milliseconds for a commune's 10–40 tools, seconds for hundreds).
    """
    graph = build_graph(systems, flows)
    key = "inventory-svg:" + hashlib.sha256(graph.source.encode()).hexdigest()
    svg = cache.get(key)
    if svg is None:
        svg = _layout(graph)
        cache.set(key, svg, timeout=24 * 3600)
    return svg


def _layout(graph) -> str:
    try:
        svg = graph.pipe(format="svg", encoding="utf-8")
    except graphviz.ExecutableNotFound as error:
        raise DiagramUnavailable(
            _("Le schéma ne peut pas être dessiné : Graphviz (dot) n'est pas installé sur le serveur.")
        ) from error
    except graphviz.CalledProcessError as error:
        logger.warning("diagram_failed returncode=%s stderr=%r", error.returncode, (error.stderr or b"")[:300])
        raise DiagramUnavailable(_("Le schéma n'a pas pu être dessiné.")) from error
    svg = _COMMENTS.sub("", _PROLOGUE.sub("", svg, count=1))
    # Let the drawing shrink with the page; the viewBox keeps its proportions.
    label = escape(_("Schéma des outils numériques et des flux de données"))
    svg = re.sub(
        r'<svg width="[^"]*" height="[^"]*"',
        f'<svg class="inventory-diagram" role="img" aria-label="{label}"',
        svg,
        count=1,
    )
    return svg


def _shorten(text: str, limit: int = 28) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
