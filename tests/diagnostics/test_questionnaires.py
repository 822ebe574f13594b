"""Building questionnaires: templates, sections and questions, reordering, locking once answered."""

import pytest
from django.urls import reverse
from django.utils import timezone

from diagnostics.models import Answer, Question, Questionnaire, QuestionType, Response
from tests.diagnostics.factories import CampaignFactory, QuestionFactory, QuestionnaireFactory, full_questionnaire


def url(name, tenant, *args):
    return reverse(f"diagnostics:{name}", args=[tenant.mission.pk, *args])


def test_consultant_loads_the_builtin_maturity_template(client, tenant_a):
    client.force_login(tenant_a.consultant)
    result = client.post(url("questionnaire-load-builtin", tenant_a), {"key": "maturity"})
    questionnaire = Questionnaire.objects.get(mission=tenant_a.mission)
    assert result["Location"] == url("questionnaire-detail", tenant_a, questionnaire.pk)
    questions = Question.objects.filter(questionnaire=questionnaire)
    assert 25 <= questions.count() <= 35
    assert set(questions.exclude(dimension="").values_list("dimension", flat=True)) == {
        "technology",
        "people",
        "institutions",
    }
    assert len(set(questions.exclude(theme="").values_list("theme", flat=True))) == 7
    assert questions.filter(counts_for_maturity=True).count() >= 15
    page = client.get(result["Location"]).content.decode()
    assert "Gouvernance et stratégie" in page and "Durabilité" in page


@pytest.mark.parametrize("key", ["college", "staff", "citizens"])
def test_audience_variants_load(client, tenant_a, key):
    client.force_login(tenant_a.consultant)
    client.post(url("questionnaire-load-builtin", tenant_a), {"key": key})
    assert Question.objects.filter(questionnaire__mission=tenant_a.mission).count() >= 15


def test_citizen_variant_has_a_show_if_condition(client, tenant_a):
    client.force_login(tenant_a.consultant)
    client.post(url("questionnaire-load-builtin", tenant_a), {"key": "citizens"})
    conditional = Question.objects.get(questionnaire__mission=tenant_a.mission, show_if_choice__isnull=False)
    assert conditional.show_if_choice.label == "Site internet"


def test_staff_and_college_cannot_build(client, tenant_a):
    for user in (tenant_a.staff, tenant_a.college):
        client.force_login(user)
        assert client.post(url("questionnaire-load-builtin", tenant_a), {"key": "maturity"}).status_code == 403
        assert client.post(url("questionnaire-create", tenant_a), {"title": "X"}).status_code == 403
    assert not Questionnaire.objects.exists()


def test_consultant_of_another_commune_gets_404(client, tenant_a, tenant_b):
    questionnaire, _ = full_questionnaire(tenant_a.mission)
    client.force_login(tenant_b.consultant)
    assert client.get(url("questionnaire-detail", tenant_a, questionnaire.pk)).status_code == 404
    # Nor through their own mission's URL.
    other = reverse("diagnostics:questionnaire-detail", args=[tenant_b.mission.pk, questionnaire.pk])
    assert client.get(other).status_code == 404


def test_builder_adds_sections_and_questions_and_reorders_with_htmx(client, tenant_a):
    client.force_login(tenant_a.consultant)
    client.post(url("questionnaire-create", tenant_a), {"title": "Enquête agents"})
    questionnaire = Questionnaire.objects.get()
    section = questionnaire.sections.get()
    htmx = {"HTTP_HX_REQUEST": "true"}
    for text, qtype in (("Premier ?", "likert"), ("Second ?", "single")):
        result = client.post(
            url("question-add", tenant_a, questionnaire.pk, section.pk), {"type": qtype, "text": text}, **htmx
        )
        assert result.status_code == 200 and 'id="builder"' in result.content.decode()
    second = Question.objects.get(text="Second ?")
    assert second.choices.count() == 2  # a choice question starts with two options
    client.post(url("question-move", tenant_a, questionnaire.pk, second.pk), {"direction": "up"}, **htmx)
    assert list(section.questions.values_list("text", flat=True)) == ["Second ?", "Premier ?"]
    page = client.post(url("section-add", tenant_a, questionnaire.pk), {"title": "Suite"}, **htmx).content.decode()
    assert questionnaire.sections.count() == 2
    # Arrows say what they move, for screen readers; the first can't go up, the last can't go down.
    assert 'aria-label="Monter la question 2"' in page and 'aria-label="Descendre la question 1"' in page
    assert "Descendre la section « Suite »" in page


