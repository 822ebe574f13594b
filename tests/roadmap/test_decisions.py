"""The Collège decides: frozen versions of the ranked roadmap, numbering, decisions and who may do what.

Uses the hand-computed case of ``tests/roadmap/conftest.py`` (FP-01 93.75, FP-02 50, FP-03 25).
"""

import logging

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from roadmap.models import DecisionChoice, RoadmapDecision, RoadmapVersion, Score
from roadmap.selectors.ranking import mission_ranking
from roadmap.services.decisions import roadmap_decide, roadmap_submit
from territoire.models import Role
from tests.factories import member


def list_url(mission):
    return reverse("roadmap:versions", kwargs={"mission_id": mission.pk})


def submit_url(mission):
    return reverse("roadmap:version-submit", kwargs={"mission_id": mission.pk})


def detail_url(version, name="roadmap:version-detail"):
    return reverse(name, kwargs={"mission_id": version.mission_id, "version_id": version.pk})


def submit(client, tenant, note="Première version"):
    client.force_login(tenant.consultant)
    response = client.post(submit_url(tenant.mission), {"note": note})
    assert response.status_code == 302, response.content.decode()
    return RoadmapVersion.objects.filter(mission=tenant.mission).order_by("-number").first()


def decide(client, tenant, version, decision, comment=""):
    client.force_login(tenant.college)
    return client.post(detail_url(version, "roadmap:version-decide"), {"decision": decision, "comment": comment})


def test_submitting_freezes_the_ranking_and_the_timeline(client, case, caplog):
    tenant = case["tenant"]
    with caplog.at_level(logging.INFO, logger="roadmap.services.decisions"):
        version = submit(client, tenant)
    assert version.number == 1
    assert version.submitted_by == tenant.consultant
    assert version.note == "Première version"
    frozen = [(r["code"], r["total"], r["priority"]) for r in version.snapshot["ranking"]]
    assert frozen == [("FP-01", 93.75, 1), ("FP-02", 50.0, 2), ("FP-03", 25.0, 3)]
    assert [p["code"] for p in version.snapshot["timeline"]["placements"]] == ["FP-01", "FP-02", "FP-03"]
    assert f"roadmap_submitted mission={tenant.mission.pk}" in caplog.text
    assert f"by={tenant.consultant.pk}" in caplog.text

    # A later change of scores and titles moves the live ranking, never the version.
    Score.objects.filter(sheet=case["sheets"]["FP-01"]).update(value=5)
    case["sheets"]["FP-02"].title = "Titre changé"
    case["sheets"]["FP-02"].save(update_fields=["title"])
    live = {r.sheet.code: r.total for r in mission_ranking(tenant.mission).ranked}
    assert live["FP-01"] != 93.75  # the live ranking moved
    version.refresh_from_db()
    assert [(r["code"], r["total"]) for r in version.snapshot["ranking"]][0] == ("FP-01", 93.75)
    response = client.get(detail_url(version))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Projet FP-02" in page and "Titre changé" not in page
    assert "93,8" in page or "93.8" in page


def test_versions_are_numbered_per_mission(client, case, tenant_b):
    tenant = case["tenant"]
    first = submit(client, tenant)
    second = submit(client, tenant, note="")
    assert (first.number, second.number) == (1, 2)
    assert RoadmapVersion.objects.filter(mission=tenant_b.mission).count() == 0
    response = client.get(list_url(tenant.mission))
    assert response.status_code == 200
    assert [v.number for v in response.context["versions"]] == [2, 1]


def test_nothing_ranked_is_refused_with_a_french_message(client, tenant_a):
    client.force_login(tenant_a.consultant)
    response = client.post(submit_url(tenant_a.mission), {"note": "Trop tôt"})
    assert response.status_code == 400
    assert "Aucune fiche n&#x27;est classée" in response.content.decode()
    assert "Trop tôt" in response.content.decode()  # the note is kept in the form
    assert not RoadmapVersion.objects.exists()


def test_the_college_decides_and_changes_its_mind(client, case, caplog):
    tenant = case["tenant"]
    version = submit(client, tenant)
    assert decide(client, tenant, version, DecisionChoice.VALIDATED, "D'accord").status_code == 302
    with caplog.at_level(logging.INFO, logger="roadmap.services.decisions"):
        response = decide(client, tenant, version, DecisionChoice.TO_REVISE, "Revoir FP-03")
    assert response.status_code == 302
    decision = RoadmapDecision.objects.get()
    assert (decision.member, decision.decision, decision.comment) == (
        tenant.college,
        DecisionChoice.TO_REVISE,
        "Revoir FP-03",
    )
    assert [h.decision for h in decision.history.order_by("history_date")] == ["validated", "to_revise"]
    assert decision.history.first().history_user == tenant.college
    assert f"decision=to_revise created=False by={tenant.college.pk}" in caplog.text
    page = client.get(list_url(tenant.mission)).content.decode()
    assert "À revoir" in page and "Revoir FP-03" in page


