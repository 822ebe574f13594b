"""The results' tallies: kept by each submission, equal to a recount from the answers, read by the page."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from diagnostics.models import Answer, Audience, Response, ResultTally
from diagnostics.services.results import result_tally_add, result_tally_rebuild
from tests.diagnostics.factories import CampaignFactory, InvitationFactory, full_questionnaire


@pytest.fixture
def survey(tenant_a):
    questionnaire, q = full_questionnaire(tenant_a.mission)
    campaign = CampaignFactory(questionnaire=questionnaire, audience=Audience.STAFF)
    return questionnaire, q, campaign


def respond(client, campaign, q, *, service="", likert="4", text="", other="", matrix="5", submit=True):
    """One respondent through their invitation link: an answer of every kind but the long text, then (by
    default) submitted."""
    invitation = InvitationFactory(campaign=campaign, service=service)
    token = invitation.token
    multiple = list(q["multiple"].choices.all())
    ranking = list(q["ranking"].choices.all())
    single_other = q["single"].choices.get(is_other=True)
    posts = [
        ("likert", {f"q{q['likert'].pk}": likert}),
        ("single", {f"q{q['single'].pk}": single_other.pk, f"q{q['single'].pk}_other": other}),
        ("multiple", {f"q{q['multiple'].pk}": [multiple[0].pk, multiple[1].pk]}),
        ("rating", {f"q{q['rating'].pk}": "7"}),
        ("number", {f"q{q['number'].pk}": "12,5"}),
        ("yes_no", {f"q{q['yes_no'].pk}": "yes"}),
        ("ranking", {f"q{q['ranking'].pk}_c{c.pk}": str(n) for n, c in enumerate(ranking, 1)}),
        ("matrix", {f"q{q['matrix'].pk}_r0": matrix, f"q{q['matrix'].pk}_r1": "3"}),
        ("short_text", {f"q{q['short_text'].pk}": text}),  # in the first section: the submit resends the second
    ]
    for kind, data in posts:
        assert client.post(reverse("respond:answer", args=[token, q[kind].pk]), data).status_code == 200
    if submit:
        sent = client.post(reverse("respond:fill", args=[token]), {"section": "2", "go": "submit"})
        assert sent.status_code == 302
    return token


def snapshot(campaign) -> dict:
    """The campaign's tallies, in an order and a form that do not depend on how they were written."""

    def number(value):
        return None if value is None else Decimal(value)

    return {
        tally.service: (
            tally.responses,
            sorted((q, number(n), c, count, number(s), scores) for q, n, c, count, s, scores in tally.answers),
            sorted(tally.items, key=repr),
            tally.texts,
        )
        for tally in ResultTally.objects.filter(campaign=campaign)
    }


def test_each_submission_adds_to_the_tally_what_a_recount_finds(client, survey):
    # On-commit callbacks do not run in these tests: the results_refresh task (which rebuilds) never runs,
    # so the tallies checked here are those the submissions added one by one.
    questionnaire, q, campaign = survey
    respond(client, campaign, q, service="Travaux", likert="4", text="Un guichet en ligne", other="Culture")
    respond(client, campaign, q, service="Travaux", likert="2", matrix="1", text="Former les agents")
    respond(client, campaign, q, service="Finances", likert="5")
    respond(client, campaign, q, service="Finances", likert="1", text="Jamais envoyé", submit=False)
    added = snapshot(campaign)
    assert added["Travaux"][0] == 2 and added["Finances"][0] == 1
    likert = {(n, count) for question, n, _c, count, _s, _scores in added["Travaux"][1] if question == q["likert"].pk}
    assert likert == {(Decimal(4), 1), (Decimal(2), 1)}
    texts = [text for question, _at, _pk, text in added["Travaux"][3]]
    assert sorted(texts) == ["Culture", "Former les agents", "Un guichet en ligne"]
    assert "Jamais envoyé" not in repr(added)  # the response left unsubmitted counts nowhere

    assert result_tally_rebuild(campaign_ids=[campaign.pk]) == 2
    assert snapshot(campaign) == added


