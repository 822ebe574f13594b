"""The roadmap's demo data: seed_demo gives the roadmap-phase mission a scored, ranked roadmap, twice alike."""

import json
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from roadmap.demo import large
from roadmap.models import (
    BudgetLine,
    Consensus,
    Criterion,
    FundingLine,
    ProjectSheet,
    Score,
    ScoringSubmission,
    SheetStatus,
)
from roadmap.selectors.ranking import mission_ranking
from territoire.demo import DemoContext
from territoire.models import Mission
from tests.roadmap.test_ranking_page import ranking_rows


def counts(mission):
    return {
        "sheets": ProjectSheet.objects.filter(mission=mission).count(),
        "criteria": Criterion.objects.filter(mission=mission).count(),
        "scores": Score.objects.filter(sheet__mission=mission).count(),
        "submissions": ScoringSubmission.objects.filter(mission=mission).count(),
        "consensus": Consensus.objects.filter(sheet__mission=mission).count(),
        "budget": BudgetLine.objects.filter(sheet__mission=mission).count(),
        "funding": FundingLine.objects.filter(sheet__mission=mission).count(),
        "prerequisites": ProjectSheet.prerequisites.through.objects.filter(from_projectsheet__mission=mission).count(),
    }


@pytest.fixture
def demo(db):
    call_command("seed_demo", force=True, verbosity=0, stdout=StringIO())
    return Mission.objects.get(phase=Mission.Phase.ROADMAP)


def user(username):
    return get_user_model().objects.get(username=username)


def test_the_roadmap_mission_gets_scored_sheets_and_the_same_on_a_second_run(demo):
    first = counts(demo)
    sheets = ProjectSheet.objects.filter(mission=demo)
    scorable = sheets.scorable().count()
    assert first["sheets"] >= 12 and scorable >= 12
    assert sheets.filter(status=SheetStatus.SET_ASIDE).count() == 1
    assert 1 <= sheets.filter(status=SheetStatus.RETAINED).count() < sheets.filter(status="proposed").count()
    # Two consultants, every scorable sheet on every criterion, both grids submitted, all commented.
    assert first["criteria"] == 5
    assert first["scores"] == scorable * 5 * 2
    assert not Score.objects.filter(sheet__mission=demo, comment="").exists()
    assert set(demo.referents.values_list("username", flat=True)) >= {"claire.dubois", "thomas.leroy"}
    assert first["submissions"] == 2 and first["consensus"] == 1
    assert first["budget"] > first["sheets"] and first["funding"] >= 10 and first["prerequisites"] >= 5
    assert FundingLine.objects.filter(sheet__mission=demo, call__isnull=False).count() >= 5
    assert sheets.filter(findings__isnull=False).distinct().count() >= 6
    assert sheets.filter(pst_links__isnull=False).distinct().count() >= 6
    assert not sheets.filter(fte_internal__isnull=True).exists()
    assert sheets.get(title__startswith="E-guichet").prerequisites.get().title.startswith("Refonte du site")

    call_command("seed_demo", force=True, verbosity=0, stdout=StringIO())
    assert counts(demo) == first


def test_the_demo_ranking_has_one_disagreement_settled_by_a_consensus(demo):
    out = StringIO()
    call_command("roadmap_rank", mission=demo.pk, output="json", stdout=out)
    data = json.loads(out.getvalue())
    assert len(data["ranking"]) == ProjectSheet.objects.filter(mission=demo).scorable().count()
    assert data["unresolved_disagreements"] == []
    consensus = Consensus.objects.get(sheet__mission=demo)
    spread = Score.objects.filter(sheet=consensus.sheet, criterion=consensus.criterion).values_list("value", flat=True)
    assert max(spread) - min(spread) > 2
    assert consensus.by.username == "claire.dubois" and consensus.comment
    # Thomas revised that cell before submitting: its history keeps both levels, with him as author.
    revised = Score.objects.get(
        sheet=consensus.sheet, criterion=consensus.criterion, consultant__username="thomas.leroy"
    )
    assert [h.value for h in revised.history.order_by("history_date")] == [3, 2]
    assert {h.history_user.username for h in revised.history.all()} == {"thomas.leroy"}


def test_claire_reads_the_ranking_of_the_demo_sheets(client, demo):
    client.force_login(user("claire.dubois"))
    response = client.get(reverse("roadmap:ranking", kwargs={"mission_id": demo.pk}))
    assert response.status_code == 200
    body = response.content.decode()
    rows = ranking_rows(body)
    assert len(rows) == ProjectSheet.objects.filter(mission=demo).scorable().count() >= 12
    assert reverse("roadmap:scoring-grid", kwargs={"mission_id": demo.pk}) in body


def test_the_college_member_reads_the_ranking_without_a_grid(client, demo):
    client.force_login(user("marc.lambert"))
    url = reverse("roadmap:ranking", kwargs={"mission_id": demo.pk})
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert len(ranking_rows(body)) >= 12
    assert reverse("roadmap:scoring-grid", kwargs={"mission_id": demo.pk}) not in body
    assert client.get(reverse("roadmap:scoring-grid", kwargs={"mission_id": demo.pk})).status_code == 403


def test_a_member_of_another_commune_does_not_reach_the_demo_ranking(client, demo):
    client.force_login(user("anne.collard"))  # Collège of Val-d'Ourthe, not of Sambrevaux
    assert client.get(reverse("roadmap:ranking", kwargs={"mission_id": demo.pk})).status_code in (403, 404)


def test_the_large_demo_mission_is_fully_scored_and_ranked_twice_alike(tenant_a):
    """``roadmap.demo.large`` alone, on a tenant's mission (the whole ``--size large`` seed is a benchmark)."""
    ctx = DemoContext(
        size="large",
        stdout=StringIO(),
        users={"claire.dubois": tenant_a.consultant},
        missions={large.COMMUNE: tenant_a.mission},
    )
    large.seed(ctx)
    first = counts(tenant_a.mission)
    assert (first["sheets"], first["criteria"], first["scores"], first["submissions"]) == (150, 8, 150 * 8 * 4, 4)
    assert tenant_a.mission.referents.count() == 4
    large.seed(ctx)
    assert counts(tenant_a.mission) == first
    result = mission_ranking(tenant_a.mission, draws=50)
    assert len(result.ranked) == 150 and not result.incomplete


def test_every_demo_sheet_and_the_grid_open_for_claire(client, demo):
    """The demo's data (calls below their minimum, capped subsidies, own funds) renders on every page."""
    client.force_login(user("claire.dubois"))
    assert client.get(reverse("roadmap:sheet-list", kwargs={"mission_id": demo.pk})).status_code == 200
    assert client.get(reverse("roadmap:scoring-grid", kwargs={"mission_id": demo.pk})).status_code == 200
    for sheet in ProjectSheet.objects.filter(mission=demo):
        url = reverse("roadmap:sheet-detail", kwargs={"mission_id": demo.pk, "sheet_id": sheet.pk})
        response = client.get(url)
        assert response.status_code == 200, sheet.code
        assert sheet.title in response.content.decode()


def test_the_demo_plans_its_retained_sheets_within_yearly_envelopes(client, demo):
    from roadmap.selectors.timeline import mission_timeline

    timeline = mission_timeline(demo)
    retained = ProjectSheet.objects.filter(mission=demo, status="retained").count()
    assert retained >= 3
    client.force_login(user("claire.dubois"))
    response = client.get(reverse("roadmap:timeline", kwargs={"mission_id": demo.pk}))
    assert response.status_code == 200
    assert "150\xa0000\xa0€" in response.content.decode()  # the yearly envelope, in the budget table
    assert timeline.as_dict()
