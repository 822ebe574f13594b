"""The mission cockpit (figures and next step of each part, plan, deadlines) and the dashboard's to-dos."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from diagnostics.models import Audience, Response
from territoire.cockpit import plan_position
from territoire.models import Mission, Role
from tests.diagnostics.factories import CampaignFactory, InvitationFactory, QuestionnaireFactory
from tests.diagnostics.factories_fieldwork import InterviewFactory, SystemFactory
from tests.diagnostics.factories_findings import FindingFactory
from tests.factories import MembershipFactory, MissionFactory

pytestmark = pytest.mark.django_db


def _fill_mission(tenant):
    mission = tenant.mission
    campaign = CampaignFactory(questionnaire=QuestionnaireFactory(mission=mission), audience=Audience.STAFF)
    invitations = [InvitationFactory(campaign=campaign) for _ in range(4)]
    for invitation in invitations[:3]:
        Response.objects.create(campaign=campaign, invitation=invitation, submitted_at=timezone.now())
    for _ in range(2):
        InterviewFactory(mission=mission, done=True)
    InterviewFactory(mission=mission, scheduled_at=timezone.now() - dt.timedelta(days=2))  # past, still planned
    InterviewFactory(mission=mission)  # in three days
    FindingFactory(mission=mission, critical=True)
    FindingFactory(mission=mission, importance=3)
    FindingFactory(mission=mission)
    SystemFactory(commune=tenant.commune, yearly_cost=1000, services="Population")
    SystemFactory(commune=tenant.commune)  # no cost, no services: to complete
    return campaign


def test_mission_page_shows_each_part_with_its_figure_and_next_step(client, tenant_a):
    _fill_mission(tenant_a)
    client.force_login(tenant_a.consultant)
    page = client.get(reverse("territoire:mission-detail", args=[tenant_a.mission.pk])).text
    assert "Où en est le diagnostic" in page
    assert "3/4 réponses du personnel" in page
    assert "2/10 entretiens réalisés" in page
    assert "3 constats dont 2 importants" in page
    assert "2 outils recensés" in page
    assert "1 outil à compléter" in page
    assert "Pas encore importé" in page  # PST
    assert "Prochaines échéances" in page
    assert "Clôture de la campagne" in page
    assert "Prochain entretien" in page


def test_interviews_past_their_date_still_planned_are_flagged_to_the_consultant_only(client, tenant_a):
    _fill_mission(tenant_a)
    url = reverse("territoire:mission-detail", args=[tenant_a.mission.pk])
    client.force_login(tenant_a.consultant)
    assert "1 entretien passé est encore « Planifié »" in client.get(url).text
    client.force_login(tenant_a.staff)
    page = client.get(url).text
    assert "encore « Planifié »" not in page
    assert "Prochain entretien" not in page  # only consultants learn when interviews take place
    assert "2/10 entretiens réalisés" in page


def test_the_week_is_read_against_the_plan():
    mission = Mission(start_date=dt.date(2026, 1, 5), planned_end_date=dt.date(2026, 3, 2), phase="diagnostic")
    early = plan_position(mission, today=dt.date(2026, 1, 20))
    assert (early["week"], early["total"], early["diagnostic_weeks"], early["behind"]) == (3, 8, 4, False)
    late = plan_position(mission, today=dt.date(2026, 2, 10))
    assert late["week"] == 6
    assert late["behind"]
    assert str(late["expected"]) == "Feuille de route"


def test_mission_page_queries_stay_constant(client, tenant_a, django_assert_max_num_queries):
    _fill_mission(tenant_a)
    client.force_login(tenant_a.consultant)
    url = reverse("territoire:mission-detail", args=[tenant_a.mission.pk])
    client.get(url)
    with django_assert_max_num_queries(16) as small:
        client.get(url)
    for _ in range(5):
        _fill_mission(tenant_a)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url)


def test_dashboard_tells_staff_their_questionnaire_and_inventory(client, tenant_a):
    campaign = _fill_mission(tenant_a)
    client.force_login(tenant_a.staff)
    page = client.get(reverse("territoire:dashboard")).text
    assert "Ce que l'on attend de vous" in page
    assert f"Questionnaire « {campaign.title} » à remplir avant le" in page
    assert reverse("diagnostics:campaign-answer", args=[tenant_a.mission.pk, campaign.pk]) in page
    assert "Inventaire : 1 outil à compléter" in page
    assert reverse("diagnostics:inventory", args=[tenant_a.mission.pk]) in page


def test_dashboard_tells_the_college_its_questionnaire_but_not_the_staff_one(client, tenant_a):
    staff_campaign = _fill_mission(tenant_a)
    college = CampaignFactory(questionnaire=QuestionnaireFactory(mission=tenant_a.mission), audience=Audience.COLLEGE)
    client.force_login(tenant_a.college)
    page = client.get(reverse("territoire:dashboard")).text
    assert f"« {college.title} »" in page
    assert f"« {staff_campaign.title} »" not in page
    assert "Inventaire" not in page


def test_a_submitted_questionnaire_leaves_the_dashboard(client, tenant_a):
    campaign = CampaignFactory(questionnaire=QuestionnaireFactory(mission=tenant_a.mission), audience=Audience.STAFF)
    Response.objects.create(campaign=campaign, user=tenant_a.staff, submitted_at=timezone.now())
    client.force_login(tenant_a.staff)
    assert "Ce que l'on attend de vous" not in client.get(reverse("territoire:dashboard")).text


def test_dashboard_todos_never_show_another_commune(client, tenant_a, tenant_b):
    other = CampaignFactory(questionnaire=QuestionnaireFactory(mission=tenant_b.mission), audience=Audience.STAFF)
    SystemFactory(commune=tenant_b.commune, vendor="")
    client.force_login(tenant_a.staff)
    page = client.get(reverse("territoire:dashboard")).text
    assert other.title not in page
    assert "Inventaire" not in page


def test_dashboard_queries_do_not_grow_with_missions_and_todos(client, tenant_a, django_assert_max_num_queries):
    from tests.conftest import make_tenant

    staff = tenant_a.staff
    _fill_mission(tenant_a)
    client.force_login(staff)
    client.get(reverse("territoire:dashboard"))
    with django_assert_max_num_queries(10) as few:
        client.get(reverse("territoire:dashboard"))
    for n in range(4):
        other = make_tenant(f"Autre {n}")
        MembershipFactory(user=staff, commune=other.commune, role=Role.STAFF)
        MissionFactory(commune=other.commune)
        _fill_mission(other)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("territoire:dashboard")).text
    assert page.count("à remplir avant le") == 5


def test_dashboard_tells_the_consultant_of_interviews_left_planned(client, tenant_a, tenant_b):
    _fill_mission(tenant_a)
    _fill_mission(tenant_b)
    client.force_login(tenant_a.consultant)
    page = client.get(reverse("territoire:dashboard")).text
    assert "1 entretien passé encore « Planifié » : a-t-il eu lieu ?" in page
    assert page.count("encore « Planifié »") == 1  # not tenant_b's
    assert reverse("diagnostics:interviews", args=[tenant_a.mission.pk]) in page
    client.force_login(tenant_a.staff)
    assert "encore « Planifié »" not in client.get(reverse("territoire:dashboard")).text


def test_consultant_dashboard_queries_do_not_grow_with_missions(client, tenant_a, django_assert_max_num_queries):
    from tests.conftest import make_tenant

    consultant = tenant_a.consultant
    _fill_mission(tenant_a)
    client.force_login(consultant)
    client.get(reverse("territoire:dashboard"))
    with django_assert_max_num_queries(10) as few:
        client.get(reverse("territoire:dashboard"))
    for n in range(3):
        other = make_tenant(f"Autre {n}")
        MembershipFactory(user=consultant, commune=other.commune, role=Role.CONSULTANT)
        _fill_mission(other)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("territoire:dashboard")).text
    assert page.count("encore « Planifié »") == 4
