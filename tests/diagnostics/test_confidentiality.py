"""Confidences and anonymity: interview sources, results reserved to their readers, small groups, notices."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from diagnostics.models import Answer, Audience, QuestionType, Response
from diagnostics.selectors.results import breakdown_allowed
from diagnostics.selectors.synthesis import synthesis
from territoire.models import Role
from tests.diagnostics.factories import CampaignFactory, InvitationFactory, QuestionFactory, SectionFactory
from tests.diagnostics.factories_fieldwork import IntervieweeFactory, InterviewFactory, WorkshopFactory
from tests.diagnostics.factories_findings import FindingFactory, InterviewSourceFactory
from tests.diagnostics.results_pages import whole_results

pytestmark = pytest.mark.django_db

INTERVIEWEE = "Mireille Vandenbosch"
INTERVIEW_DAY = "17/03/2026"
CONFIDENTIAL = "Entretien (confidentiel)"


# --- Interviews cited by findings ---------------------------------------------------------------


@pytest.fixture
def cited(tenant_a):
    """A finding citing a done interview with a named person, and a planned interview of a Collège member."""
    interview = InterviewFactory(
        mission=tenant_a.mission,
        interviewer=tenant_a.consultant,
        done=True,
        scheduled_at=dt.datetime(2026, 3, 17, 10, 0, tzinfo=dt.UTC),
    )
    IntervieweeFactory(interview=interview, name=INTERVIEWEE, audience="staff")
    finding = FindingFactory(mission=tenant_a.mission, statement="Les agents ressaisissent les demandes", importance=4)
    InterviewSourceFactory(finding=finding, interview=interview)
    planned = InterviewFactory(mission=tenant_a.mission, interviewer=tenant_a.consultant)
    IntervieweeFactory(
        interview=planned,
        name=tenant_a.college.get_full_name(),
        audience="college",
        member=tenant_a.college.memberships.get(),
    )
    return finding


def finding_pages(tenant, finding):
    mission = tenant.mission.pk
    return {
        "detail": reverse("diagnostics:finding-detail", args=[mission, finding.pk]),
        "list": reverse("diagnostics:finding-list", args=[mission]),
        "synthesis": reverse("diagnostics:synthesis", args=[mission]),
        "printable synthesis": reverse("diagnostics:synthesis", args=[mission]) + "?impression=1",
        "hub": reverse("diagnostics:index", args=[mission]),
    }


@pytest.mark.parametrize("role", [Role.STAFF, Role.COLLEGE])
def test_others_than_consultants_never_learn_who_was_interviewed_nor_when(client, tenant_a, cited, role):
    client.force_login(tenant_a.user(role))
    for name, url in finding_pages(tenant_a, cited).items():
        response = client.get(url)
        assert response.status_code == 200, name
        assert INTERVIEWEE not in response.text, name
        assert "Vandenbosch" not in response.text, name
        assert INTERVIEW_DAY not in response.text, name
    assert CONFIDENTIAL in client.get(finding_pages(tenant_a, cited)["detail"]).text
    assert CONFIDENTIAL in client.get(finding_pages(tenant_a, cited)["list"]).text  # the source badge's title
    assert CONFIDENTIAL in client.get(finding_pages(tenant_a, cited)["synthesis"]).text


def test_consultants_read_the_interviewee_and_the_date(client, tenant_a, cited):
    client.force_login(tenant_a.consultant)
    pages = finding_pages(tenant_a, cited)
    for name in ("detail", "list", "synthesis"):
        page = client.get(pages[name]).text
        assert INTERVIEWEE in page, name
        assert CONFIDENTIAL not in page, name
    assert INTERVIEW_DAY in client.get(pages["detail"]).text
    assert INTERVIEW_DAY in client.get(pages["synthesis"]).text


def test_the_synthesis_data_for_the_report_carries_no_confidence(tenant_a, cited):
    for user in (tenant_a.staff, tenant_a.college):
        data = synthesis(tenant_a.mission, user=user)
        assert data["findings"]["top"][0].source_labels == [CONFIDENTIAL]
        # Who is planned to be met is a confidence too.
        assert data["fieldwork"]["progress"].planned_members == []
        assert data["fieldwork"]["progress"].not_met == []
        assert INTERVIEWEE not in repr(data)
    data = synthesis(tenant_a.mission, user=tenant_a.consultant)
    assert data["findings"]["top"][0].source_labels == [f"Entretien — {INTERVIEWEE} ({INTERVIEW_DAY})"]
    assert [m.user for m in data["fieldwork"]["progress"].planned_members] == [tenant_a.college]


# --- Questionnaire results in the synthesis ------------------------------------------------------


@pytest.fixture
def maturity(tenant_a):
    """The Collège's answers to three maturity questions: scores 20, 40 and 80 (five respondents)."""
    section = SectionFactory(questionnaire__mission=tenant_a.mission)
    axes = [("technology", "mobility", 20), ("people", "governance", 40), ("institutions", "energy", 80)]
    questions = [
        (QuestionFactory(section=section, type=QuestionType.LIKERT, counts_for_maturity=True, dimension=d, theme=t), s)
        for d, t, s in axes
    ]
    campaign = CampaignFactory(questionnaire=section.questionnaire, audience=Audience.COLLEGE)
    for _ in range(5):
        response = Response.objects.create(campaign=campaign, submitted_at=timezone.now())
        Answer.objects.bulk_create(
            Answer(response=response, question=q, value=3, number=3, score=Decimal(score)) for q, score in questions
        )
    return campaign