def test_edit_question_with_choices_other_and_condition(client, tenant_a):
    questionnaire, q = full_questionnaire(tenant_a.mission)
    client.force_login(tenant_a.consultant)
    condition = q["single"].choices.first()
    result = client.post(
        url("question-edit", tenant_a, questionnaire.pk, q["multiple"].pk),
        {
            "text": "Quels outils ?",
            "type": "multiple",
            "choices": "Courriel\nGED\nTableur",
            "other_label": "Autre outil",
            "show_if_choice": condition.pk,
            "dimension": "technology",
            "theme": "administration",
        },
    )
    assert result.status_code == 302, result.content.decode()
    q["multiple"].refresh_from_db()
    assert [c.label for c in q["multiple"].choices.all()] == ["Courriel", "GED", "Tableur", "Autre outil"]
    assert q["multiple"].show_if_choice == condition


def test_counting_for_maturity_is_refused_for_text(client, tenant_a):
    questionnaire, q = full_questionnaire(tenant_a.mission)
    client.force_login(tenant_a.consultant)
    result = client.post(
        url("question-edit", tenant_a, questionnaire.pk, q["short_text"].pk),
        {"text": "Fonction", "type": "short_text", "counts_for_maturity": "on"},
    )
    assert result.status_code == 200
    assert "Seules les échelles" in result.content.decode()


@pytest.fixture
def answered(tenant_a):
    questionnaire, q = full_questionnaire(tenant_a.mission)
    campaign = CampaignFactory(questionnaire=questionnaire)
    response = Response.objects.create(campaign=campaign)
    Answer.objects.create(response=response, question=q["likert"], value=4, number=4, score=75)
    return questionnaire, q


def test_answered_questionnaire_is_locked_and_says_so(client, tenant_a, answered):
    questionnaire, q = answered
    client.force_login(tenant_a.consultant)
    page = client.get(url("questionnaire-detail", tenant_a, questionnaire.pk)).content.decode()
    assert "Structure verrouillée" in page
    result = client.post(url("question-delete", tenant_a, questionnaire.pk, q["likert"].pk), HTTP_HX_REQUEST="true")
    assert "ne peut plus être supprimée" in result.content.decode()
    assert Question.objects.filter(pk=q["likert"].pk).exists()
    assert Answer.objects.count() == 1


def test_locked_question_keeps_its_type_and_choice_count_but_wording_changes(client, tenant_a, answered):
    questionnaire, q = answered
    client.force_login(tenant_a.consultant)
    edit = url("question-edit", tenant_a, questionnaire.pk, q["single"].pk)
    refused = client.post(edit, {"text": "Service ?", "type": "single", "choices": "Travaux\nFinances\nCulture"})
    assert "pas en ajouter ni en retirer" in refused.content.decode()
    ok = client.post(
        edit, {"text": "Votre service ?", "type": "single", "choices": "Voirie\nFinances", "other_label": "Autre"}
    )
    assert ok.status_code == 302
    assert [c.label for c in q["single"].choices.all()] == ["Voirie", "Finances", "Autre"]
    # The disabled type field keeps the original type whatever is posted.
    client.post(
        edit, {"text": "Votre service ?", "type": "likert", "choices": "Voirie\nFinances", "other_label": "Autre"}
    )
    q["single"].refresh_from_db()
    assert q["single"].type == QuestionType.SINGLE


def test_duplicate_makes_an_unlocked_new_version(client, tenant_a, answered):
    questionnaire, q = answered
    client.force_login(tenant_a.consultant)
    result = client.post(url("questionnaire-duplicate", tenant_a, questionnaire.pk))
    copy = Questionnaire.objects.exclude(pk=questionnaire.pk).get()
    assert result["Location"].endswith(f"/{copy.pk}/")
    assert copy.version == 2 and copy.source == questionnaire and not copy.is_locked()
    assert copy.questions.count() == questionnaire.questions.count()