def test_a_second_member_of_the_college_decides_apart(client, case):
    tenant = case["tenant"]
    version = submit(client, tenant)
    other = member(tenant.commune, Role.COLLEGE)
    roadmap_decide(version=version, by=tenant.college, decision=DecisionChoice.VALIDATED)
    roadmap_decide(version=version, by=other, decision=DecisionChoice.VALIDATED, comment="Oui")
    assert RoadmapDecision.objects.filter(version=version).count() == 2


def test_to_revise_without_a_comment_is_refused(client, case):
    tenant = case["tenant"]
    version = submit(client, tenant)
    response = decide(client, tenant, version, DecisionChoice.TO_REVISE, "  ")
    assert response.status_code == 400
    assert "Dites ce qui est à revoir" in response.content.decode()
    assert not RoadmapDecision.objects.exists()


def test_a_decision_on_an_older_version_is_refused(client, case):
    tenant = case["tenant"]
    old = submit(client, tenant)
    submit(client, tenant)
    response = decide(client, tenant, old, DecisionChoice.VALIDATED)
    assert response.status_code == 400
    assert "remplacée par la version 2" in response.content.decode()
    assert not RoadmapDecision.objects.exists()
    # The old version's page shows no decision form, the latest's does.
    client.force_login(tenant.college)
    assert client.get(detail_url(old)).context["decision_form"] is None
    latest = RoadmapVersion.objects.get(number=2)
    assert client.get(detail_url(latest)).context["decision_form"] is not None


@pytest.mark.parametrize("role", [Role.CONSULTANT, Role.STAFF])
def test_staff_and_consultants_cannot_decide(client, case, role):
    tenant = case["tenant"]
    version = submit(client, tenant)
    client.force_login(tenant.user(role))
    response = client.post(detail_url(version, "roadmap:version-decide"), {"decision": DecisionChoice.VALIDATED})
    assert response.status_code == 403
    assert not RoadmapDecision.objects.exists()
    assert client.get(detail_url(version)).context["decision_form"] is None


@pytest.mark.parametrize("role", [Role.COLLEGE, Role.STAFF])
def test_college_and_staff_cannot_submit(client, case, role):
    tenant = case["tenant"]
    client.force_login(tenant.user(role))
    assert client.post(submit_url(tenant.mission), {"note": "x"}).status_code == 403
    assert not RoadmapVersion.objects.exists()
    response = client.get(list_url(tenant.mission))
    assert response.status_code == 200
    assert response.context["submit_form"] is None


def test_services_refuse_the_wrong_role(case):
    from django.core.exceptions import PermissionDenied

    tenant = case["tenant"]
    with pytest.raises(PermissionDenied):
        roadmap_submit(mission=tenant.mission, by=tenant.college)
    version = roadmap_submit(mission=tenant.mission, by=tenant.consultant)
    with pytest.raises(PermissionDenied):
        roadmap_decide(version=version, by=tenant.staff, decision=DecisionChoice.VALIDATED)


def test_another_commune_gets_a_404(client, case, tenant_b):
    tenant = case["tenant"]
    version = submit(client, tenant)
    for user in (tenant_b.consultant, tenant_b.college):
        client.force_login(user)
        assert client.get(list_url(tenant.mission)).status_code == 404
        assert client.get(detail_url(version)).status_code == 404
        assert client.post(submit_url(tenant.mission)).status_code == 404
        assert client.post(detail_url(version, "roadmap:version-decide"), {"decision": "validated"}).status_code == 404
    # A version id of commune A under commune B's mission is not found either.
    client.force_login(tenant_b.college)
    url = reverse("roadmap:version-detail", kwargs={"mission_id": tenant_b.mission.pk, "version_id": version.pk})
    assert client.get(url).status_code == 404
    assert not RoadmapDecision.objects.exists()


def _list_queries(client, tenant):
    client.force_login(tenant.college)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(list_url(tenant.mission)).status_code == 200
    return len(queries)


def test_list_page_query_count_does_not_grow_with_versions(client, case):
    tenant = case["tenant"]
    version = roadmap_submit(mission=tenant.mission, by=tenant.consultant)
    roadmap_decide(version=version, by=tenant.college, decision=DecisionChoice.VALIDATED)
    one = _list_queries(client, tenant)
    for _ in range(4):
        version = roadmap_submit(mission=tenant.mission, by=tenant.consultant)
        roadmap_decide(version=version, by=tenant.college, decision=DecisionChoice.TO_REVISE, comment="Non")
        roadmap_decide(version=version, by=member(tenant.commune, Role.COLLEGE), decision=DecisionChoice.VALIDATED)
    assert _list_queries(client, tenant) == one