def test_staff_do_not_read_the_college_maturity_in_the_synthesis(client, tenant_a, maturity):
    client.force_login(tenant_a.staff)
    page = client.get(reverse("diagnostics:synthesis", args=[tenant_a.mission.pk])).text
    assert "Les résultats des questionnaires sont réservés au Collège et aux consultants de la mission." in page
    for absent in ("Maturité par dimension", "Maturité moyenne la plus basse", "(20/100)", "Participation par public"):
        assert absent not in page
    data = synthesis(tenant_a.mission, user=tenant_a.staff)["questionnaires"]
    assert data["reserved"] and data["maturity"] == {} and data["participation"] == []


@pytest.mark.parametrize("role", [Role.COLLEGE, Role.CONSULTANT])
def test_readers_of_results_read_the_maturity_in_the_synthesis(client, tenant_a, maturity, role):
    client.force_login(tenant_a.user(role))
    page = client.get(reverse("diagnostics:synthesis", args=[tenant_a.mission.pk])).text
    assert "réservés au Collège" not in page
    assert "Maturité moyenne la plus basse : Technologie (20/100) ; la plus haute : Institutions (80/100)." in page


# --- Small groups of anonymous campaigns ---------------------------------------------------------


@pytest.fixture
def survey(tenant_a):
    section = SectionFactory(questionnaire__mission=tenant_a.mission)
    likert = QuestionFactory(
        section=section, type=QuestionType.LIKERT, counts_for_maturity=True, dimension="technology", theme="mobility"
    )
    opinion = QuestionFactory(section=section, type=QuestionType.LONG_TEXT, text="Votre avis ?")
    return section.questionnaire, likert, opinion


def answer(campaign, survey, count, *, text, service="", score=50):
    _questionnaire, likert, opinion = survey
    responses = Response.objects.bulk_create(
        [Response(campaign=campaign, submitted_at=timezone.now(), service=service) for _ in range(count)]
    )
    for response in responses:
        Answer.objects.create(response=response, question=likert, value=3, number=3, score=score)
        Answer.objects.create(response=response, question=opinion, value=text, text=text)


def results(client, tenant, questionnaire, query=""):
    client.force_login(tenant.consultant)
    url = reverse("diagnostics:questionnaire-results", args=[tenant.mission.pk, questionnaire.pk])
    return whole_results(client, url + query)


SMALL = "non affiché pour préserver l'anonymat"


def test_breakdown_needs_the_minimum_group_size(settings):
    assert settings.ANONYMOUS_MIN_GROUP_SIZE == 5
    assert not breakdown_allowed(4)
    assert breakdown_allowed(5)
    settings.ANONYMOUS_MIN_GROUP_SIZE = 3
    assert breakdown_allowed(3)


