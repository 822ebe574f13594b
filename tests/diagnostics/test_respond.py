"""Filling a questionnaire through a personal or public link: autosave, resume, submit, bad input."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from diagnostics.models import Answer, AnswerItem, Audience, Choice, Response
from tests.diagnostics.factories import CampaignFactory, InvitationFactory, QuestionFactory, full_questionnaire


@pytest.fixture
def setup(tenant_a):
    questionnaire, q = full_questionnaire(tenant_a.mission)
    campaign = CampaignFactory(questionnaire=questionnaire, audience=Audience.STAFF)
    invitation = InvitationFactory(campaign=campaign, service="Travaux")
    return campaign, invitation, q


def autosave(client, token, question, data):
    return client.post(reverse("respond:answer", args=[token, question.pk]), data)


def test_invitation_link_opens_first_section_and_the_first_post_counts_as_started(client, setup):
    campaign, invitation, q = setup
    page = client.get(reverse("respond:fill", args=[invitation.token]))
    assert page.status_code == 200
    assert "Section 1 sur 2" in page.content.decode()
    assert q["likert"].text in page.content.decode()
    assert not Response.objects.exists()  # opening the link writes nothing
    autosave(client, invitation.token, q["short_text"], {f"q{q['short_text'].pk}": "Directrice"})
    response = Response.objects.get(invitation=invitation)
    assert response.service == "Travaux" and response.submitted_at is None


def test_every_answer_type_is_saved_as_given(client, setup):
    campaign, invitation, q = setup
    token = invitation.token
    client.get(reverse("respond:fill", args=[token]))
    single_other = q["single"].choices.get(is_other=True)
    multiple = list(q["multiple"].choices.all())
    ranking = list(q["ranking"].choices.all())
    posts = {
        "short_text": {f"q{q['short_text'].pk}": "Directrice"},
        "single": {f"q{q['single'].pk}": single_other.pk, f"q{q['single'].pk}_other": "Culture"},
        "likert": {f"q{q['likert'].pk}": "4"},
        "multiple": {f"q{q['multiple'].pk}": [multiple[0].pk, multiple[1].pk]},
        "rating": {f"q{q['rating'].pk}": "7"},
        "number": {f"q{q['number'].pk}": "12,5"},
        "yes_no": {f"q{q['yes_no'].pk}": "yes"},
        "ranking": {
            f"q{q['ranking'].pk}_c{ranking[0].pk}": "2",
            f"q{q['ranking'].pk}_c{ranking[1].pk}": "1",
            f"q{q['ranking'].pk}_c{ranking[2].pk}": "3",
        },
        "matrix": {f"q{q['matrix'].pk}_r0": "5", f"q{q['matrix'].pk}_r1": "3"},
        "long_text": {f"q{q['long_text'].pk}": "Un guichet en ligne."},
    }
    for kind, data in posts.items():
        result = autosave(client, token, q[kind], data)
        assert result.status_code == 200, kind
        assert "Enregistré" in result.content.decode(), (kind, result.content.decode())
    response = Response.objects.get(invitation=invitation)
    answers = {a.question_id: a for a in Answer.objects.filter(response=response)}
    assert len(answers) == 10
    assert answers[q["single"].pk].value == {"choice": single_other.pk, "other": "Culture"}
    assert answers[q["likert"].pk].score == 75
    assert answers[q["rating"].pk].score == 70
    assert str(answers[q["number"].pk].number) == "12.5000"
    assert answers[q["ranking"].pk].value == [ranking[1].pk, ranking[0].pk, ranking[2].pk]
    assert answers[q["matrix"].pk].score == 75  # (100 + 50) / 2
    assert AnswerItem.objects.filter(answer=answers[q["multiple"].pk]).count() == 2
    # Resume: reopening the link shows the answers given.
    page = client.get(reverse("respond:fill", args=[token]) + "?section=1").content.decode()
    assert 'value="Directrice"' in page


@pytest.mark.parametrize(
    ("kind", "value", "message"),
    [
        ("likert", "9", "entre 1 et 5"),
        ("likert", "abc", "Choisissez une valeur"),
        ("number", "beaucoup", "Saisissez un nombre"),
        ("number", "800", "au plus 500"),
        ("yes_no", "peut-être", "oui ou par non"),
    ],
)
def test_wrong_type_or_out_of_range_is_refused_with_a_french_message(client, setup, kind, value, message):
    campaign, invitation, q = setup
    result = autosave(client, invitation.token, q[kind], {f"q{q[kind].pk}": value})
    assert message in result.content.decode()
    assert not Answer.objects.filter(question=q[kind]).exists()


def test_a_choice_of_another_question_is_refused(client, setup):
    campaign, invitation, q = setup
    foreign = q["multiple"].choices.first()
    result = autosave(client, invitation.token, q["single"], {f"q{q['single'].pk}": foreign.pk})
    assert "ne fait pas partie de la question" in result.content.decode()
    assert not Answer.objects.filter(question=q["single"]).exists()


def test_a_question_of_another_questionnaire_is_refused(client, setup, tenant_b):
    campaign, invitation, q = setup
    _other, other_q = full_questionnaire(tenant_b.mission)
    result = autosave(client, invitation.token, other_q["likert"], {f"q{other_q['likert'].pk}": "3"})
    assert result.status_code == 404
    assert not Answer.objects.exists()


def test_two_tabs_last_write_per_question_wins_and_stays_in_the_same_response(client, setup):
    campaign, invitation, q = setup
    name = f"q{q['likert'].pk}"
    autosave(client, invitation.token, q["likert"], {name: "2"})
    autosave(client, invitation.token, q["likert"], {name: "5"})
    assert Answer.objects.get(question=q["likert"]).number == 5
    assert Answer.objects.count() == 1 and Response.objects.count() == 1


def test_the_response_is_named_by_the_url_never_by_a_form_field(client, setup):
    campaign, invitation, q = setup
    other = InvitationFactory(campaign=campaign)
    autosave(client, other.token, q["short_text"], {f"q{q['short_text'].pk}": "Juriste"})  # starts it
    victim = Response.objects.get(invitation=other)
    autosave(client, invitation.token, q["likert"], {f"q{q['likert'].pk}": "3", "response": victim.pk})
    assert not Answer.objects.filter(response=victim, question=q["likert"]).exists()
    assert Answer.objects.get(question=q["likert"]).response.invitation == invitation


def submit(client, token):
    return client.post(reverse("respond:fill", args=[token]), {"section": "2", "go": "submit"})


def test_submit_requires_required_questions_then_is_final_and_idempotent(client, setup):
    campaign, invitation, q = setup
    token = invitation.token
    client.get(reverse("respond:fill", args=[token]))
    refused = submit(client, token)
    assert refused.status_code == 400
    assert "Cette question est obligatoire" in refused.content.decode()
    assert "Section 1 sur 2" in refused.content.decode()
    autosave(client, token, q["likert"], {f"q{q['likert'].pk}": "4"})
    assert submit(client, token).status_code == 302
    assert submit(client, token).status_code == 200  # double click: the thank-you page again
    response = Response.objects.get(invitation=invitation)
    first = response.submitted_at
    assert first is not None
    assert "vos réponses sont bien envoyées" in client.get(reverse("respond:fill", args=[token])).content.decode()
    late = autosave(client, token, q["likert"], {f"q{q['likert'].pk}": "1"})
    assert "déjà été envoyées" in late.content.decode()
    response.refresh_from_db()
    assert response.submitted_at == first
    assert Answer.objects.get(question=q["likert"]).number == 4


def test_a_second_tap_that_crosses_the_first_submit_gets_the_thank_you_page(client, setup, monkeypatch):
    """Two taps on « Envoyer » a moment apart: the second request read the response before the first one submitted
    it, so its save of the page is refused — the respondent reads the thank-you page, not an error."""
    from diagnostics.views import respond as views

    campaign, invitation, q = setup
    token = invitation.token
    autosave(client, token, q["likert"], {f"q{q['likert'].pk}": "4"})
    stale = Response.objects.get(invitation=invitation)  # what the second request read
    assert submit(client, token).status_code == 302
    find = views._find
    monkeypatch.setattr(views, "_find", lambda t: (*find(t)[:2], stale))
    page = client.post(
        reverse("respond:fill", args=[token]), {"section": "2", "go": "submit", f"q{q['number'].pk}": "7"}
    )
    assert page.status_code == 200
    assert "vos réponses sont bien envoyées" in page.content.decode()
    assert not Answer.objects.filter(question=q["number"]).exists()


def test_next_saves_the_page_and_resume_goes_to_the_last_section(client, setup):
    campaign, invitation, q = setup
    token = invitation.token
    url = reverse("respond:fill", args=[token])
    result = client.post(url, {"section": "1", "go": "next", f"q{q['likert'].pk}": "3"})
    assert result.status_code == 302 and result["Location"].endswith("?section=2")
    assert Answer.objects.get(question=q["likert"]).number == 3
    # Another device, same link: back to section 2.
    from django.test import Client

    assert "Section 2 sur 2" in Client().get(url).content.decode()


def test_closed_campaign_says_so_politely_and_refuses_answers(client, setup):
    campaign, invitation, q = setup
    campaign.opens_at = timezone.now() - timedelta(days=10)
    campaign.closes_at = timezone.now() - timedelta(days=1)
    campaign.save()
    page = client.get(reverse("respond:fill", args=[invitation.token]))
    assert page.status_code == 410
    assert "Ce questionnaire est clos" in page.content.decode()
    late = autosave(client, invitation.token, q["likert"], {f"q{q['likert'].pk}": "3"})
    assert "clos" in late.content.decode()
    assert not Answer.objects.exists()


def test_unknown_token_is_a_french_404(client, db):
    page = client.get(reverse("respond:fill", args=["nimportequoi"]))
    assert page.status_code == 404
    assert "Ce lien n'existe pas ou plus" in page.content.decode()


def test_public_link_one_response_per_browser_session(client, setup):
    campaign, invitation, q = setup
    campaign.public_token = "public-token-123"
    campaign.save()
    url = reverse("respond:public", args=["public-token-123"])
    assert "Commencer le questionnaire" in client.get(url).content.decode()
    first = client.post(url)
    assert first.status_code == 302
    again = client.post(url)
    assert again["Location"] == first["Location"]
    assert client.get(url)["Location"] == first["Location"]
    assert Response.objects.filter(campaign=campaign, invitation=None).count() == 1


def test_public_link_honeypot_and_rate_limit(client, setup, settings):
    campaign, invitation, q = setup
    campaign.public_token = "public-token-456"
    campaign.save()
    url = reverse("respond:public", args=["public-token-456"])
    assert client.post(url, {"website": "http://spam"}).status_code == 400
    from django.core.cache import cache
    from django.test import Client

    cache.clear()
    statuses = [Client().post(url).status_code for _ in range(22)]
    assert statuses.count(302) == 20 and statuses[-1] == 429  # RATELIMIT_PUBLIC_START: 20/h
    cache.clear()


def test_logged_in_staff_answers_a_staff_campaign_but_not_a_college_one(client, tenant_a, setup):
    campaign, invitation, q = setup
    client.force_login(tenant_a.staff)
    result = client.post(reverse("diagnostics:campaign-answer", args=[tenant_a.mission.pk, campaign.pk]))
    assert result.status_code == 302 and result["Location"].startswith("/r/")
    assert Response.objects.filter(user=tenant_a.staff).count() == 1
    college_campaign = CampaignFactory(questionnaire=campaign.questionnaire, audience=Audience.COLLEGE)
    forbidden = client.get(reverse("diagnostics:campaign-answer", args=[tenant_a.mission.pk, college_campaign.pk]))
    assert forbidden.status_code == 403


def test_member_of_another_commune_cannot_answer(client, setup, tenant_b):
    campaign, invitation, q = setup
    client.force_login(tenant_b.staff)
    result = client.get(reverse("diagnostics:campaign-answer", args=[campaign.mission.pk, campaign.pk]))
    assert result.status_code == 404


def statements(client, token, question, data) -> list[str]:
    """The SQL statements one autosave sends (BEGIN and COMMIT are not captured: the driver sends them)."""
    with CaptureQueriesContext(connection) as captured:
        result = autosave(client, token, question, data)
    assert result.status_code == 200 and 'data-save-state="ok"' in result.content.decode()
    return [query["sql"].lstrip("(").split()[0].upper() for query in captured.captured_queries]


def test_one_autosave_is_two_or_three_statements_and_an_answer_of_items_five(client, setup):
    campaign, invitation, q = setup
    autosave(client, invitation.token, q["short_text"], {f"q{q['short_text'].pk}": "Juriste"})  # starts it
    # The link's state (one query), then the touch of the response (its row lock) and one upsert: no
    # question row read, no savepoint. On PostgreSQL the touch and the upsert are one statement outside any
    # transaction (two round trips in all); elsewhere two statements in a transaction.
    likert = {f"q{q['likert'].pk}": "4"}
    scalar = ["SELECT", "WITH"] if connection.vendor == "postgresql" else ["SELECT", "UPDATE", "INSERT"]
    assert statements(client, invitation.token, q["likert"], likert) == scalar
    assert statements(client, invitation.token, q["likert"], likert) == scalar
    # Multiple choices, ranks and matrix cells replace their items: two more.
    data = {f"q{q['multiple'].pk}": [q["multiple"].choices.first().pk]}
    for _again in range(2):
        assert statements(client, invitation.token, q["multiple"], data) == [
            "SELECT",
            "UPDATE",
            "INSERT",
            "DELETE",
            "INSERT",
        ]
    assert AnswerItem.objects.filter(question=q["multiple"]).count() == 1
    assert Answer.objects.get(question=q["likert"]).number == 4


def test_an_edit_of_the_questionnaire_reaches_the_next_autosave(client, setup):
    """The cached structure follows the questionnaire's version: a new choice or question is accepted at once."""
    campaign, invitation, q = setup
    token = invitation.token
    autosave(client, token, q["single"], {f"q{q['single'].pk}": q["single"].choices.first().pk})  # cached now
    added = Choice.objects.create(question=q["single"], label="Nouveau service", position=99)
    result = autosave(client, token, q["single"], {f"q{q['single'].pk}": added.pk})
    assert 'data-save-state="ok"' in result.content.decode()
    assert Answer.objects.get(question=q["single"]).choice_id == added.pk
    later = QuestionFactory(section=q["likert"].section, type="likert")
    result = autosave(client, token, later, {f"q{later.pk}": "2"})
    assert 'data-save-state="ok"' in result.content.decode()
    assert Answer.objects.get(question=later).number == 2


