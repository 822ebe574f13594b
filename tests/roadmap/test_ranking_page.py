"""The ranking page against the hand-computed case of tests/roadmap/conftest.py; consensus; who reads it."""

import json
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from roadmap.models import Consensus, RankingSettings, Score, ScoringSubmission
from territoire.models import Role
from tests.factories import member
from tests.roadmap.factories import CriterionFactory, ProjectSheetFactory, ScoreFactory


def ranking_url(mission):
    return reverse("roadmap:ranking", kwargs={"mission_id": mission.pk})


def consensus_url(mission, sheet, criterion):
    return reverse(
        "roadmap:consensus-edit",
        kwargs={"mission_id": mission.pk, "sheet_id": sheet.pk, "criterion_id": criterion.pk},
    )


def submit(mission, *users):
    for user in users:
        ScoringSubmission.objects.create(mission=mission, consultant=user)


def ranking_rows(body):
    """(code, total) of the ranking table, in order."""
    table = body[body.index('id="ranking-table"') : body.index("</table>", body.index('id="ranking-table"'))]
    return re.findall(r'<th scope="row">\s*(FP-\d+).*?<td class="text-end fw-semibold">([\d,]+)</td>', table, re.S)


def test_the_ranking_reads_as_computed_by_hand(client, case):
    mission, consultant = case["mission"], case["tenant"].consultant
    submit(mission, consultant)
    client.force_login(consultant)
    response = client.get(ranking_url(mission))
    assert response.status_code == 200
    body = response.content.decode()
    assert ranking_rows(body) == [("FP-01", "93,8"), ("FP-02", "50,0"), ("FP-03", "25,0")]
    result = response.context["result"]
    assert [(r.sheet.code, r.priority) for r in result.ranked] == [("FP-01", 1), ("FP-02", 2), ("FP-03", 3)]
    contributions = {c.criterion.code: c.points for c in result.ranked[0].contributions}
    assert contributions == pytest.approx({"cost": 50.0, "impact": 25.0, "pst": 18.75})
    # Bars carry their widths with a dot, whatever the locale, and the numbers are in a table.
    assert 'style="width: 50.000%"' in body and "18,8" in body
    # Classes, matrix and robustness.
    assert "Priorité 1 (total ≥ 70)" in body and "Priorité 2 (total ≥ 50)" in body
    assert [(q.value, [r.sheet.code for r in rows]) for q, rows in result.matrix] == [
        ("quick_win", ["FP-01", "FP-02"]),
        ("major_project", ["FP-03"]),
        ("fill_in", []),
        ("thankless", []),
    ]
    assert body.count("stable top 3") >= 3
    assert result.ranked[0].acceptability == [1.0, 0.0, 0.0]
    acceptability = body[body.index('id="acceptability-table"') :]
    assert re.search(r"FP-02</th>\s*<td[^>]*>0 %</td>\s*<td[^>]*>100 %</td>\s*<td[^>]*>0 %</td>", acceptability)
    assert "TOPSIS et la somme pondérée s'accordent" in body
    # The one disagreement: FP-03 on PST alignment (1 vs 5); impact 2 vs 4 is not above the threshold of 2.
    assert [(d.sheet.code, d.criterion.code) for d in result.unresolved] == [("FP-03", "pst")]
    assert "Alice Aubry 1, Zoé Zimmer 5" in re.sub(r"\s+", " ", body)
    assert consensus_url(mission, case["sheets"]["FP-03"], case["criteria"]["pst"]) in body


def test_a_consensus_replaces_the_mean_and_clears_the_disagreement(client, case):
    mission, consultant = case["mission"], case["tenant"].consultant
    submit(mission, consultant)
    client.force_login(consultant)
    url = consensus_url(mission, case["sheets"]["FP-03"], case["criteria"]["pst"])
    page = client.get(url)
    assert page.status_code == 200
    assert "Zoé Zimmer" in page.content.decode()
    response = client.post(url, {"value": "6", "comment": "Hors échelle"})
    assert response.status_code == 200
    assert "hors de l&#x27;échelle 1 à 5" in response.content.decode()
    assert not Consensus.objects.exists()

    response = client.post(url, {"value": "5", "comment": "Action 4.2 du PST"})
    assert response.status_code == 302
    consensus = Consensus.objects.get()
    assert consensus.by == consultant and consensus.history.first().history_user == consultant
    body = client.get(ranking_url(mission)).content.decode()
    # FP-03: 0 + 12.5 + 25 = 37.5
    assert ranking_rows(body)[2] == ("FP-03", "37,5")
    assert "Désaccords à discuter" not in body
    assert "Action 4.2 du PST" in body

    # The form shows the recorded consensus, then recording again replaces the value.
    page = client.get(url).content.decode()
    assert "Consensus actuel : 5,0, enregistré par Alice Aubry" in page
    client.post(url, {"value": "4", "comment": "Revu en réunion"})
    assert Consensus.objects.get().value == 4