def test_the_service_filter_offers_only_services_large_enough(client, tenant_a, survey):
    questionnaire = survey[0]
    campaign = CampaignFactory(questionnaire=questionnaire, audience=Audience.STAFF, anonymous=True)
    answer(campaign, survey, 5, text="Avis des Travaux", service="Travaux")
    answer(campaign, survey, 2, text="Avis des Finances", service="Finances")
    page = results(client, tenant_a, questionnaire)
    assert '<option value="Travaux"' in page
    assert '<option value="Finances"' not in page
    # Totals of the whole campaign count everyone.
    assert "« Avis des Finances »" in page and "« Avis des Travaux »" in page
    page = results(client, tenant_a, questionnaire, "?service=Travaux")
    assert "« Avis des Travaux »" in page and "« Avis des Finances »" not in page


def test_a_crafted_url_shows_nothing_of_a_small_service(client, tenant_a, survey):
    questionnaire = survey[0]
    campaign = CampaignFactory(questionnaire=questionnaire, audience=Audience.STAFF, anonymous=True)
    answer(campaign, survey, 5, text="Avis des Travaux", service="Travaux")
    answer(campaign, survey, 2, text="Avis des Finances", service="Finances", score=100)
    page = results(client, tenant_a, questionnaire, "?service=Finances")
    assert "Moins de 5 réponses : " + SMALL in page
    assert "Avis des Finances" not in page
    assert "Question par question" not in page and "Maturité smart" not in page
    assert page.count("<svg") == 0


def test_named_campaigns_break_down_whatever_the_size(client, tenant_a, survey):
    questionnaire = survey[0]
    campaign = CampaignFactory(questionnaire=questionnaire, audience=Audience.STAFF, anonymous=False)
    answer(campaign, survey, 5, text="Avis des Travaux", service="Travaux")
    answer(campaign, survey, 2, text="Avis des Finances", service="Finances")
    page = results(client, tenant_a, questionnaire, "?service=Finances")
    assert '<option value="Finances"' in page
    assert "« Avis des Finances »" in page and SMALL not in page


def test_a_small_audience_does_not_stand_beside_the_others(client, tenant_a, survey):
    questionnaire = survey[0]
    staff = CampaignFactory(questionnaire=questionnaire, audience=Audience.STAFF, anonymous=True)
    college = CampaignFactory(questionnaire=questionnaire, audience=Audience.COLLEGE, anonymous=True)
    answer(staff, survey, 6, text="Avis du personnel", score=25)
    answer(college, survey, 2, text="Avis du Collège", score=75)
    page = results(client, tenant_a, questionnaire)
    assert "Collège communal : moins de 5 réponses : " + SMALL in page
    assert "Avis du Collège" not in page and "« Avis du personnel »" in page
    assert "Comparaison des publics" not in page
    assert ">75<" not in page  # the Collège's maturity score
    page = results(client, tenant_a, questionnaire, "?audience=college")
    assert "Moins de 5 réponses : " + SMALL in page and "Avis du Collège" not in page
    # Once the Collège has five responses, the comparison comes back.
    answer(college, survey, 3, text="Avis du Collège", score=75)
    page = results(client, tenant_a, questionnaire)
    assert "Comparaison des publics" in page and "« Avis du Collège »" in page and SMALL not in page


def test_a_whole_campaign_under_the_minimum_still_shows_its_totals(client, tenant_a, survey):
    questionnaire = survey[0]
    campaign = CampaignFactory(questionnaire=questionnaire, audience=Audience.COLLEGE, anonymous=True)
    answer(campaign, survey, 3, text="Avis du Collège", service="Cabinet")
    page = results(client, tenant_a, questionnaire)
    assert "« Avis du Collège »" in page and SMALL not in page
    assert '<option value="Cabinet"' not in page  # but no breakdown


def test_the_synthesis_hides_a_small_audience_maturity(client, tenant_a, survey):
    questionnaire = survey[0]
    staff = CampaignFactory(questionnaire=questionnaire, audience=Audience.STAFF, anonymous=True)
    college = CampaignFactory(questionnaire=questionnaire, audience=Audience.COLLEGE, anonymous=True)
    answer(staff, survey, 6, text="-", score=25)
    answer(college, survey, 2, text="-", score=75)
    data = synthesis(tenant_a.mission, user=tenant_a.consultant)["questionnaires"]
    assert data["audiences"] == ["Personnel administratif"]
    assert data["hidden_audiences"] == ["Collège communal"]
    assert data["maturity"]["dimension"]["rows"] == [("Technologie", [25.0])]


