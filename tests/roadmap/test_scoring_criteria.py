"""Criteria of a mission: defaults on POST only, edits, all weights zero, scales, ranking settings, roles."""

import pytest
from django.urls import reverse

from roadmap.models import Criterion, RankingSettings
from territoire.models import Role
from tests.roadmap.factories import CriterionFactory, ScoreFactory


def test_criteria_page_writes_nothing_on_get_and_defaults_are_created_on_post(client, tenant_a):
    client.force_login(tenant_a.consultant)
    url = reverse("roadmap:criteria", kwargs={"mission_id": tenant_a.mission.pk})
    response = client.get(url)
    assert response.status_code == 200
    assert "Créer les critères par défaut" in response.content.decode()
    assert not Criterion.objects.exists()

    response = client.post(
        reverse("roadmap:criteria-defaults", kwargs={"mission_id": tenant_a.mission.pk}), {"optional": ["quick_win"]}
    )
    assert response.status_code == 302
    codes = list(Criterion.objects.filter(mission=tenant_a.mission).values_list("code", flat=True))
    assert codes == ["budget", "faisabilite", "ressources", "impact", "pst", "quick_win"]
    budget = Criterion.objects.get(mission=tenant_a.mission, code="budget")
    assert budget.direction == "lower" and budget.matrix_role == "effort"
    assert budget.guide_for(1) == "moins de 10 000 €"
    assert budget.history.first().history_user == tenant_a.consultant
    # A second click adds nothing twice.
    client.post(reverse("roadmap:criteria-defaults", kwargs={"mission_id": tenant_a.mission.pk}))
    assert Criterion.objects.filter(mission=tenant_a.mission).count() == 6


@pytest.mark.parametrize("role", [Role.STAFF, Role.COLLEGE])
def test_staff_and_college_read_criteria_but_cannot_create_or_edit_them(client, tenant_a, role):
    criterion = CriterionFactory(mission=tenant_a.mission)
    client.force_login(tenant_a.user(role))
    page = client.get(reverse("roadmap:criteria", kwargs={"mission_id": tenant_a.mission.pk}))
    assert page.status_code == 200
    assert "Créer les critères par défaut" not in page.content.decode()
    response = client.post(reverse("roadmap:criteria-defaults", kwargs={"mission_id": tenant_a.mission.pk}))
    assert response.status_code == 403
    edit = reverse("roadmap:criterion-edit", kwargs={"mission_id": tenant_a.mission.pk, "criterion_id": criterion.pk})
    assert client.get(edit).status_code == 403
    assert client.post(edit, {"label": "x", "weight": "3"}).status_code == 403
    assert Criterion.objects.count() == 1
    settings_url = reverse("roadmap:ranking-settings", kwargs={"mission_id": tenant_a.mission.pk})
    response = client.post(settings_url, {"disagreement_threshold": "1", "priority_1": "80", "priority_2": "60"})
    assert response.status_code == 403
    assert not RankingSettings.objects.exists()


def criterion_post(criterion, **changes):
    data = {
        "label": criterion.label,
        "weight": str(criterion.weight),
        "scale_min": criterion.scale_min,
        "scale_max": criterion.scale_max,
        "direction": criterion.direction,
        "matrix_role": criterion.matrix_role,
        "position": criterion.position,
        "guide_text": "",
    }
    return data | changes


def test_criterion_edit_saves_weight_and_guide(client, tenant_a):
    criterion = CriterionFactory(mission=tenant_a.mission, label="Budget")
    client.force_login(tenant_a.consultant)
    url = reverse("roadmap:criterion-edit", kwargs={"mission_id": tenant_a.mission.pk, "criterion_id": criterion.pk})
    response = client.post(url, criterion_post(criterion, weight="2.5", guide_text="1 : très cher\n5 : gratuit"))
    assert response.status_code == 302
    criterion.refresh_from_db()
    assert str(criterion.weight) == "2.50"
    assert criterion.guide == [{"level": 1, "description": "très cher"}, {"level": 5, "description": "gratuit"}]


def test_all_weights_zero_is_refused_with_the_engine_message(client, tenant_a):
    first = CriterionFactory(mission=tenant_a.mission, weight=0)
    second = CriterionFactory(mission=tenant_a.mission, weight=1)
    client.force_login(tenant_a.consultant)
    url = reverse("roadmap:criterion-edit", kwargs={"mission_id": tenant_a.mission.pk, "criterion_id": second.pk})
    response = client.post(url, criterion_post(second, weight="0"))
    assert response.status_code == 200
    assert "Tous les poids sont nuls" in response.content.decode()
    second.refresh_from_db()
    first.refresh_from_db()
    assert second.weight == 1 and first.weight == 0


def test_a_negative_weight_or_an_upside_down_scale_is_refused(client, tenant_a):
    criterion = CriterionFactory(mission=tenant_a.mission)
    client.force_login(tenant_a.consultant)
    url = reverse("roadmap:criterion-edit", kwargs={"mission_id": tenant_a.mission.pk, "criterion_id": criterion.pk})
    response = client.post(url, criterion_post(criterion, weight="-1", scale_min=5, scale_max=1))
    body = response.content.decode()
    assert response.status_code == 200
    assert "supérieure ou égale à 0" in body or "positif ou nul" in body
    assert "La note maximale doit dépasser la note minimale." in body
    assert Criterion.objects.get().weight == 1


def test_ranking_settings_refuse_increasing_thresholds(client, tenant_a):
    client.force_login(tenant_a.consultant)
    url = reverse("roadmap:ranking-settings", kwargs={"mission_id": tenant_a.mission.pk})
    response = client.post(url, {"disagreement_threshold": "1.5", "priority_1": "50", "priority_2": "70"})
    assert response.status_code == 400
    assert "strictement décroissants" in response.content.decode()
    assert not RankingSettings.objects.exists()
    response = client.post(url, {"disagreement_threshold": "1.5", "priority_1": "80", "priority_2": "60"})
    assert response.status_code == 302
    settings = RankingSettings.objects.get(mission=tenant_a.mission)
    assert settings.class_thresholds == [80.0, 60.0] and str(settings.disagreement_threshold) == "1.5"


def test_a_scale_that_would_leave_given_scores_outside_is_refused(client, tenant_a):
    criterion = CriterionFactory(mission=tenant_a.mission, label="Budget")
    ScoreFactory(sheet__mission=tenant_a.mission, criterion=criterion, consultant=tenant_a.consultant, value=5)
    client.force_login(tenant_a.consultant)
    url = reverse("roadmap:criterion-edit", kwargs={"mission_id": tenant_a.mission.pk, "criterion_id": criterion.pk})
    response = client.post(url, criterion_post(criterion, scale_max=4))
    assert response.status_code == 200
    assert "1 note(s) déjà données sortiraient de l&#x27;échelle 1 à 4" in response.content.decode()
    criterion.refresh_from_db()
    assert criterion.scale_max == 5
