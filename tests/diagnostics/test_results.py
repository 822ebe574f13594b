"""Results: charts, audience comparison, maturity, filters and exports, in a fixed number of queries."""

import io
import random
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from diagnostics.models import Answer, AnswerItem, Audience, QuestionType, Response
from diagnostics.services.results import result_tally_rebuild
from territoire import charts
from territoire.models import ExportJob
from tests.charts import charts_without_numbers, figures
from tests.diagnostics.factories import CampaignFactory, InvitationFactory, full_questionnaire
from tests.diagnostics.results_pages import whole_results
from tests.exports import download_export


def fill(campaign, q, count, *, seed=1, service=""):
    """``count`` submitted responses with an answer to every question, written in bulk.

    They answer the campaign's pending invitations first (the response rate counts only those).
    """
    rng = random.Random(seed)
    now = timezone.now()
    invited = list(campaign.invitations.filter(response__isnull=True).order_by("pk")[:count])
    invited += [None] * (count - len(invited))
    responses = Response.objects.bulk_create(
        [Response(campaign=campaign, invitation=i, submitted_at=now, service=service) for i in invited]
    )
    answers, items = [], []
    single, multiple, ranking = (list(q[k].choices.all()) for k in ("single", "multiple", "ranking"))
    for response in responses:
        likert, rating = rng.randint(1, 5), rng.randint(0, 10)
        yes = rng.random() < 0.5
        pick = rng.choice(single)
        answers += [
            Answer(response=response, question=q["short_text"], value="Agent", text="Agent"),
            Answer(response=response, question=q["long_text"], value="Une idée", text="Une idée"),
            Answer(response=response, question=q["single"], value={"choice": pick.pk}, choice=pick),
            Answer(response=response, question=q["likert"], value=likert, number=likert, score=(likert - 1) * 25),
            Answer(response=response, question=q["rating"], value=rating, number=rating, score=rating * 10),
            Answer(response=response, question=q["number"], value="12", number=Decimal(rng.randint(0, 40))),
            Answer(response=response, question=q["yes_no"], value=yes, number=int(yes), score=100 * yes),
            Answer(response=response, question=q["multiple"], value={"choices": [multiple[0].pk]}),
            Answer(response=response, question=q["ranking"], value=[c.pk for c in ranking]),
            Answer(response=response, question=q["matrix"], value={"0": 4, "1": 2}, score=50),
        ]
    answers = Answer.objects.bulk_create(answers)
    for answer in answers:
        if answer.question_id == q["multiple"].pk:
            items.append(AnswerItem(answer=answer, question_id=answer.question_id, choice=multiple[0]))
        elif answer.question_id == q["ranking"].pk:
            items += [
                AnswerItem(answer=answer, question_id=answer.question_id, choice=c, rank=n)
                for n, c in enumerate(ranking, 1)
            ]
        elif answer.question_id == q["matrix"].pk:
            items += [
                AnswerItem(answer=answer, question_id=answer.question_id, row=0, rank=4),
                AnswerItem(answer=answer, question_id=answer.question_id, row=1, rank=2),
            ]
    AnswerItem.objects.bulk_create(items)
    result_tally_rebuild(campaign_ids=[campaign.pk])  # written in bulk: counted once, as the demo data is


@pytest.fixture
def world(tenant_a):
    questionnaire, q = full_questionnaire(tenant_a.mission)
    staff = CampaignFactory(questionnaire=questionnaire, audience=Audience.STAFF, title="Agents")
    college = CampaignFactory(questionnaire=questionnaire, audience=Audience.COLLEGE, title="Collège")
    InvitationFactory.create_batch(4, campaign=staff)
    return questionnaire, q, staff, college


def results_url(tenant, questionnaire):
    return reverse("diagnostics:questionnaire-results", args=[tenant.mission.pk, questionnaire.pk])