def test_an_answer_refused_after_submission_writes_nothing(client, setup):
    campaign, invitation, q = setup
    autosave(client, invitation.token, q["likert"], {f"q{q['likert'].pk}": "4"})
    Response.objects.update(submitted_at=timezone.now())
    late = autosave(client, invitation.token, q["rating"], {f"q{q['rating'].pk}": "7"})
    assert "déjà été envoyées" in late.content.decode()
    assert not Answer.objects.filter(question=q["rating"]).exists()


def test_members_see_the_campaigns_they_may_answer(client, tenant_a, setup):
    campaign, invitation, q = setup
    college_campaign = CampaignFactory(questionnaire=campaign.questionnaire, audience=Audience.COLLEGE)
    client.force_login(tenant_a.staff)
    page = client.get(reverse("diagnostics:questionnaire-list", args=[tenant_a.mission.pk])).content.decode()
    assert "Questionnaires à remplir" in page and campaign.title in page
    assert college_campaign.title not in page
    assert "Charger le modèle" not in page
    client.force_login(tenant_a.college)
    page = client.get(reverse("diagnostics:questionnaire-list", args=[tenant_a.mission.pk])).content.decode()
    assert college_campaign.title in page and "Résultats" in page


@pytest.mark.parametrize("section", ["abc", "99", "-3", ""])
def test_tampered_section_field_is_clamped_not_an_error(client, setup, section):
    campaign, invitation, q = setup
    result = client.post(reverse("respond:fill", args=[invitation.token]), {"section": section, "go": "prev"})
    assert result.status_code in (200, 302)


