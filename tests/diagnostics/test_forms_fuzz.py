"""No 500 from a form (issue #8, point 8): hostile values posted to every form of the diagnostic.

The named cases first (year 1 and 9999, ``1e400`` as a bound, ``template_id=abc``), each with its
French message; then a property-based test posting generated values to every form view: never a
500 (the test client re-raises any exception), and when the form comes back with its errors (200 or
400), not one row written anywhere.
"""

from html import unescape

import pytest
from django.apps import apps
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diagnostics.models import Campaign, Interview, Questionnaire, Workshop
from territoire.models import Mission
from tests.diagnostics.factories import CampaignFactory, InvitationFactory, full_questionnaire
from tests.diagnostics.factories_fieldwork import fieldwork_objects
from tests.diagnostics.factories_findings import finding_objects

DATE_MESSAGE = "Indiquez une date entre 2000 et 2100."


def diag(name, tenant, **kwargs):
    return reverse(f"diagnostics:{name}", kwargs={"mission_id": tenant.mission.pk, **kwargs})


INTERVIEW_MANAGEMENT = {
    "people-TOTAL_FORMS": "1",
    "people-INITIAL_FORMS": "0",
    "people-MIN_NUM_FORMS": "0",
    "people-MAX_NUM_FORMS": "3",
    "people-0-name": "Marie",
    "people-0-audience": "staff",
}


@pytest.mark.parametrize("year", ["0001", "9999"])
def test_dates_out_of_range_get_a_french_message(client, tenant_a, year):
    questionnaire, _q = full_questionnaire(tenant_a.mission)
    client.force_login(tenant_a.consultant)
    cases = [
        (
            reverse("territoire:mission-create", args=[tenant_a.commune.pk]),
            {"title": "Mission", "start_date": f"{year}-01-01"},
            Mission,
        ),
        (
            diag("campaign-create", tenant_a, questionnaire_id=questionnaire.pk),
            {"title": "C", "audience": "staff", "opens_at": f"{year}-01-01T08:00", "closes_at": "2030-01-01T08:00"},
            Campaign,
        ),
        (
            diag("interview-create", tenant_a),
            {
                "scheduled_at": f"{year}-12-31T23:59",
                "duration_minutes": "60",
                "interviewer": tenant_a.consultant.pk,
                "status": "planned",
                **INTERVIEW_MANAGEMENT,
            },
            Interview,
        ),
        (
            diag("workshop-create", tenant_a),
            {
                "title": "Atelier",
                "date": f"{year}-12-31T23:59",
                "method": "cards",
                "votes_per_participant": "3",
                "top_count": "5",
            },
            Workshop,
        ),
    ]
    for url, data, model in cases:
        before = model.objects.count()
        page = client.post(url, data)
        assert page.status_code == 200, (url, page.status_code)
        assert DATE_MESSAGE in page.content.decode(), url
        assert model.objects.count() == before