def test_personal_templates_are_shared_across_missions_but_never_with_others(client, tenant_a, tenant_b):
    questionnaire, q = full_questionnaire(tenant_a.mission)
    client.force_login(tenant_a.consultant)
    client.post(url("questionnaire-save-template", tenant_a, questionnaire.pk))
    template = Questionnaire.objects.get(mission=None)
    assert template.owner == tenant_a.consultant
    # The consultant of commune B neither sees nor loads it.
    client.force_login(tenant_b.consultant)
    assert template.title not in client.get(url("questionnaire-list", tenant_b)).content.decode()
    refused = client.post(url("questionnaire-load-template", tenant_b), {"template_id": template.pk}, follow=True)
    assert "n&#x27;est pas l&#x27;un des vôtres" in refused.content.decode()
    assert not Questionnaire.objects.filter(mission=tenant_b.mission).exists()
    # Its owner loads it into another mission.
    from tests.factories import MissionFactory

    other_mission = MissionFactory(commune=tenant_a.commune)
    client.force_login(tenant_a.consultant)
    client.post(
        reverse("diagnostics:questionnaire-load-template", args=[other_mission.pk]), {"template_id": template.pk}
    )
    assert Questionnaire.objects.filter(mission=other_mission).get().questions.count() == 10


def test_preview_shows_the_respondent_page_without_saving(client, tenant_a):
    questionnaire, q = full_questionnaire(tenant_a.mission)
    client.force_login(tenant_a.consultant)
    page = client.get(url("questionnaire-preview", tenant_a, questionnaire.pk)).content.decode()
    assert "Aperçu" in page and q["likert"].text in page and "hx-post" not in page


def test_question_types_render_in_the_preview(client, tenant_a):
    questionnaire, q = full_questionnaire(tenant_a.mission)
    client.force_login(tenant_a.consultant)
    page = client.get(url("questionnaire-preview", tenant_a, questionnaire.pk) + "?section=2").content.decode()
    assert "Voisins" in page and "Mobilité" in page and "Oui" in page


def test_hub_shows_the_questionnaires_card_with_its_counts(client, tenant_a):
    question = QuestionFactory(section__questionnaire__mission=tenant_a.mission)
    campaign = CampaignFactory(questionnaire=question.questionnaire)
    for _ in range(3):
        Response.objects.create(campaign=campaign, submitted_at=timezone.now())
    client.force_login(tenant_a.staff)
    page = client.get(reverse("diagnostics:index", args=[tenant_a.mission.pk])).content.decode()
    assert "Ouvrir les questionnaires" in page
    assert '<span class="stat">3</span> réponses reçues pour 1 campagne' in " ".join(page.split())


def test_drag_and_drop_order_is_saved_and_a_foreign_order_refused(client, tenant_a, tenant_b):
    questionnaire, q = full_questionnaire(tenant_a.mission)
    section = q["likert"].section
    ids = list(section.questions.values_list("pk", flat=True))
    client.force_login(tenant_a.consultant)
    reorder = url("section-reorder", tenant_a, questionnaire.pk, section.pk)
    result = client.post(reorder, {"order": ",".join(map(str, reversed(ids)))}, HTTP_HX_REQUEST="true")
    assert result.status_code == 200
    assert list(section.questions.values_list("pk", flat=True)) == list(reversed(ids))
    _other, other_q = full_questionnaire(tenant_b.mission)
    tampered = ",".join(map(str, [*ids[:-1], other_q["likert"].pk]))
    refused = client.post(reorder, {"order": tampered}, HTTP_HX_REQUEST="true")
    assert "ne correspond pas" in refused.content.decode()
    assert list(section.questions.values_list("pk", flat=True)) == list(reversed(ids))
    assert client.post(reorder, {"order": "a,b"}, HTTP_HX_REQUEST="true").status_code == 200


def _campaigns(mission, n):
    questionnaire = QuestionnaireFactory(mission=mission)
    for _i in range(n):
        CampaignFactory(questionnaire=questionnaire, audience="staff")
        CampaignFactory(questionnaire=questionnaire, audience="college")


@pytest.mark.parametrize("role", ["staff", "college"])
def test_questionnaire_list_of_staff_and_college_costs_the_same_for_2_or_16_campaigns(
    client, tenant_a, role, django_assert_num_queries
):
    """Which campaigns a member answers is read from loaded rows, not one query per campaign."""
    client.force_login(getattr(tenant_a, role))
    page = url("questionnaire-list", tenant_a)
    client.get(page)
    counts = []
    for n in (1, 7):
        _campaigns(tenant_a.mission, n)
        with django_assert_num_queries(6 if role == "staff" else 7) as ctx:  # the Collège also reads results
            assert client.get(page).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
