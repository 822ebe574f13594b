"""The question editor shows and validates only the fields of the chosen type; the builder's counts follow."""

import re

import pytest
from django.urls import reverse

from diagnostics.models import Question
from tests.diagnostics.factories import full_questionnaire

pytestmark = pytest.mark.django_db


def url(name, tenant, *args):
    return reverse(f"diagnostics:{name}", args=[tenant.mission.pk, *args])


def _wrapper(page: str, name: str) -> str:
    """The opening tag of the wrapper of field ``name``."""
    match = re.search(r'<div ([^>]*)>\s*<div id="div_id_' + name + '"', page)
    assert match, name
    return match.group(1)


def test_a_single_choice_question_shows_no_matrix_rows_unit_or_bounds(client, tenant_a):
    questionnaire, q = full_questionnaire(tenant_a.mission)
    client.force_login(tenant_a.consultant)
    page = client.get(url("question-edit", tenant_a, questionnaire.pk, q["single"].pk)).content.decode()
    for name in ("rows", "unit", "min", "max"):
        assert "hidden" in _wrapper(page, name), name
    for name in ("choices", "other_label"):
        assert "hidden" not in _wrapper(page, name), name
    assert "data-for-types" in _wrapper(page, "min")
    assert "hidden" not in _wrapper(page, "text")
    number = client.get(url("question-edit", tenant_a, questionnaire.pk, q["number"].pk)).content.decode()
    assert "hidden" not in _wrapper(number, "min") and "hidden" in _wrapper(number, "choices")


def test_a_hidden_bound_no_longer_blocks_saving(client, tenant_a):
    questionnaire, q = full_questionnaire(tenant_a.mission)
    client.force_login(tenant_a.consultant)
    result = client.post(
        url("question-edit", tenant_a, questionnaire.pk, q["single"].pk),
        # Left in the hidden fields from an earlier type: a bound out of range, min above max, matrix rows.
        {
            "text": "Votre service ?",
            "type": "single",
            "choices": "Travaux\nFinances",
            "min": "1e400",
            "max": "-3",
            "rows": "Ligne",
            "unit": "h",
        },
    )
    assert result.status_code == 302, result.content.decode()
    q["single"].refresh_from_db()
    assert q["single"].config == {}
    assert [c.label for c in q["single"].choices.all()] == ["Travaux", "Finances"]


def test_bounds_of_a_number_question_are_still_checked(client, tenant_a):
    questionnaire, q = full_questionnaire(tenant_a.mission)
    client.force_login(tenant_a.consultant)
    result = client.post(
        url("question-edit", tenant_a, questionnaire.pk, q["number"].pk),
        {"text": "Heures ?", "type": "number", "min": "10", "max": "2"},
    )
    assert result.status_code == 200
    assert "Le maximum doit être supérieur au minimum." in result.content.decode()
    q["number"].refresh_from_db()
    assert q["number"].text == "Heures de formation ?"
    assert q["number"].config == {"unit": "h", "min": 0, "max": 500}


def test_the_counts_refresh_after_adding_a_question(client, tenant_a):
    questionnaire, _ = full_questionnaire(tenant_a.mission)
    section = questionnaire.sections.first()
    client.force_login(tenant_a.consultant)
    before = Question.objects.filter(questionnaire=questionnaire).count()
    page = client.post(
        url("question-add", tenant_a, questionnaire.pk, section.pk),
        {"type": "short_text", "text": "Encore une ?"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    counts = re.search(r'<p[^>]*id="builder-counts"[^>]*>(.*?)</p>', page, re.S)
    assert counts and 'hx-swap-oob="true"' in counts.group(0)
    assert f"{before + 1} questions" in " ".join(counts.group(1).split())
    full = client.get(url("questionnaire-detail", tenant_a, questionnaire.pk)).content.decode()
    assert full.count('id="builder-counts"') == 1 and "hx-swap-oob" not in full


def test_only_consultants_edit_questions(client, tenant_a, tenant_b):
    questionnaire, q = full_questionnaire(tenant_a.mission)
    edit = url("question-edit", tenant_a, questionnaire.pk, q["single"].pk)
    client.force_login(tenant_a.staff)
    assert client.post(edit, {"text": "Piraté", "type": "single", "choices": "a\nb"}).status_code == 403
    client.force_login(tenant_b.consultant)
    assert client.post(edit, {"text": "Piraté", "type": "single", "choices": "a\nb"}).status_code == 404
    q["single"].refresh_from_db()
    assert q["single"].text == "Votre service ?"
