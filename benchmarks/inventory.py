"""Inventory of digital systems: alerts and the Graphviz diagram on a large inventory.

Both are computed on each page view (never stored), so they must stay fast. Pure functions here: the
objects are built in memory, no database needed; the inventory page's queries are locked by the
tests (tests/diagnostics/test_inventory.py). Run: ``.venv/bin/python benchmarks/inventory.py``.
"""

import random

from _common import measure

from diagnostics.diagram import _layout, build_graph, render_svg
from diagnostics.models import DataFlow, DigitalSystem, FunctionCategory, Need
from diagnostics.selectors.inventory import alerts


def inventory(systems: int, flows: int, seed: int = 1):
    rng = random.Random(seed)
    categories = list(FunctionCategory.values)
    tools = [
        DigitalSystem(
            pk=i + 1,
            commune_id=1,
            name=f"Outil {i + 1}",
            category=rng.choice(categories),
            open_standards=rng.random() < 0.3,
        )
        for i in range(systems)
    ]
    links = []
    for i in range(flows):
        source, target = rng.sample(tools, 2)
        if rng.random() < 0.15:
            target = None
        flow = DataFlow(pk=i + 1, commune_id=1, data=f"Données {i}", mode=rng.choice(["manual", "api", "file"]))
        flow.source_id, flow.source = source.pk, source
        flow.target_id, flow.target = (target.pk, target) if target else (None, None)
        flow.external_party = "" if target else "BCE"
        links.append(flow)
    return tools, links


if __name__ == "__main__":
    for systems, flows in ((12, 11), (40, 60), (150, 300)):
        tools, links = inventory(systems, flows)
        print(f"--- {systems} systems, {flows} flows")
        measure("alerts()", lambda t=tools, f=links: alerts(t, f, list(Need.values)), repeat=20)
        measure("diagram layout (dot)", lambda t=tools, f=links: _layout(build_graph(t, f)), repeat=3)
        measure("render_svg(), cached", lambda t=tools, f=links: render_svg(t, f), repeat=20)
