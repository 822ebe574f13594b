"""Implementation follow-up pages: milestones, budget, indicators, risks, test phase, communication, decisions.

Each rule through the page that applies it (French message, nothing saved), and who may do what: the project's
editors (consultants, its leader and team) write, other staff and the Collège read, another commune sees nothing.
"""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from projects.models import (
    Commitment,
    CommunicationAction,
    Feedback,
    Measurement,
    Milestone,
    Participant,
    ProjectDecision,
    ProjectIndicator,
    Risk,
    Spending,
)
from roadmap.models import SheetIndicator
from territoire.models import Role
from tests.factories import member
from tests.projects.factories import FollowedProjectFactory
from tests.projects.factories_implementation import (
    CommitmentFactory,
    FeedbackFactory,
    IndicatorFactory,
    MeasurementFactory,
    MilestoneFactory,
    ParticipantFactory,
    RiskFactory,
    SpendingFactory,
)
from tests.roadmap.factories import BudgetLineFactory, ProjectSheetFactory


@pytest.fixture
def project(tenant_a):
    return FollowedProjectFactory(sheet=ProjectSheetFactory(mission=tenant_a.mission, status="retained"))


@pytest.fixture
def line(project):
    return BudgetLineFactory(sheet=project.sheet, label="Licence", amount=Decimal("38000"))


def url(name, project, *args):
    return reverse(f"projects:{name}", args=[project.mission_id, project.pk, *args])


def today():
    return timezone.localdate()


def iso(day):
    return day.isoformat()


# --- Permissions ---------------------------------------------------------------------------------------------------

PAGES = ["milestones", "budget", "indicators", "risks", "testing", "communication", "decisions", "health"]


@pytest.mark.parametrize("page", PAGES)
def test_the_college_reads_every_tab_without_forms(client, tenant_a, project, page):
    client.force_login(tenant_a.college)
    response = client.get(url(page, project))
    assert response.status_code == 200
    assert "Enregistrer" not in response.text


@pytest.mark.parametrize("page", PAGES)
def test_another_commune_gets_404_on_every_tab(client, tenant_b, project, page):
    client.force_login(tenant_b.consultant)
    assert client.get(url(page, project)).status_code == 404


def test_the_college_and_staff_outside_the_team_cannot_add(client, tenant_a, project):
    data = {"milestone-label": "Lancement", "milestone-baseline_date": iso(today())}
    for user in (tenant_a.college, tenant_a.staff):
        client.force_login(user)
        assert client.post(url("milestone-add", project), data).status_code == 403
    assert not Milestone.objects.exists()


def test_staff_of_the_team_add_and_the_leader_edits(client, tenant_a, project):
    teammate, leader = member(tenant_a.commune, Role.STAFF), member(tenant_a.commune, Role.STAFF)
    project.team.add(teammate)
    project.leader = leader
    project.save()
    client.force_login(teammate)
    data = {"milestone-label": "Lancement", "milestone-baseline_date": iso(today())}
    assert client.post(url("milestone-add", project), data).status_code == 302
    milestone = Milestone.objects.get()
    assert milestone.current_date == milestone.baseline_date  # empty forecast: the baseline
    client.force_login(leader)
    assert client.get(url("milestone-edit", project, milestone.pk)).status_code == 200


def test_staff_outside_the_team_cannot_edit_or_delete(client, tenant_a, project):
    milestone = MilestoneFactory(project=project)
    client.force_login(tenant_a.staff)
    assert client.get(url("milestone-edit", project, milestone.pk)).status_code == 403
    assert client.post(url("milestone-delete", project, milestone.pk)).status_code == 403
    assert Milestone.objects.filter(pk=milestone.pk).exists()


def test_a_row_of_another_project_is_404_through_this_project(client, tenant_a, project):
    other = MilestoneFactory(project=FollowedProjectFactory(sheet=ProjectSheetFactory(mission=tenant_a.mission)))
    client.force_login(tenant_a.consultant)
    assert client.get(url("milestone-edit", project, other.pk)).status_code == 404
    assert client.post(url("milestone-delete", project, other.pk)).status_code == 404
    assert Milestone.objects.filter(pk=other.pk).exists()


