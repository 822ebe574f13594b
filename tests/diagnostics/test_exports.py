"""The responses and inventory exports: hostile answers stay text, anonymous campaigns keep their confidences."""

import io
import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from diagnostics.anonymity import is_small_group
from diagnostics.models import Answer, Audience, QuestionType, Response
from territoire.models import ExportJob
from tests.diagnostics.factories import CampaignFactory, InvitationFactory, QuestionFactory, SectionFactory
from tests.diagnostics.factories_fieldwork import SystemFactory
from tests.exports import download_export
from tests.territoire.test_exports import HOSTILE, assert_neutralised_in_csv, assert_text_in_xlsx, csv_rows, xlsx_cells

SUBMITTED = datetime(2026, 11, 20, 14, 37, tzinfo=ZoneInfo("Europe/Brussels"))


@pytest.fixture
def survey(tenant_a):
    section = SectionFactory(questionnaire__mission=tenant_a.mission)
    text = QuestionFactory(section=section, type=QuestionType.SHORT_TEXT, text="Une idée ?")
    number = QuestionFactory(section=section, type=QuestionType.NUMBER, text="Combien ?")
    return section.questionnaire, text, number


def answer(campaign, text_question, value, *, service="", number=None, invitation=None):
    response = Response.objects.create(
        campaign=campaign, service=service, submitted_at=SUBMITTED, invitation=invitation
    )
    Answer.objects.create(response=response, question=text_question, value=value, text=value)
    if number is not None:
        Answer.objects.create(response=response, question=number[0], value=number[1])
    return response


def export_url(tenant, questionnaire, fmt, query=""):
    return reverse(f"diagnostics:questionnaire-export-{fmt}", args=[tenant.mission.pk, questionnaire.pk]) + query


def test_hostile_answers_never_become_formulas_in_either_format(client, tenant_a, survey):
    questionnaire, text, number = survey
    campaign = CampaignFactory(questionnaire=questionnaire, anonymous=False)
    for value in HOSTILE:
        answer(campaign, text, value, number=(number, "-5"))
    client.force_login(tenant_a.consultant)
    rows = csv_rows(download_export(client, export_url(tenant_a, questionnaire, "csv")).content)
    assert_neutralised_in_csv(rows)
    assert [row[-1] for row in rows[1:]] == ["-5"] * len(HOSTILE), "a negative number answer stays a number"

    cells = xlsx_cells(download_export(client, export_url(tenant_a, questionnaire, "xlsx")).content)
    assert_text_in_xlsx(cells)
    numbers = [c for c in cells if c.value == -5]
    assert len(numbers) == len(HOSTILE) and all(c.data_type == "n" for c in numbers)


def test_staff_may_not_ask_for_the_responses_export(client, tenant_a, tenant_b, survey):
    questionnaire, *_ = survey
    client.force_login(tenant_a.staff)
    assert client.post(export_url(tenant_a, questionnaire, "xlsx")).status_code == 403
    client.force_login(tenant_b.consultant)
    assert client.post(export_url(tenant_a, questionnaire, "xlsx")).status_code == 404
    assert not ExportJob.objects.exists()
    client.force_login(tenant_a.college)
    assert download_export(client, export_url(tenant_a, questionnaire, "csv")).status_code == 200


def test_the_page_filters_travel_with_the_export(client, tenant_a, survey):
    questionnaire, text, _number = survey
    campaign = CampaignFactory(questionnaire=questionnaire, anonymous=False, audience=Audience.STAFF)
    answer(campaign, text, "Travaux", service="Travaux")
    answer(campaign, text, "Finances", service="Finances")
    client.force_login(tenant_a.consultant)
    page = client.get(
        reverse("diagnostics:questionnaire-results", args=[tenant_a.mission.pk, questionnaire.pk]) + "?service=Travaux"
    ).content.decode()
    assert "export.csv?service=Travaux" in page
    rows = csv_rows(download_export(client, export_url(tenant_a, questionnaire, "csv", "?service=Travaux")).content)
    assert [row[-2] for row in rows[1:]] == ["Travaux"]
    job = ExportJob.objects.get()
    assert job.params == {"questionnaire": questionnaire.pk, "audience": "", "service": "Travaux"}
    job_page = client.get(reverse("territoire:export-job", args=[job.pk])).content.decode()
    assert "resultats/?service=Travaux" in job_page, "the way back keeps the filters"


# --- Anonymous campaigns ------------------------------------------------------------------------