@pytest.mark.parametrize("role", [Role.STAFF, Role.COLLEGE])
def test_staff_and_college_read_the_ranking_but_cannot_score_or_record_consensus(client, case, role):
    mission = case["mission"]
    client.force_login(case["tenant"].user(role))
    response = client.get(ranking_url(mission))
    assert response.status_code == 200
    body = response.content.decode()
    assert ranking_rows(body)[0] == ("FP-01", "93,8")
    assert reverse("roadmap:scoring-grid", kwargs={"mission_id": mission.pk}) not in body
    url = consensus_url(mission, case["sheets"]["FP-03"], case["criteria"]["pst"])
    assert url not in body
    assert client.post(url, {"value": "5", "comment": "x"}).status_code == 403
    assert not Consensus.objects.exists()


def test_a_consultant_sees_the_ranking_only_after_submitting(client, case):
    client.force_login(case["second"])
    body = client.get(ranking_url(case["mission"])).content.decode()
    assert "Soumettez d'abord votre cotation" in body
    assert "93,8" not in body
    url = consensus_url(case["mission"], case["sheets"]["FP-03"], case["criteria"]["pst"])
    assert client.post(url, {"value": "5", "comment": "x"}).status_code == 302
    assert not Consensus.objects.exists()


def test_the_ranking_of_another_commune_is_a_404(client, case, tenant_b):
    client.force_login(tenant_b.consultant)
    assert client.get(ranking_url(case["mission"])).status_code == 404
    url = consensus_url(case["mission"], case["sheets"]["FP-03"], case["criteria"]["pst"])
    assert client.post(url, {"value": "5", "comment": "x"}).status_code == 404


def test_the_consensus_form_refuses_a_sheet_of_another_mission(client, case, tenant_b):
    submit(case["mission"], case["tenant"].consultant)
    client.force_login(case["tenant"].consultant)
    foreign = ProjectSheetFactory(mission=tenant_b.mission)
    assert client.get(consensus_url(case["mission"], foreign, case["criteria"]["pst"])).status_code == 404


def test_incomplete_sheets_are_listed_apart_with_who_still_has_to_score(client, case):
    mission, consultant = case["mission"], case["tenant"].consultant
    late = ProjectSheetFactory(mission=mission, code="FP-04", title="Parking connecté")
    for criterion in case["criteria"].values():
        ScoreFactory(sheet=late, criterion=criterion, consultant=consultant, value=3)
    submit(mission, consultant)
    client.force_login(consultant)
    response = client.get(ranking_url(mission))
    body = re.sub(r"\s+", " ", response.content.decode())
    assert [code for code, _ in ranking_rows(response.content.decode())] == ["FP-01", "FP-02", "FP-03"]
    assert "Fiches pas encore classées" in body
    assert "FP-04</strong> Parking connecté — 3 cellules sans note · en attente de : Zoé Zimmer" in body


def test_a_sheet_whose_prerequisite_ranks_lower_is_shown_blocked(client, case):
    case["sheets"]["FP-01"].prerequisites.add(case["sheets"]["FP-03"])
    submit(case["mission"], case["tenant"].consultant)
    client.force_login(case["tenant"].consultant)
    body = client.get(ranking_url(case["mission"])).content.decode()
    assert "FP-01 (rang 1) a besoin de FP-03, classée plus bas (rang 3)." in body


def test_class_thresholds_set_by_the_consultant_move_the_classes(client, case):
    RankingSettings.objects.create(mission=case["mission"], class_thresholds=[95, 40])
    submit(case["mission"], case["tenant"].consultant)
    client.force_login(case["tenant"].consultant)
    result = client.get(ranking_url(case["mission"])).context["result"]
    assert [r.priority for r in result.ranked] == [2, 2, 3]