def test_a_row_of_another_commune_is_404(client, tenant_a, tenant_b, project):
    theirs = RiskFactory(project=FollowedProjectFactory(sheet=ProjectSheetFactory(mission=tenant_b.mission)))
    client.force_login(tenant_a.consultant)
    assert client.post(url("risk-delete", project, theirs.pk)).status_code == 404
    assert Risk.objects.filter(pk=theirs.pk).exists()


# --- Milestones ----------------------------------------------------------------------------------------------------


def test_a_milestone_cannot_be_reached_in_the_future(client, tenant_a, project):
    client.force_login(tenant_a.consultant)
    tomorrow = today() + datetime.timedelta(days=1)
    data = {
        "milestone-label": "Mise en ligne",
        "milestone-baseline_date": iso(today()),
        "milestone-current_date": iso(today()),
        "milestone-done_date": iso(tomorrow),
    }
    response = client.post(url("milestone-add", project), data)
    assert response.status_code == 400
    assert "Un jalon ne peut pas être atteint dans le futur" in response.text
    assert not Milestone.objects.exists()


def test_editing_a_milestone_keeps_its_baseline(client, tenant_a, project):
    milestone = MilestoneFactory(project=project, baseline_date=datetime.date(2026, 6, 1))
    client.force_login(tenant_a.consultant)
    data = {
        "milestone-label": milestone.label,
        "milestone-baseline_date": "2026-09-01",
        "milestone-current_date": "2026-07-15",
        "milestone-done_date": "",
    }
    assert client.post(url("milestone-edit", project, milestone.pk), data).status_code == 302
    milestone.refresh_from_db()
    assert milestone.baseline_date == datetime.date(2026, 6, 1)
    assert milestone.current_date == datetime.date(2026, 7, 15)
    assert milestone.history.first().history_user == tenant_a.consultant


def test_the_milestones_page_says_which_are_late(client, tenant_a, project):
    MilestoneFactory(project=project, label="Test", baseline_date=today() - datetime.timedelta(days=12))
    MilestoneFactory(
        project=project,
        label="Mise en ligne",
        baseline_date=today() + datetime.timedelta(days=10),
        current_date=today() + datetime.timedelta(days=25),
    )
    client.force_login(tenant_a.college)
    response = client.get(url("milestones", project))
    assert "En retard de 12 jours" in response.text
    assert "Reporté de 15 jours" in response.text


# --- Budget --------------------------------------------------------------------------------------------------------


def spending_data(line, amount, comment=""):
    return {
        "spending-budget_line": line.pk,
        "spending-amount": amount,
        "spending-date": iso(today()),
        "spending-invoice_ref": "FAC-1",
        "spending-comment": comment,
    }


def test_spending_above_the_committed_budget_needs_a_comment(client, tenant_a, project, line):
    CommitmentFactory(project=project, budget_line=line, amount=Decimal("10000"))
    SpendingFactory(project=project, budget_line=line, amount=Decimal("8000"))
    client.force_login(tenant_a.consultant)

    response = client.post(url("spending-add", project), spending_data(line, "6 200,00"))
    assert response.status_code == 400
    assert "au-delà du budget engagé de 10\xa0000,00\xa0€" in response.text
    assert "14\xa0200,00\xa0€" in response.text
    assert Spending.objects.count() == 1

    response = client.post(url("spending-add", project), spending_data(line, "6 200,00", "Avenant signé le 3 mars."))
    assert response.status_code == 302
    assert Spending.objects.get(invoice_ref="FAC-1").amount == Decimal("6200")


def test_spending_within_the_committed_budget_needs_no_comment(client, tenant_a, project, line):
    CommitmentFactory(project=project, budget_line=line, amount=Decimal("10000"))
    client.force_login(tenant_a.consultant)
    assert client.post(url("spending-add", project), spending_data(line, "10000")).status_code == 302


