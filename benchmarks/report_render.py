"""The final report on the small demo mission and on the large one with 60 retained sheets.

.venv/bin/python manage.py seed_demo && .venv/bin/python manage.py seed_demo --size large
.venv/bin/python benchmarks/report_render.py [retained sheets of the large mission, 60 by default]

For each mission: ``collect`` (the snapshot, with its query count), ``render_html``, WeasyPrint alone on that
final HTML (``territoire.pdf.html_to_pdf``), pages, the process's peak resident size (``getrusage``; tracemalloc
would slow WeasyPrint several times over) and the data-gathering share (collect + render_html over the total).
The large mission's retained sheets are set inside a transaction rolled back at the end.
"""

from _common import ROOT  # noqa: I001  (sets Django up first)

import json
import resource
import sys
import time

from django.db import transaction

from roadmap.models import ProjectSheet, SheetStatus
from roadmap.report.content import collect
from roadmap.report.document import render_html
from roadmap.selectors.ranking import mission_ranking
from territoire.models import Mission
from territoire.pdf import html_to_pdf

RETAINED = int(sys.argv[1]) if len(sys.argv) > 1 else 60
VERSION = {"number": 1, "date": "2026-11-22T10:00:00+01:00", "author": "Claire Dubois"}


class Rollback(Exception):
    pass


def run(label: str, mission) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    start = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        snapshot = json.loads(json.dumps(collect(mission)))
    collected = time.perf_counter()
    html = render_html(snapshot, version=VERSION)
    rendered = time.perf_counter()
    pdf = html_to_pdf(html)
    done = time.perf_counter()
    total = done - start
    gathering = rendered - start
    weasy = done - rendered
    (ROOT / "test-results").mkdir(exist_ok=True)
    (ROOT / "test-results" / f"report-{label}.pdf").write_bytes(pdf.content)
    print(
        f"{label:<6} sheets {len(snapshot['sheets']):>3}  "
        f"collect {collected - start:6.2f} s ({len(queries)} queries)  "
        f"render_html {rendered - collected:5.2f} s  WeasyPrint {weasy:6.2f} s  pages {pdf.pages:>4}  "
        f"{1000 * weasy / pdf.pages:5.0f} ms/page  "
        f"maxrss {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:6.0f} MiB  "
        f"PDF {len(pdf.content) / 2**20:5.2f} MiB  data share {100 * gathering / total:4.1f} %"
    )


small = Mission.objects.filter(commune__name="Sambrevaux").first()
large = Mission.objects.filter(commune__code="90001").first()
if small is None:
    sys.exit("Run `manage.py seed_demo` first.")
run("small", small)
if large is None:
    sys.exit("Run `manage.py seed_demo --size large` for the large mission.")
try:
    with transaction.atomic():
        top = [r.sheet.pk for r in mission_ranking(large, draws=1).ranked[:RETAINED]]
        ProjectSheet.objects.filter(mission=large, status=SheetStatus.RETAINED).update(status=SheetStatus.PROPOSED)
        ProjectSheet.objects.filter(pk__in=top).update(status=SheetStatus.RETAINED)
        run("large", large)
        raise Rollback
except Rollback:
    pass
