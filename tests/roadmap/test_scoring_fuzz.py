"""No 500 from a scoring form: hostile values posted to the grid, criteria, settings and consensus forms.

As for the diagnostic (tests/diagnostics/test_forms_fuzz.py): never a 500, and a form refused (200 or 400)
writes no row anywhere.
"""

import pytest
from django.apps import apps
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from roadmap.models import ScoringSubmission
from tests.diagnostics.test_forms_fuzz import HOSTILE
from tests.roadmap.factories import CriterionFactory, ProjectSheetFactory, ScoreFactory

MODELS = [m for m in apps.get_models() if m._meta.app_label == "roadmap"]


def _rows() -> dict:
    return {m._meta.label: m._default_manager.count() for m in MODELS}


class Rollback(Exception):
    pass


def _views(tenant):
    mission = tenant.mission
    sheet = ProjectSheetFactory(mission=mission)
    criterion = CriterionFactory(mission=mission)
    ScoreFactory(sheet=sheet, criterion=criterion, consultant=tenant.consultant)
    ScoringSubmission.objects.create(mission=mission, consultant=tenant.consultant)
    cell = f"{sheet.pk}_{criterion.pk}"
    args = {"mission_id": mission.pk}
    criterion_fields = ["label", "weight", "scale_min", "scale_max", "direction", "matrix_role", "position"]
    return [
        (
            reverse("roadmap:scoring-grid", kwargs=args),
            [f"value_{cell}", f"initial-value_{cell}", f"comment_{cell}", f"version_{cell}", "action"],
        ),
        (
            reverse("roadmap:criterion-edit", kwargs={**args, "criterion_id": criterion.pk}),
            [*criterion_fields, "guide_text"],
        ),
        (reverse("roadmap:ranking-settings", kwargs=args), ["disagreement_threshold", "priority_1", "priority_2"]),
        (reverse("roadmap:criteria-defaults", kwargs=args), ["optional"]),
        (
            reverse("roadmap:consensus-edit", kwargs={**args, "sheet_id": sheet.pk, "criterion_id": criterion.pk}),
            ["value", "comment"],
        ),
    ]


@pytest.mark.parametrize("value", ["1e400", "NaN", "Infinity", "99999999999999999999", "-3", "٣", "3.5"])
def test_a_hostile_grid_value_gets_a_french_message_and_saves_nothing(client, tenant_a, value):
    sheet = ProjectSheetFactory(mission=tenant_a.mission)
    criterion = CriterionFactory(mission=tenant_a.mission)
    client.force_login(tenant_a.consultant)
    url = reverse("roadmap:scoring-grid", kwargs={"mission_id": tenant_a.mission.pk})
    response = client.post(url, {f"value_{sheet.pk}_{criterion.pk}": value})
    assert response.status_code == 400
    assert "La grille n&#x27;est pas enregistrée" in response.content.decode()
    assert not sheet.scores.exists()


@settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_no_scoring_form_answers_500_or_writes_on_invalid_input(client, tenant_a, data):
    client.force_login(tenant_a.consultant)
    views = getattr(tenant_a, "_fuzz_views", None) or _views(tenant_a)
    tenant_a._fuzz_views = views
    url, fields = data.draw(st.sampled_from(views), label="view")
    chosen = data.draw(st.lists(st.sampled_from(fields), unique=True, min_size=1), label="fields")
    post = {name: data.draw(HOSTILE, label=name) for name in chosen}
    before = _rows()
    try:
        with transaction.atomic():
            page = client.post(url, post)
            after = _rows()
            raise Rollback
    except Rollback:
        pass
    assert page.status_code != 500, (url, post)
    if page.status_code in (200, 400):
        assert after == before, (url, post)
