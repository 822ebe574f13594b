"""No 500 from the sheet form: hostile values in the sheet's fields and in its line tables.

Every example posts a valid sheet with some fields replaced by generated values: never a 500 (the test
client re-raises), and a form sent back with its errors (400) writes nothing.
"""

import pytest
from django.apps import apps
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.diagnostics.test_forms_fuzz import HOSTILE
from tests.roadmap.factories import BudgetLineFactory, FundingCallFactory, ProjectSheetFactory
from tests.roadmap.sheet_forms import sheet_post

FIELDS = [
    "title",
    "theme",
    "duration_months",
    "fte_internal",
    "fte_external",
    "findings",
    "pst_links",
    "prerequisites",
    "budget-0-label",
    "budget-0-category",
    "budget-0-kind",
    "budget-0-amount",
    "budget-0-vat_rate",
    "budget-0-year",
    "budget-0-id",
    "budget-0-DELETE",
    "funding-0-source",
    "funding-0-call",
    "funding-0-amount",
    "funding-0-status",
    "risks-0-likelihood",
    "indicators-0-target",
    "budget-TOTAL_FORMS",
    "funding-INITIAL_FORMS",
]
MODELS = [m for m in apps.get_models() if m._meta.app_label == "roadmap"]


class Rollback(Exception):
    pass


def _rows() -> dict:
    return {m._meta.label: m._default_manager.count() for m in MODELS}


@settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
@pytest.mark.django_db
def test_the_sheet_form_never_answers_500_nor_writes_when_refused(client, tenant_a, data):
    if not hasattr(tenant_a, "_fuzz_sheet"):
        tenant_a._fuzz_sheet = ProjectSheetFactory(mission=tenant_a.mission)
        tenant_a._fuzz_line = BudgetLineFactory(sheet=tenant_a._fuzz_sheet)
        tenant_a._fuzz_call = FundingCallFactory()
    sheet = tenant_a._fuzz_sheet
    client.force_login(tenant_a.consultant)
    base = sheet_post(
        existing={"budget": 1},
        budget=[{"id": str(tenant_a._fuzz_line.pk), "label": "Ligne", "category": "development", "amount": "10"}],
        funding=[{"source": "call", "call": str(tenant_a._fuzz_call.pk)}],
        risks=[{"risk": "Retard"}],
        indicators=[{"indicator": "Usagers", "target": "10"}],
    )
    edit = data.draw(st.booleans(), label="edit")
    url = f"/missions/{tenant_a.mission.pk}/feuille-de-route/fiches/" + (
        f"{sheet.pk}/modifier/" if edit else "nouvelle/"
    )
    chosen = data.draw(st.lists(st.sampled_from(FIELDS), unique=True, min_size=1, max_size=4), label="fields")
    post = {**base, **{name: data.draw(HOSTILE, label=name) for name in chosen}}
    before = _rows()
    try:
        with transaction.atomic():
            page = client.post(url, post)
            after = _rows()
            raise Rollback
    except Rollback:
        pass
    assert page.status_code in (302, 400), (url, post, page.status_code)
    if page.status_code == 400:
        assert after == before, (url, post)
