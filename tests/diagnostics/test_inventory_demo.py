"""The fieldwork demo: every alert kind shows, ten interviews, a workshop with its top 5; idempotent."""

import io

from diagnostics.demo import fieldwork as demo_fieldwork
from diagnostics.models import ChallengeCard, DataFlow, DigitalSystem, Initiative, Interview, Workshop
from diagnostics.selectors.inventory import AlertKind, inventory_alerts
from territoire import demo as territoire_demo


def snapshot():
    return (
        sorted(DigitalSystem.objects.values_list("pk", "commune__code", "name", "category")),
        DataFlow.objects.count(),
        Initiative.objects.count(),
        sorted(Interview.objects.values_list("mission__commune__code", "status", "notes")),
        sorted(ChallengeCard.objects.values_list("text", "selected", "rank")),
    )


def test_seed_fills_each_demo_commune_and_is_idempotent(db):
    ctx = territoire_demo.DemoContext(size="small", stdout=io.StringIO())
    territoire_demo.seed(ctx)
    demo_fieldwork.seed(ctx)
    first = snapshot()
    for code in demo_fieldwork.DEMO_COMMUNES:
        mission = ctx.missions[code]
        assert Interview.objects.filter(mission=mission).count() == 10
        assert Interview.objects.filter(mission=mission).done().count() == 7
        workshop = Workshop.objects.get(mission=mission)
        assert workshop.phase == "closed"
        assert list(ChallengeCard.objects.filter(workshop=workshop).selected().values_list("rank", flat=True)) == [
            1,
            2,
            3,
            4,
            5,
        ]
        kinds = {a.kind for a in inventory_alerts(ctx.communes[code])}
        assert kinds == set(AlertKind.values), code
    demo_fieldwork.seed(ctx)
    assert snapshot() == first