def test_results_show_rates_charts_comparison_and_maturity_radar(client, tenant_a, world, settings):
    settings.ANONYMOUS_MIN_GROUP_SIZE = 2  # small groups are test_confidentiality's business
    questionnaire, q, staff, college = world
    fill(staff, q, 3, service="Travaux")
    fill(college, q, 2, seed=2)
    client.force_login(tenant_a.consultant)
    page = whole_results(client, results_url(tenant_a, questionnaire))
    assert "75 %" in page  # 3 of 4 invited staff submitted
    assert page.count("<svg") >= 8  # one chart per chartable question + two radars
    assert "Comparaison des publics" in page
    assert "Maturité smart" in page and "Institutions" in page
    assert "« Une idée »" in page
    charts = re.findall(r"<svg.*?</svg>", page, re.S)
    assert charts and not any("<script" in svg or "http://kozea" in svg.split(">", 1)[0] for svg in charts)
    # Every chart has its numbers: a table one click away, or the table beside it (the maturity radars).
    assert len(figures(page)) == page.count("<svg") and charts_without_numbers(page) == []


def _card(page, question) -> str:
    return re.search(rf'id="qr-{question.pk}".*?</article>', page, re.S).group(0)


def test_agreement_is_one_bar_per_audience_from_disagreement_to_agreement(client, tenant_a, world, settings):
    settings.ANONYMOUS_MIN_GROUP_SIZE = 2
    questionnaire, q, staff, college = world
    fill(staff, q, 3)
    fill(college, q, 2, seed=2)
    client.force_login(tenant_a.consultant)
    page = whole_results(client, results_url(tenant_a, questionnaire))
    likert = _card(page, q["likert"])
    # Colour means agreement: the strong disagreement is the danger red, the strong agreement the success green.
    assert "horizontalstackedbar-graph" in likert and f"fill:{charts.TONES['danger']}" in likert
    assert "Pas du tout d&#x27;accord" in likert and "Tout à fait d&#x27;accord" in likert
    # « Ensemble » first, then each audience; the table gives counts and percentages, the totals last.
    assert re.search(r'aria-label="Ensemble : Pas du tout d&#x27;accord \d+\xa0%.*?Collège communal : ', likert)
    headers = re.findall(r'<th scope="col" class="text-end">([^<]+)</th>', likert)
    assert headers == ["Ensemble", "Collège communal", "Personnel administratif"]
    assert re.search(r"<td[^>]*>\d+ \(\d+\xa0%\)</td>", likert)
    assert re.search(r"Réponses</th>\s*<td[^>]*>5</td>\s*<td[^>]*>2</td>\s*<td[^>]*>3</td>", likert)
    assert "Part des répondants de chaque public, du désaccord" in likert
    # A rating from 0 to 10 is drawn the same way, its ends named under the chart.
    rating = _card(page, q["rating"])
    assert "horizontalstackedbar-graph" in rating and "Note de 0 (pas du tout) à 10 (tout à fait) : part" in rating
    # Filtered to one audience: one bar, no « Ensemble ».
    page = whole_results(client, results_url(tenant_a, questionnaire) + "?audience=staff")
    likert = _card(page, q["likert"])
    assert 'aria-label="Personnel administratif : ' in likert and "Ensemble" not in likert


def test_filters_by_audience_and_service(client, tenant_a, world, settings):
    settings.ANONYMOUS_MIN_GROUP_SIZE = 2
    questionnaire, q, staff, college = world
    fill(staff, q, 3, service="Travaux")
    fill(staff, q, 2, service="Finances", seed=3)
    fill(college, q, 2, seed=2)
    client.force_login(tenant_a.consultant)
    page = whole_results(client, results_url(tenant_a, questionnaire) + "?audience=staff&service=Finances")
    assert "2 réponses</p>" in page.replace("\n", "").replace("  ", "") or "2 réponses" in page
    assert "Comparaison des publics" not in page


def fill_both(client, tenant, world, count):
    """``count`` submitted responses in each audience, read by the consultant."""
    _questionnaire, q, staff, college = world
    fill(staff, q, count)
    fill(college, q, count, seed=5)
    client.force_login(tenant.consultant)


