"""The demo's questionnaires: the maturity template, two campaigns, answers; idempotent; results render."""

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from diagnostics.models import Answer, Campaign, Questionnaire, Response


def counts():
    return (Questionnaire.objects.count(), Campaign.objects.count(), Response.objects.count(), Answer.objects.count())


def test_demo_questionnaires_are_idempotent_and_their_results_render(client, db):
    call_command("seed_demo", force=True, verbosity=0)
    first = counts()
    call_command("seed_demo", force=True, verbosity=0)
    assert counts() == first
    assert first[:3] == (2, 4, 62)
    questionnaire = Questionnaire.objects.get(builtin_key="maturity", mission__commune__code="61099")
    assert set(Campaign.objects.filter(questionnaire=questionnaire).values_list("audience", flat=True)) == {
        "college",
        "staff",
    }
    client.force_login(get_user_model().objects.get(username="claire.dubois"))
    page = client.get(
        reverse("diagnostics:questionnaire-results", args=[questionnaire.mission_id, questionnaire.pk])
    ).content.decode()
    assert page.count('<figure class="chart chart-radar') == 2  # one radar per maturity axis
    assert "Comparaison des publics" in page