def test_a_negative_amount_is_refused(client, tenant_a, project, line):
    client.force_login(tenant_a.consultant)
    data = {
        "commitment-budget_line": line.pk,
        "commitment-amount": "-5",
        "commitment-date": iso(today()),
        "commitment-supplier": "X",
    }
    response = client.post(url("commitment-add", project), data)
    assert response.status_code == 400
    assert "Un montant ne peut pas être négatif." in response.text
    assert not Commitment.objects.exists()


def test_a_budget_line_of_another_sheet_or_commune_is_refused(client, tenant_a, tenant_b, project, line):
    same_commune = BudgetLineFactory(sheet=ProjectSheetFactory(mission=tenant_a.mission), label="Autre fiche")
    other_commune = BudgetLineFactory(sheet=ProjectSheetFactory(mission=tenant_b.mission), label="Autre commune")
    client.force_login(tenant_a.consultant)
    page = client.get(url("budget", project)).text
    assert "Licence" in page and "Autre fiche" not in page and "Autre commune" not in page
    for foreign in (same_commune, other_commune):
        data = {
            "commitment-budget_line": foreign.pk,
            "commitment-amount": "100",
            "commitment-date": iso(today()),
            "commitment-supplier": "X",
        }
        response = client.post(url("commitment-add", project), data)
        assert response.status_code == 400
        assert "Sélectionnez un choix valide" in response.text
    assert not Commitment.objects.exists()


def test_the_budget_page_totals_planned_committed_and_spent(
    client, tenant_a, project, line, django_assert_max_num_queries
):
    second = BudgetLineFactory(sheet=project.sheet, label="Intégration", amount=Decimal("14000"))
    CommitmentFactory(project=project, budget_line=line, amount=Decimal("36500"))
    CommitmentFactory(project=project, budget_line=second, amount=Decimal("12800"))
    SpendingFactory(project=project, budget_line=line, amount=Decimal("18250"))
    SpendingFactory(project=project, budget_line=second, amount=Decimal("6400"))
    client.force_login(tenant_a.consultant)
    with django_assert_max_num_queries(16):
        response = client.get(url("budget", project))
    assert "52\xa0000,00\xa0€" in response.text  # planned
    assert "49\xa0300,00\xa0€" in response.text  # committed
    assert "24\xa0650,00\xa0€" in response.text  # spent
    for _ in range(10):
        CommitmentFactory(project=project, budget_line=line, amount=Decimal("1"))
        SpendingFactory(project=project, budget_line=second, amount=Decimal("1"))
    with django_assert_max_num_queries(16):
        client.get(url("budget", project))


# --- Indicators ----------------------------------------------------------------------------------------------------


def test_an_indicator_of_the_sheet_is_followed_with_its_target(client, tenant_a, project):
    source = SheetIndicator.objects.create(
        sheet=project.sheet, indicator="Démarches en ligne", target="40 %", unit="%"
    )
    client.force_login(tenant_a.consultant)
    response = client.post(url("indicator-add", project), {"indicator-sheet_indicator": source.pk})
    assert response.status_code == 302
    indicator = ProjectIndicator.objects.get()
    assert (indicator.label, indicator.unit, indicator.target) == ("Démarches en ligne", "%", Decimal("40"))


def test_an_indicator_of_another_sheet_is_refused(client, tenant_a, tenant_b, project):
    theirs = SheetIndicator.objects.create(
        sheet=ProjectSheetFactory(mission=tenant_b.mission), indicator="X", target="1"
    )
    client.force_login(tenant_a.consultant)
    response = client.post(url("indicator-add", project), {"indicator-sheet_indicator": theirs.pk})
    assert response.status_code == 400
    assert not ProjectIndicator.objects.exists()