@pytest.mark.parametrize("count", [2, 40])
def test_results_page_is_a_fixed_number_of_queries(client, tenant_a, world, count, django_assert_max_num_queries):
    questionnaire, q, staff, college = world
    fill_both(client, tenant_a, world, count)
    client.get(results_url(tenant_a, questionnaire))
    cache.clear()  # charts drawn; the answers are never read (their tallies are)
    with django_assert_max_num_queries(12):
        assert client.get(results_url(tenant_a, questionnaire)).status_code == 200


@pytest.mark.parametrize("count", [2, 40])
def test_a_section_opened_is_a_fixed_number_of_queries(client, tenant_a, world, count, django_assert_max_num_queries):
    questionnaire, q, staff, college = world
    fill_both(client, tenant_a, world, count)
    last = questionnaire.sections.order_by("-position").first()
    url = results_url(tenant_a, questionnaire) + f"?section={last.pk}"
    cache.clear()  # the section's charts drawn
    with django_assert_max_num_queries(12):
        part = client.get(url, headers={"HX-Request": "true"})
    assert part.status_code == 200
    html = part.content.decode()
    assert "<html" not in html and "question-result" in html
    assert all(question.text in html for question in last.questions.all())


def test_the_page_draws_one_section_and_loads_the_others_as_they_open(client, tenant_a, world, settings):
    settings.ANONYMOUS_MIN_GROUP_SIZE = 2
    questionnaire, q, staff, college = world
    fill(staff, q, 3)
    first, *others = questionnaire.sections.order_by("position")
    client.force_login(tenant_a.consultant)
    page = client.get(results_url(tenant_a, questionnaire)).content.decode()
    assert all(f'id="qr-{question.pk}"' in page for question in first.questions.all())
    for section in others:
        assert f'hx-get="?section={section.pk}"' in page and 'hx-trigger="intersect once"' in page
        assert not any(f'id="qr-{question.pk}"' in page for question in section.questions.all())
    # Without JavaScript the link shows that section drawn, the filters kept.
    page = client.get(results_url(tenant_a, questionnaire) + f"?audience=staff&section={others[0].pk}").text
    assert all(f'id="qr-{question.pk}"' in page for question in others[0].questions.all())
    assert f'hx-get="?audience=staff&amp;section={first.pk}"' in page