def test_anonymous_rows_carry_no_id_no_respondent_and_the_day_only(client, tenant_a, survey):
    questionnaire, text, _number = survey
    anonymous = CampaignFactory(questionnaire=questionnaire, anonymous=True, title="Agents")
    named = CampaignFactory(questionnaire=questionnaire, anonymous=False, title="Collège", audience=Audience.COLLEGE)
    Response.objects.bulk_create([Response(campaign=anonymous) for _ in range(7)])  # ids no longer start at 1
    invited = InvitationFactory(campaign=anonymous, email="agent@example.org")
    secret = answer(anonymous, text, "Mon chef ne lit rien", invitation=invited)
    public = answer(named, text, "Bonne idée", invitation=InvitationFactory(campaign=named, email="elu@example.org"))
    client.force_login(tenant_a.consultant)
    rows = csv_rows(download_export(client, export_url(tenant_a, questionnaire, "csv")).content)
    assert rows[0][:6] == ["N°", "Campagne", "Public", "Service", "Répondant", "Envoyée le"]
    by_campaign = {row[1]: row for row in rows[1:]}
    assert [row[0] for row in rows[1:]] == ["1", "2"], "row numbers, not response ids"
    assert str(secret.pk) not in by_campaign["Agents"][:1] and str(public.pk) not in by_campaign["Collège"][:1]
    assert by_campaign["Agents"][4] == "" and by_campaign["Agents"][5] == "20/11/2026"
    assert by_campaign["Collège"][4] == "elu@example.org" and by_campaign["Collège"][5] == "20/11/2026 14:37"

    sheet = load_workbook(io.BytesIO(download_export(client, export_url(tenant_a, questionnaire, "xlsx")).content))
    values = list(sheet.active.iter_rows(values_only=True))
    anonymous_row = next(row for row in values if row[1] == "Agents")
    assert (anonymous_row[5].date(), anonymous_row[5].time()) == (date(2026, 11, 20), time(0)), "the day, no hour"
    assert "agent@example.org" not in str(values)


def test_a_small_service_or_audience_of_an_anonymous_campaign_is_not_shown_apart(client, tenant_a, survey, settings):
    settings.ANONYMOUS_MIN_GROUP_SIZE = 3
    questionnaire, text, _number = survey
    staff = CampaignFactory(questionnaire=questionnaire, anonymous=True, audience=Audience.STAFF, title="Agents")
    citizens = CampaignFactory(
        questionnaire=questionnaire, anonymous=True, audience=Audience.CITIZENS, title="Citoyens"
    )
    for _ in range(3):
        answer(staff, text, "grand service", service="Travaux")
    for _ in range(2):
        answer(staff, text, "petit service", service="Urbanisme")
    for _ in range(2):
        answer(citizens, text, "deux citoyens")
    client.force_login(tenant_a.consultant)
    rows = csv_rows(download_export(client, export_url(tenant_a, questionnaire, "csv")).content)
    cells = {row[-2]: (row[2], row[3]) for row in rows[1:]}
    assert cells["grand service"] == ("Personnel administratif", "Travaux")
    assert cells["petit service"] == ("Personnel administratif", ""), "two agents of one service: no service"
    assert cells["deux citoyens"] == ("", ""), "two citizens: no audience"
    assert len(rows) == 1 + 7, "every answer is still there"

    # Filtering on the small service would single its two agents out: they are left out.
    rows = csv_rows(download_export(client, export_url(tenant_a, questionnaire, "csv", "?service=Urbanisme")).content)
    assert len(rows) == 1
    rows = csv_rows(download_export(client, export_url(tenant_a, questionnaire, "csv", "?service=Travaux")).content)
    assert len(rows) == 1 + 3
    rows = csv_rows(download_export(client, export_url(tenant_a, questionnaire, "csv", "?audience=citizens")).content)
    assert len(rows) == 1


def test_named_campaigns_keep_their_breakdown(client, tenant_a, survey):
    questionnaire, text, _number = survey
    named = CampaignFactory(questionnaire=questionnaire, anonymous=False, audience=Audience.STAFF)
    answer(named, text, "seul", service="Urbanisme")
    client.force_login(tenant_a.consultant)
    rows = csv_rows(download_export(client, export_url(tenant_a, questionnaire, "csv", "?service=Urbanisme")).content)
    assert rows[1][2:4] == ["Personnel administratif", "Urbanisme"]
    assert re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d", rows[1][5])


def test_the_minimum_group_size_comes_from_the_settings(settings):
    assert is_small_group(4) and not is_small_group(5)
    settings.ANONYMOUS_MIN_GROUP_SIZE = 2
    assert not is_small_group(2) and is_small_group(1)


# --- Inventory ----------------------------------------------------------------------------------


def test_inventory_exports_neutralise_hostile_cells(client, tenant_a):
    for value in HOSTILE:
        SystemFactory(commune=tenant_a.commune, name=value, vendor=value, notes=value)
    client.force_login(tenant_a.college)
    url = reverse("diagnostics:inventory-export", args=[tenant_a.mission.pk])
    response = client.get(url + "?format=csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert_neutralised_in_csv(csv_rows(response.content))
    response = client.get(url + "?format=xlsx")
    assert response["Content-Disposition"].startswith('attachment; filename="inventaire-')
    assert_text_in_xlsx(xlsx_cells(response.content))