def test_a_project_indicator_needs_a_name(client, tenant_a, project):
    client.force_login(tenant_a.consultant)
    response = client.post(url("indicator-add", project), {"indicator-target": "10"})
    assert response.status_code == 400
    assert "Nommez l’indicateur ou choisissez-en un de la fiche." in response.text
    assert not ProjectIndicator.objects.exists()


def test_measurements_draw_a_line_chart_with_the_target_and_a_table(client, tenant_a, project):
    indicator = IndicatorFactory(project=project, label="Démarches en ligne", target=Decimal("40"))
    MeasurementFactory(indicator=indicator, date=datetime.date(2026, 1, 10), value=Decimal("5"))
    client.force_login(tenant_a.consultant)
    data = {
        f"m{indicator.pk}-date": "2026-02-10",
        f"m{indicator.pk}-value": "12,5",
        f"m{indicator.pk}-note": "Février",
    }
    assert client.post(url("measurement-add", project, indicator.pk), data).status_code == 302
    response = client.get(url("indicators", project))
    assert "<svg" in response.text and "Cible" in response.text
    assert "10/02/2026" in response.text and "12,5" in response.text and "Février" in response.text
    assert "<script" not in response.text.split("<svg", 1)[1].split("</svg>", 1)[0]


def test_a_measurement_in_the_future_is_refused(client, tenant_a, project):
    indicator = IndicatorFactory(project=project)
    client.force_login(tenant_a.consultant)
    data = {f"m{indicator.pk}-date": iso(today() + datetime.timedelta(days=3)), f"m{indicator.pk}-value": "1"}
    response = client.post(url("measurement-add", project, indicator.pk), data)
    assert response.status_code == 400
    assert "Une mesure ne peut pas être datée dans le futur." in response.text
    assert not Measurement.objects.exists()


def test_a_measurement_is_not_added_to_another_projects_indicator(client, tenant_a, project):
    other = IndicatorFactory(project=FollowedProjectFactory(sheet=ProjectSheetFactory(mission=tenant_a.mission)))
    client.force_login(tenant_a.consultant)
    data = {f"m{other.pk}-date": "2026-01-01", f"m{other.pk}-value": "1"}
    assert client.post(url("measurement-add", project, other.pk), data).status_code == 404
    assert not Measurement.objects.exists()


# --- Risks, test phase, communication, decisions -------------------------------------------------------------------


def test_a_risk_is_scored_probability_times_impact(client, tenant_a, project):
    client.force_login(tenant_a.consultant)
    data = {
        "risk-description": "Registre national",
        "risk-probability": "3",
        "risk-impact": "5",
        "risk-status": "open",
    }
    assert client.post(url("risk-add", project), data).status_code == 302
    assert Risk.objects.get().criticality == 15
    response = client.get(url("risks", project))
    assert 'text-bg-danger">15</span>' in response.text


def test_a_risk_probability_beyond_five_is_refused(client, tenant_a, project):
    client.force_login(tenant_a.consultant)
    data = {"risk-description": "X", "risk-probability": "6", "risk-impact": "5", "risk-status": "open"}
    response = client.post(url("risk-add", project), data)
    assert response.status_code == 400
    assert "Sélectionnez un choix valide" in response.text
    assert not Risk.objects.exists()


def test_feedback_comes_from_a_participant_of_this_project(client, tenant_a, project):
    ours = ParticipantFactory(project=project, name="Sophie")
    theirs = ParticipantFactory(project=FollowedProjectFactory(sheet=ProjectSheetFactory(mission=tenant_a.mission)))
    client.force_login(tenant_a.consultant)
    data = {"feedback-date": iso(today()), "feedback-severity": "major", "feedback-text": "Trop lent"}
    response = client.post(url("feedback-add", project), {**data, "feedback-participant": theirs.pk})
    assert response.status_code == 400
    assert not Feedback.objects.exists()
    assert client.post(url("feedback-add", project), {**data, "feedback-participant": ours.pk}).status_code == 302