# --- Respondents: named campaigns and the privacy notice -----------------------------------------


@pytest.fixture
def named(tenant_a, survey):
    campaign = CampaignFactory(questionnaire=survey[0], audience=Audience.CITIZENS, anonymous=False)
    campaign.public_token = "public-named"
    campaign.save(update_fields=["public_token"])
    return campaign


NOT_ANONYMOUS = "Vos réponses ne sont pas anonymes :"


def test_a_named_campaign_says_so_before_the_first_question(client, named, survey):
    assert NOT_ANONYMOUS in client.get(reverse("respond:public", args=["public-named"])).text
    invitation = InvitationFactory(campaign=named)
    page = client.get(reverse("respond:fill", args=[invitation.token])).text
    assert page.index(NOT_ANONYMOUS) < page.index("Votre avis ?")


def test_an_anonymous_campaign_says_it_is_anonymous(client, tenant_a, survey):
    campaign = CampaignFactory(questionnaire=survey[0], anonymous=True, public_token="public-anonymous")
    page = client.get(reverse("respond:public", args=[campaign.public_token])).text
    assert "Ce questionnaire est anonyme." in page and NOT_ANONYMOUS not in page
    invitation = InvitationFactory(campaign=campaign)
    assert NOT_ANONYMOUS not in client.get(reverse("respond:fill", args=[invitation.token])).text


def public_pages(client, campaign):
    workshop = WorkshopFactory(mission=campaign.mission)
    invitation = InvitationFactory(campaign=campaign)
    return {
        "campaign": client.get(reverse("respond:public", args=[campaign.public_token])).text,
        "fill": client.get(reverse("respond:fill", args=[invitation.token])).text,
        "workshop": client.get(reverse("respond:workshop", args=[workshop.public_token])).text,
    }


def test_public_pages_show_the_default_privacy_notice(client, tenant_a, named):
    for name, page in public_pages(client, named).items():
        assert "Protection de vos données personnelles" in page, name
        assert f"La commune de {tenant_a.commune.name}" in page, name
        assert tenant_a.consultant.email in page, name
        assert "effacer (RGPD)" in page, name


def test_a_mission_own_privacy_notice_replaces_the_default(client, tenant_a, named):
    tenant_a.mission.privacy_notice = "Données gérées par le service Smart de la commune. Contact : dpo@commune.be"
    tenant_a.mission.save(update_fields=["privacy_notice"])
    for name, page in public_pages(client, named).items():
        assert "Données gérées par le service Smart de la commune. Contact : dpo@commune.be" in page, name
        assert "effacer (RGPD)" not in page, name


def mission_data(mission, **changes):
    return {
        "title": mission.title,
        "description": mission.description,
        "start_date": mission.start_date.isoformat(),
        "planned_end_date": mission.planned_end_date.isoformat(),
        "referents": [u.pk for u in mission.referents.all()],
        **changes,
    }


def test_consultants_edit_the_privacy_notice_others_are_refused(client, tenant_a):
    url = reverse("territoire:mission-edit", args=[tenant_a.mission.pk])
    client.force_login(tenant_a.consultant)
    form = client.get(url).text
    assert "Mention de protection des données" in form
    assert f"La commune de {tenant_a.commune.name}" in form  # the default, as a starting point
    assert client.post(url, mission_data(tenant_a.mission, privacy_notice="Notre texte.")).status_code == 302
    tenant_a.mission.refresh_from_db()
    assert tenant_a.mission.privacy_notice == "Notre texte."
    for role in (Role.STAFF, Role.COLLEGE):
        client.force_login(tenant_a.user(role))
        assert client.post(url, mission_data(tenant_a.mission, privacy_notice="Autre.")).status_code == 403
    tenant_a.mission.refresh_from_db()
    assert tenant_a.mission.privacy_notice == "Notre texte."