def test_the_disagreement_threshold_is_a_mission_setting(client, case):
    RankingSettings.objects.create(mission=case["mission"], disagreement_threshold=1)
    submit(case["mission"], case["tenant"].consultant)
    client.force_login(case["tenant"].consultant)
    result = client.get(ranking_url(case["mission"])).context["result"]
    assert [(d.sheet.code, d.criterion.code) for d in result.unresolved] == [("FP-03", "impact"), ("FP-03", "pst")]


def test_without_criteria_the_page_says_why_nothing_is_ranked(client, tenant_a):
    ProjectSheetFactory(mission=tenant_a.mission)
    client.force_login(tenant_a.college)
    body = client.get(ranking_url(tenant_a.mission)).content.decode()
    assert "Aucun critère n&#x27;est défini" in body


def build(mission, consultants, sheets, criteria):
    made_criteria = [
        CriterionFactory(mission=mission, code=f"c{j}", cost=j == 0, impact=j == 1) for j in range(criteria)
    ]
    for i in range(sheets):
        sheet = ProjectSheetFactory(mission=mission, code=f"FP-{i:03d}")
        if i:
            sheet.prerequisites.add(sheet.__class__.objects.get(mission=mission, code=f"FP-{i - 1:03d}"))
        for j, criterion in enumerate(made_criteria):
            for k, consultant in enumerate(consultants):
                ScoreFactory(
                    sheet=sheet, criterion=criterion, consultant=consultant, value=1 + (i * 7 + j * 3 + k) % 5
                )


@pytest.mark.parametrize("sheets", [3, 15])
def test_the_ranking_page_query_count_is_constant_in_the_number_of_sheets(
    client, tenant_a, sheets, django_assert_num_queries
):
    second = member(tenant_a.commune, Role.CONSULTANT)
    tenant_a.mission.referents.add(second)
    build(tenant_a.mission, [tenant_a.consultant, second], sheets, 4)
    submit(tenant_a.mission, tenant_a.consultant)
    client.force_login(tenant_a.consultant)
    client.get(ranking_url(tenant_a.mission))  # warm the session and caches
    with django_assert_num_queries(14):
        response = client.get(ranking_url(tenant_a.mission))
    assert len(response.context["result"].ranked) + len(response.context["result"].incomplete) == sheets


def test_roadmap_rank_prints_the_page_s_ranking_as_json(case):
    out = StringIO()
    call_command("roadmap_rank", mission=case["mission"].pk, output="json", stdout=out)
    report = json.loads(out.getvalue())
    assert [(r["code"], r["total"], r["priority"]) for r in report["ranking"]] == [
        ("FP-01", 93.75, 1),
        ("FP-02", 50.0, 2),
        ("FP-03", 25.0, 3),
    ]
    assert report["ranking"][0]["contributions"] == {"cost": 50.0, "impact": 25.0, "pst": 18.75}
    assert report["ranking"][0]["rank_acceptability"] == [1.0, 0.0, 0.0]
    assert report["ranking"][0]["stability"] == "stable"
    assert report["class_thresholds"] == [70.0, 50.0]
    assert report["unresolved_disagreements"] == [{"code": "FP-03", "criterion": "pst", "spread": 4.0}]


def test_roadmap_rank_text_and_bad_input(case):
    out = StringIO()
    call_command("roadmap_rank", mission=case["mission"].pk, stdout=out)
    text = out.getvalue()
    assert "FP-01        93.8       1" in text
    assert "Désaccord : FP-03 · Alignement PST (écart 4)" in text
    with pytest.raises(CommandError, match="Aucune mission"):
        call_command("roadmap_rank", mission=999999)


def test_a_score_left_outside_its_scale_is_reported_not_a_500(client, case):
    Score.objects.filter(sheet=case["sheets"]["FP-02"], criterion=case["criteria"]["pst"]).update(value=9)
    client.force_login(case["tenant"].college)
    response = client.get(ranking_url(case["mission"]))
    assert response.status_code == 200
    assert "La note 9,0 de la fiche FP-02 pour le critère « Alignement PST » est hors de l" in (
        response.content.decode()
    )


def test_a_mission_without_referents_or_scores_lists_its_sheets_as_not_ranked(client, tenant_a):
    tenant_a.mission.referents.clear()
    ProjectSheetFactory(mission=tenant_a.mission, code="FP-01")
    CriterionFactory(mission=tenant_a.mission)
    client.force_login(tenant_a.college)
    response = client.get(ranking_url(tenant_a.mission))
    assert response.status_code == 200
    assert [i.sheet.code for i in response.context["result"].incomplete] == ["FP-01"]
