"""Health and progress of a followed project, computed from its milestones and budget (hand-computed cases)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from projects.models import ProjectStatus
from projects.selectors.health import health_of
from tests.projects.factories import FollowedProjectFactory
from tests.projects.factories_implementation import CommitmentFactory, MilestoneFactory, SpendingFactory
from tests.roadmap.factories import BudgetLineFactory, ProjectSheetFactory

TODAY = datetime.date(2026, 3, 16)


def days(n):
    return TODAY + datetime.timedelta(days=n)


@pytest.fixture
def project(tenant_a):
    return FollowedProjectFactory(sheet=ProjectSheetFactory(mission=tenant_a.mission, status="retained"))


def health(project):
    return health_of([project], today=TODAY)[project.pk]


def test_a_project_without_milestones_or_spending_is_good_with_no_progress(project):
    BudgetLineFactory(sheet=project.sheet, amount=Decimal("38000"))
    BudgetLineFactory(sheet=project.sheet, amount=Decimal("14000"), vat_rate=Decimal("6"))
    result = health(project)
    assert (result.status, result.label, result.progress, result.reasons) == ("good", "Bon", 0, [])
    assert result.budget_planned == Decimal("52000")  # excluding VAT, whatever the rate
    assert result.budget_spent == Decimal("0")
    assert result.next_milestone == "" and result.next_milestone_date is None


def test_a_milestone_overdue_is_a_risk_with_its_delay(project):
    MilestoneFactory(project=project, label="Mise en ligne", baseline_date=days(-12))
    result = health(project)
    assert result.status == "risk" and result.label == "Risque"
    assert result.reasons == ["risque : jalon « Mise en ligne » en retard de 12 jours"]


def test_a_milestone_overdue_by_more_than_thirty_days_blocks(project):
    MilestoneFactory(project=project, label="Test", baseline_date=days(-31))
    MilestoneFactory(project=project, label="Formation", baseline_date=days(-30))
    result = health(project)
    assert result.status == "blocked"
    assert result.reasons == [
        "blocage : jalon « Test » en retard de 31 jours",
        "risque : jalon « Formation » en retard de 30 jours",
    ]


def test_a_milestone_slipped_beyond_its_baseline_is_a_risk(project):
    MilestoneFactory(project=project, label="Mise en ligne", baseline_date=days(10), current_date=days(25))
    result = health(project)
    assert result.status == "risk"
    assert result.reasons == [
        "risque : jalon « Mise en ligne » reporté de 15 jours par rapport à la date de référence"
    ]


def test_a_milestone_done_late_is_no_longer_a_risk(project):
    MilestoneFactory(project=project, baseline_date=days(-40), current_date=days(-20), done_date=days(-18))
    assert health(project).status == "good"


def test_spending_above_the_committed_budget_blocks_with_the_excess(project):
    licence, integration = BudgetLineFactory(sheet=project.sheet), BudgetLineFactory(sheet=project.sheet)
    CommitmentFactory(project=project, budget_line=licence, amount=Decimal("10000"))
    SpendingFactory(project=project, budget_line=licence, amount=Decimal("9000"))
    SpendingFactory(project=project, budget_line=licence, amount=Decimal("5200"))  # 4 200 beyond on this line
    CommitmentFactory(project=project, budget_line=integration, amount=Decimal("8000"))
    SpendingFactory(project=project, budget_line=integration, amount=Decimal("1000"))  # within: no offset
    result = health(project)
    assert result.status == "blocked" and result.label == "Blocage"
    assert result.reasons == ["blocage : dépenses au-dessus du budget engagé de 4\xa0200\xa0€"]
    assert result.budget_spent == Decimal("15200")


def test_a_paused_project_says_so_and_is_not_judged_on_its_dates(project):
    MilestoneFactory(project=project, baseline_date=days(-50))
    ProjectStatus.objects.create(project=project, paused=True, pause_reason="attente du subside")
    result = health(project)
    assert (result.status, result.label) == ("paused", "En pause")
    assert result.reasons == ["en pause : attente du subside"]


def test_progress_is_the_share_of_milestones_done_each_weighing_the_same(project):
    MilestoneFactory(project=project, baseline_date=days(-30), done_date=days(-30))
    MilestoneFactory(project=project, baseline_date=days(5), label="Test")
    MilestoneFactory(project=project, baseline_date=days(40), label="Mise en ligne")
    result = health(project)
    assert result.progress == 33  # round(100 × 1 / 3)
    assert (result.next_milestone, result.next_milestone_date) == ("Test", days(5))
    MilestoneFactory(project=project, baseline_date=days(-2), done_date=days(-1))
    MilestoneFactory(project=project, baseline_date=days(-3), done_date=days(-3))
    assert health(project).progress == 60  # 3 of 5


def build(tenant, count):
    projects = []
    for _ in range(count):
        project = FollowedProjectFactory(sheet=ProjectSheetFactory(mission=tenant.mission, status="retained"))
        line = BudgetLineFactory(sheet=project.sheet)
        MilestoneFactory(project=project, baseline_date=days(-5))
        CommitmentFactory(project=project, budget_line=line)
        SpendingFactory(project=project, budget_line=line)
        ProjectStatus.objects.create(project=project)
        projects.append(project)
    return projects


@pytest.mark.parametrize("count", [2, 12])
def test_health_of_reads_five_queries_for_any_number_of_projects(tenant_a, count, django_assert_num_queries):
    projects = build(tenant_a, count)
    with django_assert_num_queries(5):
        result = health_of(projects, today=TODAY)
    assert len(result) == count and all(h.status == "risk" for h in result.values())


def test_health_of_nothing_reads_nothing(django_assert_num_queries, db):
    with django_assert_num_queries(0):
        assert health_of([]) == {}


def test_the_health_page_shows_the_reasons_and_a_pause_needs_a_reason(client, tenant_a, project):
    MilestoneFactory(project=project, label="Mise en ligne", baseline_date=datetime.date(2020, 1, 1))
    client.force_login(tenant_a.college)
    page = client.get(reverse("projects:health", args=[project.mission_id, project.pk]))
    assert "Blocage" in page.text and "jalon « Mise en ligne » en retard de" in page.text
    assert client.post(reverse("projects:health-pause", args=[project.mission_id, project.pk])).status_code == 403

    client.force_login(tenant_a.consultant)
    url = reverse("projects:health-pause", args=[project.mission_id, project.pk])
    response = client.post(url, {"paused": "on", "pause_reason": " "})
    assert response.status_code == 400
    assert "Indiquez pourquoi le projet est mis en pause." in response.text
    assert not ProjectStatus.objects.exists()
    assert client.post(url, {"paused": "on", "pause_reason": "Élections"}).status_code == 302
    page = client.get(reverse("projects:health", args=[project.mission_id, project.pk]))
    assert "En pause" in page.text and "en pause : Élections" in page.text


def test_the_demo_project_shows_a_computed_health_with_a_reason(client, db):
    from io import StringIO

    from django.core.management import call_command

    from projects.models import FollowedProject

    call_command("seed_demo", force=True, verbosity=0, stdout=StringIO())
    project = FollowedProject.objects.get(title__startswith="E-guichet")
    result = health_of([project])[project.pk]
    assert result.status == "risk"
    assert "risque : jalon « Phase de test avec les agents » en retard de 12 jours" in result.reasons
    assert result.progress == 50 and result.budget_spent == Decimal("24650") and result.budget_planned > 0
    assert project.indicators.count() == 2 and all(i.measurements.exists() for i in project.indicators.all())
    assert project.decisions.filter(feedback__isnull=False).exists()
    client.force_login(project.consultant)
    for page in ("health", "milestones", "budget", "indicators", "risks", "testing", "communication", "decisions"):
        assert client.get(reverse(f"projects:{page}", args=[project.mission_id, project.pk])).status_code == 200
    # A second seeding rebuilds the same rows (the roadmap drops the followed project with its sheet).
    call_command("seed_demo", force=True, verbosity=0, stdout=StringIO())
    project = FollowedProject.objects.get(title__startswith="E-guichet")
    assert project.milestones.count() == 6 and project.spendings.count() == 2