def test_a_submission_is_counted_and_its_charts_drawn_before_anyone_reads_them(
    client, tenant_a, world, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    questionnaire, q, staff, college = world
    fill(staff, q, 2)
    invitation = staff.invitations.filter(response__isnull=True).first()
    token = invitation.token
    client.post(reverse("respond:answer", args=[token, q["likert"].pk]), {f"q{q['likert'].pk}": "4"})
    cache.clear()
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(reverse("respond:fill", args=[token]), {"section": "2", "go": "submit"})
    assert sent.status_code == 302
    client.force_login(tenant_a.consultant)
    # The submission is in its tally, and the task has drawn the charts: the page reads both.
    with django_assert_max_num_queries(12):
        page = client.get(results_url(tenant_a, questionnaire)).content.decode()
    assert "3 réponses envoyées" in page


def test_with_the_broker_down_a_submission_is_stored_and_the_results_computed_when_read(
    client, tenant_a, world, django_capture_on_commit_callbacks, monkeypatch
):
    """Redis down (kombu's OperationalError when the refresh is sent; tests/operations/test_faults.py kills a real
    Redis): the respondent's submission goes through, and the results page computes what the task would have."""
    from kombu.exceptions import OperationalError

    from diagnostics.tasks import results_refresh_task

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(results_refresh_task, "apply_async", broker_down)
    questionnaire, q, staff, college = world
    fill(staff, q, 2)
    token = staff.invitations.filter(response__isnull=True).first().token
    client.post(reverse("respond:answer", args=[token, q["likert"].pk]), {f"q{q['likert'].pk}": "4"})
    cache.clear()
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(reverse("respond:fill", args=[token]), {"section": "2", "go": "submit"})
    assert sent.status_code == 302
    client.force_login(tenant_a.consultant)
    assert "3 réponses envoyées" in client.get(results_url(tenant_a, questionnaire)).content.decode()


def test_cached_aggregates_follow_new_submissions(client, tenant_a, world):
    questionnaire, q, staff, college = world
    fill(staff, q, 2)
    client.force_login(tenant_a.consultant)
    assert "2 réponses envoyées" in client.get(results_url(tenant_a, questionnaire)).content.decode()
    fill(staff, q, 1, seed=9)
    assert "3 réponses envoyées" in client.get(results_url(tenant_a, questionnaire)).content.decode()
    page = whole_results(client, results_url(tenant_a, questionnaire))
    assert "3 réponses</p>" in page.replace("\n", "").replace("  ", "") or page.count("3 réponses") > 1


def test_staff_cannot_read_results_and_other_commune_gets_404(client, tenant_a, tenant_b, world):
    questionnaire, *_ = world
    client.force_login(tenant_a.staff)
    assert client.get(results_url(tenant_a, questionnaire)).status_code == 403
    client.force_login(tenant_a.college)
    assert client.get(results_url(tenant_a, questionnaire)).status_code == 200
    client.force_login(tenant_b.consultant)
    assert client.get(results_url(tenant_a, questionnaire)).status_code == 404
    export = reverse("diagnostics:questionnaire-export-xlsx", args=[tenant_a.mission.pk, questionnaire.pk])
    assert client.post(export).status_code == 404


def test_export_xlsx_and_csv_one_row_per_response_one_column_per_question(client, tenant_a, world):
    questionnaire, q, staff, college = world
    college.anonymous = (
        False  # a named campaign: two answers may be filtered apart (anonymous: tests/diagnostics/test_exports.py)
    )
    college.save(update_fields=["anonymous"])
    fill(staff, q, 3)
    fill(college, q, 2, seed=2)
    Response.objects.create(campaign=staff)  # not submitted: not exported
    client.force_login(tenant_a.consultant)
    args = [tenant_a.mission.pk, questionnaire.pk]
    xlsx = download_export(client, reverse("diagnostics:questionnaire-export-xlsx", args=args))
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert len(rows) == 1 + 5
    assert len(rows[0]) == 6 + 10
    assert q["likert"].text in rows[0]
    matrix_column = rows[0].index(q["matrix"].text)
    assert rows[1][matrix_column] == "Voisins : 4 ; Entreprises : 2"
    csv = download_export(client, reverse("diagnostics:questionnaire-export-csv", args=args) + "?audience=college")
    lines = csv.content.decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 1 + 2 and "Collège communal" in lines[1]


def test_anonymous_campaign_export_hides_who_answered(client, tenant_a, world):
    questionnaire, q, staff, college = world
    invitation = InvitationFactory(campaign=staff, email="marie@example.org")
    Response.objects.create(campaign=staff, invitation=invitation, submitted_at=timezone.now())
    client.force_login(tenant_a.consultant)
    args = [tenant_a.mission.pk, questionnaire.pk]
    assert "marie@example.org" not in download_export(
        client, reverse("diagnostics:questionnaire-export-csv", args=args)
    ).content.decode("utf-8-sig")
    staff.anonymous = False
    staff.save()
    ExportJob.objects.update(created_at=timezone.now() - timedelta(minutes=1))  # asked again a minute later
    assert "marie@example.org" in download_export(
        client, reverse("diagnostics:questionnaire-export-csv", args=args)
    ).content.decode("utf-8-sig")


def test_question_types_are_all_known_to_results():
    assert {t.value for t in QuestionType} == {
        "short_text",
        "long_text",
        "single",
        "multiple",
        "likert",
        "rating",
        "number",
        "yes_no",
        "ranking",
        "matrix",
    }