def test_a_decision_of_the_test_phase_answers_a_feedback(client, tenant_a, project):
    feedback = FeedbackFactory(participant=ParticipantFactory(project=project, name="Paul"))
    client.force_login(tenant_a.consultant)
    data = {
        "test_decision-date": iso(today()),
        "test_decision-decision": "Ajouter itsme",
        "test_decision-decided_by": "COPIL",
    }
    response = client.post(url("test-decision-add", project), data)
    assert response.status_code == 400
    assert "Ce champ est obligatoire." in response.text
    assert not ProjectDecision.objects.exists()
    assert (
        client.post(url("test-decision-add", project), {**data, "test_decision-feedback": feedback.pk}).status_code
        == 302
    )
    decision = ProjectDecision.objects.get()
    assert decision.feedback == feedback and decision.recorded_by == tenant_a.consultant
    page = client.get(url("decisions", project)).text
    assert "Ajouter itsme" in page and "retour de Paul" in page


def test_a_participant_with_feedback_is_kept(client, tenant_a, project):
    feedback = FeedbackFactory(participant=ParticipantFactory(project=project))
    client.force_login(tenant_a.consultant)
    response = client.post(url("participant-delete", project, feedback.participant_id), follow=True)
    assert "est utilisée ailleurs" in response.text
    assert Participant.objects.filter(pk=feedback.participant_id).exists()


def test_a_communication_action_is_marked_done(client, tenant_a, project):
    client.force_login(tenant_a.consultant)
    data = {
        "communication-action": "Bulletin communal",
        "communication-audience": "Citoyens",
        "communication-channel": "bulletin",
        "communication-date": "2026-05-01",
    }
    assert client.post(url("communication-add", project), data).status_code == 302
    action = CommunicationAction.objects.get()
    assert not action.done
    response = client.post(url("communication-edit", project, action.pk), {**data, "communication-done": "on"})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.done


def test_the_decision_log_has_no_edit_or_delete(client, tenant_a, project):
    client.force_login(tenant_a.consultant)
    data = {"decision-date": "2026-02-01", "decision-decision": "Lancer", "decision-decided_by": "Collège communal"}
    assert client.post(url("decision-add", project), data).status_code == 302
    page = client.get(url("decisions", project)).text
    assert "Lancer" in page and "Collège communal" in page
    assert "supprimer" not in page.lower().replace("aucune", "")


@pytest.mark.parametrize("page", ["milestones", "risks", "testing", "communication", "decisions", "indicators"])
def test_tabs_read_a_constant_number_of_queries(client, tenant_a, project, page, django_assert_max_num_queries):
    def add_rows():
        MilestoneFactory(project=project)
        RiskFactory(project=project)
        FeedbackFactory(participant=ParticipantFactory(project=project))
        MeasurementFactory(indicator=IndicatorFactory(project=project))
        CommunicationAction.objects.create(
            project=project, action="A", audience="B", channel="website", date=datetime.date(2026, 1, 1)
        )
        ProjectDecision.objects.create(project=project, date=datetime.date(2026, 1, 1), decision="D", decided_by="E")

    add_rows()
    client.force_login(tenant_a.consultant)
    client.get(url(page, project))
    with CaptureQueriesContext(connection) as few:
        client.get(url(page, project))
    for _ in range(5):
        add_rows()
    with django_assert_max_num_queries(len(few)):
        client.get(url(page, project))


def test_the_sheet_editor_keeps_a_budget_line_the_follow_up_uses(tenant_a, project, line):
    from django.core.exceptions import ValidationError

    from roadmap.services.sheets import sheet_save

    CommitmentFactory(project=project, budget_line=line)
    with pytest.raises(ValidationError) as refused:
        sheet_save(
            mission=project.mission,
            sheet=project.sheet,
            fields={},
            relations={},
            lines={"budget": [(line, {}, True)]},
            by=tenant_a.consultant,
        )
    assert "La ligne « Licence » est utilisée par le suivi du projet" in str(refused.value)
    assert type(line).objects.filter(pk=line.pk).exists()