def test_a_second_submit_of_one_response_counts_it_once(client, survey):
    questionnaire, q, campaign = survey
    token = respond(client, campaign, q)
    client.post(reverse("respond:fill", args=[token]), {"section": "2", "go": "submit"})
    assert ResultTally.objects.get(campaign=campaign).responses == 1


def test_the_results_page_reads_the_tallies_and_no_answer(client, tenant_a, survey):
    questionnaire, q, campaign = survey
    respond(client, campaign, q, likert="4", text="Un guichet en ligne")
    respond(client, campaign, q, likert="2")
    client.force_login(tenant_a.consultant)
    url = reverse("diagnostics:questionnaire-results", args=[tenant_a.mission.pk, questionnaire.pk])
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url).content.decode()
    assert "2 réponses envoyées" in page and "Un guichet en ligne" in page
    assert not [sql for sql in (query["sql"] for query in queries) if Answer._meta.db_table in sql]


def test_responses_written_in_bulk_are_counted_by_the_first_reader_then_read_from_the_tally(client, tenant_a, survey):
    questionnaire, q, campaign = survey
    respond(client, campaign, q, likert="4")
    # Written around the submit service (imports, fixtures, rows from before the tallies existed).
    bulk = Response.objects.create(campaign=campaign, submitted_at=timezone.now())
    Answer.objects.create(response=bulk, question=q["likert"], value=2, number=2, score=25)
    client.force_login(tenant_a.consultant)
    url = reverse("diagnostics:questionnaire-results", args=[tenant_a.mission.pk, questionnaire.pk])
    assert "2 réponses envoyées" in client.get(url).content.decode()
    assert ResultTally.objects.get(campaign=campaign).responses == 2
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    assert not [query for query in queries if Answer._meta.db_table in query["sql"]]


def test_rescoring_a_question_recounts_its_tallies(client, tenant_a, survey):
    questionnaire, q, campaign = survey
    respond(client, campaign, q, likert="4")

    def likert_scores():
        tally = ResultTally.objects.get(campaign=campaign)
        return [scores for question, *_rest, scores in tally.answers if question == q["likert"].pk]

    assert likert_scores() == [1]
    client.force_login(tenant_a.consultant)
    edit = reverse("diagnostics:question-edit", args=[tenant_a.mission.pk, questionnaire.pk, q["likert"].pk])
    assert client.post(edit, {"text": q["likert"].text, "type": q["likert"].type}).status_code == 302
    assert likert_scores() == [0]  # no longer counts for maturity: no score left in the tally


def test_deleting_a_campaign_deletes_its_tallies(client, survey):
    questionnaire, q, campaign = survey
    respond(client, campaign, q)
    campaign.delete()
    assert not ResultTally.objects.exists()


def test_the_rebuild_command_counts_every_campaign_again(client, survey, capsys):
    questionnaire, q, campaign = survey
    respond(client, campaign, q, service="Travaux")
    added = snapshot(campaign)
    ResultTally.objects.all().delete()
    call_command("results_rebuild", questionnaire=questionnaire.pk)
    assert snapshot(campaign) == added
    assert "1 campaigns, 1 tallies." in capsys.readouterr().out


@pytest.mark.parametrize("before", [0, 4])
def test_adding_a_submission_is_a_fixed_number_of_statements(client, survey, before):
    questionnaire, q, campaign = survey
    for n in range(before):
        respond(client, campaign, q, likert=str(1 + n % 5), text=f"Idée {n}")
    respond(client, campaign, q, submit=False)
    response = Response.objects.get(submitted_at__isnull=True)
    Response.objects.filter(pk=response.pk).update(submitted_at=timezone.now())
    with CaptureQueriesContext(connection) as queries:
        result_tally_add(response=response)
    # Campaign lock, the response's answers, items and texts, the tally read, the tally written.
    assert len(queries) == 6
    assert ResultTally.objects.get(campaign=campaign).responses == before + 1