@pytest.mark.parametrize("bound", ["1e400", "-1e400", "NaN", "Infinity", "12345678901"])
def test_a_number_bound_out_of_range_gets_a_french_message(client, tenant_a, bound):
    questionnaire, q = full_questionnaire(tenant_a.mission)
    client.force_login(tenant_a.consultant)
    page = client.post(
        diag("question-edit", tenant_a, questionnaire_id=questionnaire.pk, question_id=q["number"].pk),
        {"text": "Heures ?", "type": "number", "min": "0", "max": bound},
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "Saisissez un nombre" in html or "inférieure ou égale" in html or "supérieure ou égale" in html
    q["number"].refresh_from_db()
    assert q["number"].config == {"unit": "h", "min": 0, "max": 500}


@pytest.mark.parametrize("template_id", ["abc", "", "1e3", "²", "99999999999999999999999"])
def test_a_malformed_template_id_gets_a_french_message(client, tenant_a, template_id):
    client.force_login(tenant_a.consultant)
    page = client.post(diag("questionnaire-load-template", tenant_a), {"template_id": template_id}, follow=True)
    assert page.status_code == 200
    html = unescape(page.content.decode())
    assert "n'est pas l'un des vôtres" in html or "Ce champ est obligatoire" in html
    assert not Questionnaire.objects.exists()


def test_a_non_ascii_digit_as_a_source_or_a_flow_origin_is_refused(client, tenant_a):
    client.force_login(tenant_a.consultant)
    page = client.post(
        diag("finding-create", tenant_a), {"statement": "Constat", "importance": "2", "source": "card:²"}
    )
    assert page.status_code == 200
    assert client.get(diag("flow-create", tenant_a) + "?depuis=²").status_code == 200


# --- Property-based: every form view ---------------------------------------------------------------

HOSTILE = st.one_of(
    st.sampled_from(
        [
            "",
            "abc",
            "0",
            "-1",
            "1e400",
            "-1e400",
            "NaN",
            "inf",
            "²",
            "٣",
            "0001-01-01",
            "9999-12-31",
            "0001-01-01T00:00",
            "9999-12-31T23:59",
            "31/12/9999 23:59",
            "2026-02-30",
            "99999999999999999999999",
            "9" * 400,
            "on",
            "x" * 600,
            "\x00",
            "a\r\nb",
        ]
    ),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.text(max_size=40),
)


def _views(tenant):
    """Every form view of the diagnostic and the mission form: (url, field names)."""
    objs = {**fieldwork_objects(tenant), **finding_objects(tenant)}
    questionnaire, q = full_questionnaire(tenant.mission)
    campaign = CampaignFactory(questionnaire=questionnaire)
    InvitationFactory(campaign=campaign)
    section = q["likert"].section
    qn = {"questionnaire_id": questionnaire.pk}
    ws = {"workshop_id": objs["workshop"].pk}
    interview_fields = [
        "scheduled_at",
        "duration_minutes",
        "location",
        "remote",
        "interviewer",
        "guide",
        "status",
        "notes",
        "people-TOTAL_FORMS",
        "people-INITIAL_FORMS",
        "people-0-name",
        "people-0-audience",
        "people-0-member",
    ]
    workshop_fields = [
        "title",
        "date",
        "location",
        "method",
        "participant_count",
        "votes_per_participant",
        "top_count",
    ]
    system_fields = ["name", "category", "yearly_cost", "contract_end", "hosting", "personal_data"]
    flow_fields = ["source", "target", "external_party", "data", "mode", "frequency"]
    initiative_fields = ["title", "kind", "theme", "description", "year", "status"]
    finding_fields = ["statement", "description", "theme", "dimension", "importance", "objectives", "source"]
    mission_fields = ["title", "description", "start_date", "planned_end_date", "referents", "version"]
    question_fields = ["text", "type", "required", "choices", "other_label", "rows", "unit", "min", "max"]
    return [
        (reverse("territoire:mission-create", args=[tenant.commune.pk]), mission_fields),
        (reverse("territoire:mission-edit", args=[tenant.mission.pk]), mission_fields),
        (reverse("territoire:mission-phase", args=[tenant.mission.pk]), ["phase"]),
        (diag("questionnaire-create", tenant), ["title", "description"]),
        (diag("questionnaire-load-builtin", tenant), ["key"]),
        (diag("questionnaire-load-template", tenant), ["template_id"]),
        (diag("questionnaire-edit", tenant, **qn), ["title", "description"]),
        (diag("section-add", tenant, **qn), ["title", "description"]),
        (diag("section-edit", tenant, **qn, section_id=section.pk), ["title", "description"]),
        (diag("section-move", tenant, **qn, section_id=section.pk), ["direction"]),
        (diag("section-reorder", tenant, **qn, section_id=section.pk), ["order"]),
        (diag("question-add", tenant, **qn, section_id=section.pk), ["type", "text"]),
        (diag("question-edit", tenant, **qn, question_id=q["number"].pk), [*question_fields, "counts_for_maturity"]),
        (diag("question-edit", tenant, **qn, question_id=q["single"].pk), [*question_fields, "show_if_choice"]),
        (diag("question-move", tenant, **qn, question_id=q["likert"].pk), ["direction"]),
        (
            diag("campaign-create", tenant, **qn),
            ["title", "audience", "opens_at", "closes_at", "anonymous", "public", "intro"],
        ),
        (diag("campaign-invite", tenant, campaign_id=campaign.pk), ["people"]),
        (diag("interview-target", tenant), ["target"]),
        (diag("interview-create", tenant), interview_fields),
        (diag("interview-edit", tenant, interview_id=objs["interview"].pk), interview_fields),
        (diag("interview-status", tenant, interview_id=objs["interview"].pk), ["status"]),
        (diag("guide-create", tenant), ["title", "intro", "questions_college", "questions_staff"]),
        (diag("workshop-create", tenant), workshop_fields),
        (diag("workshop-edit", tenant, **ws), workshop_fields),
        (diag("workshop-phase", tenant, **ws), ["phase"]),
        (diag("card-add", tenant, **ws), ["text", "theme", "author"]),
        (diag("card-action", tenant, **ws, card_id=objs["card"].pk), ["action", "paper_votes"]),
        (diag("initiative-create", tenant), initiative_fields),
        (diag("initiative-edit", tenant, initiative_id=objs["initiative"].pk), initiative_fields),
        (diag("inventory-needs", tenant), ["needs"]),
        (diag("system-create", tenant), system_fields),
        (diag("system-edit", tenant, system_id=objs["system"].pk), system_fields),
        (diag("flow-create", tenant), flow_fields),
        (diag("flow-edit", tenant, flow_id=objs["flow"].pk), flow_fields),
        (diag("finding-create", tenant), finding_fields),
        (diag("finding-edit", tenant, finding_id=objs["finding"].pk), finding_fields),
        (diag("finding-merge", tenant), ["findings", "keep"]),
        (diag("finding-source-add", tenant, finding_id=objs["finding"].pk), ["source"]),
        (reverse("respond:fill", args=[campaign.invitations.get().token]), ["section", "go", f"q{q['number'].pk}"]),
        (
            reverse("respond:answer", args=[campaign.invitations.get().token, q["rating"].pk]),
            [f"q{q['rating'].pk}"],
        ),
    ]


MODELS = [m for m in apps.get_models() if m._meta.app_label in ("territoire", "diagnostics")]


def _rows() -> dict:
    return {m._meta.label: m._default_manager.count() for m in MODELS}


class Rollback(Exception):
    pass


@settings(
    max_examples=300,
    deadline=None,
    database=None,  # no example database written into the repository
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_no_form_of_the_diagnostic_answers_500_or_writes_on_invalid_input(client, tenant_a, data):
    client.force_login(tenant_a.consultant)
    views = _views(tenant_a) if not hasattr(tenant_a, "_fuzz_views") else tenant_a._fuzz_views
    tenant_a._fuzz_views = views
    url, fields = data.draw(st.sampled_from(views), label="view")
    chosen = data.draw(st.lists(st.sampled_from(fields), unique=True, min_size=1), label="fields")
    post = {name: data.draw(HOSTILE, label=name) for name in chosen}
    before = _rows()
    try:
        # Each example in its own transaction, rolled back: examples never see each other's rows.
        with transaction.atomic():
            page = client.post(url, post)
            after = _rows()
            raise Rollback
    except Rollback:
        pass
    assert page.status_code != 500, (url, post)
    # A form refused comes back with its errors (200 or 400); an autosave always answers 200, "error" when refused.
    refused = page.status_code == 400 or (
        page.status_code == 200 and ("/q/" not in url or 'data-save-state="error"' in page.content.decode())
    )
    if refused:
        assert after == before, (url, post, {k: (before[k], after[k]) for k in before if before[k] != after[k]})


def test_an_id_beyond_64_bits_is_refused_not_a_500(client, tenant_a):
    huge = str(2**63)
    client.force_login(tenant_a.consultant)
    mission = client.post(reverse("territoire:mission-create", args=[tenant_a.commune.pk]), {"referents": huge})
    finding = client.post(diag("finding-create", tenant_a), {"statement": "Constat", "objectives": huge})
    assert (mission.status_code, finding.status_code) == (200, 200)
    assert "n’est pas une valeur correcte" in unescape(finding.content.decode())
    merge = client.post(diag("finding-merge", tenant_a), {"findings": [huge, "1"], "keep": huge})
    assert merge.status_code == 302
