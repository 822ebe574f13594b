"""The findings demo: findings from every kind of source, linked to the PST, one merged pair; idempotent."""

import io

from diagnostics import demo as diagnostics_demo
from diagnostics.demo import fieldwork as demo_fieldwork
from diagnostics.models import Finding, FindingSource
from diagnostics.selectors.synthesis import synthesis
from territoire import demo as territoire_demo


def snapshot():
    return (
        sorted(Finding.objects.values_list("mission__commune__code", "statement", "status", "importance")),
        # Alert keys carry the pk of a flow or tool, which the fieldwork demo re-creates: compare their kind.
        sorted(
            (f, kind, key.split(":")[0])
            for f, kind, key in FindingSource.objects.values_list("finding__statement", "kind", "alert_key")
        ),
        sorted(Finding.objects.filter(objectives__isnull=False).values_list("statement", "objectives__code")),
    )


def test_seed_builds_findings_from_every_source_and_is_idempotent(db):
    ctx = territoire_demo.DemoContext(size="small", stdout=io.StringIO())
    territoire_demo.seed(ctx)
    diagnostics_demo.seed(ctx)
    first = snapshot()
    for code in demo_fieldwork.DEMO_COMMUNES:
        mission = ctx.missions[code]
        kinds = set(FindingSource.objects.filter(finding__mission=mission).values_list("kind", flat=True))
        assert kinds == {"card", "alert", "interview", "question"}, code
        assert Finding.objects.filter(mission=mission, sources__card__selected=True).count() == 5
        merged = Finding.objects.get(mission=mission, status="merged")
        assert merged.merged_into.sources.filter(kind="interview").exists()
        assert Finding.objects.filter(mission=mission, objectives__isnull=False).exists()
        data = synthesis(mission, user=mission.referents.first())
        assert data["findings"]["total"] == Finding.objects.filter(mission=mission, status="open").count()
        assert data["pst"]["objectives"]
    diagnostics_demo.seed(ctx)
    assert snapshot() == first