@pytest.mark.parametrize("started", [False, True], ids=["first-page", "saved-before"])
def test_a_duplicate_rank_is_refused_beside_the_ranks_the_respondent_chose(client, setup, started):
    campaign, invitation, q = setup
    token = invitation.token
    url = reverse("respond:fill", args=[token])
    first, second, third = q["ranking"].choices.all()
    name = f"q{q['ranking'].pk}"
    if started:  # an earlier ranking is saved: the page shows the new choice, not the saved one
        autosave(client, token, q["ranking"], {f"{name}_c{first.pk}": "1", f"{name}_c{second.pk}": "2"})
    page = client.post(
        url,
        {
            "section": str(q["ranking"].section.position),
            "go": "next",
            f"{name}_c{first.pk}": "2",
            f"{name}_c{second.pk}": "2",
            f"{name}_c{third.pk}": "1",
        },
    )
    assert page.status_code == 400
    html = page.content.decode()
    assert "Chaque rang ne peut être donné qu&#x27;une fois." in html
    selected = {choice.pk: _selected_option(html, f"{name}_c{choice.pk}") for choice in (first, second, third)}
    assert selected == {first.pk: "2", second.pk: "2", third.pk: "1"}


def _selected_option(html, select_name):
    """The value of the option marked ``selected`` in the <select name=select_name> of ``html``."""
    block = re.search(rf'name="{select_name}".*?</select>', html, re.S).group(0)
    return re.search(r'<option value="(\d*)"\s+selected', block).group(1)
