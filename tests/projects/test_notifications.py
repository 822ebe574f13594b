"""The daily e-mail about late milestones: to the project's people, once a day per milestone, only when late."""

import datetime

import pytest
from django.conf import settings
from django.core import mail

from projects.models import Notification, ProjectStatus
from projects.services.implementation import late_milestones_notify
from projects.tasks import notify_late_milestones_task
from territoire.celery import app
from territoire.models import Role
from tests.factories import member
from tests.projects.factories import FollowedProjectFactory
from tests.projects.factories_implementation import MilestoneFactory
from tests.roadmap.factories import ProjectSheetFactory

TODAY = datetime.date(2026, 3, 16)


def days(n):
    return TODAY + datetime.timedelta(days=n)


@pytest.fixture
def project(tenant_a):
    project = FollowedProjectFactory(
        sheet=ProjectSheetFactory(mission=tenant_a.mission, status="retained"),
        leader=member(tenant_a.commune, Role.STAFF),
        consultant=tenant_a.consultant,
    )
    project.team.add(member(tenant_a.commune, Role.STAFF), project.leader)
    return project


def test_one_mail_per_late_milestone_to_team_leader_and_consultant(project):
    late = MilestoneFactory(project=project, label="Mise en ligne", baseline_date=days(-12))
    slipped = MilestoneFactory(project=project, label="Formation", baseline_date=days(5), current_date=days(20))
    MilestoneFactory(project=project, label="À l'heure", baseline_date=days(3))
    MilestoneFactory(project=project, label="Atteint", baseline_date=days(-20), done_date=days(-19))

    assert late_milestones_notify(today=TODAY) == 2
    assert len(mail.outbox) == 2
    expected = sorted({u.email for u in project.team.all()} | {project.leader.email, project.consultant.email})
    assert len(expected) == 3
    assert all(sorted(message.to) == expected for message in mail.outbox)
    subjects = sorted(message.subject for message in mail.outbox)
    assert subjects == ["[Commune A] Jalon en retard : Formation", "[Commune A] Jalon en retard : Mise en ligne"]
    body = next(m.body for m in mail.outbox if "Mise en ligne" in m.subject)
    assert "il est en retard de 12 jours" in body
    assert set(Notification.objects.values_list("object_id", flat=True)) == {late.pk, slipped.pk}


def test_a_second_run_the_same_day_sends_nothing_and_the_next_day_sends_again(project):
    MilestoneFactory(project=project, baseline_date=days(-1))
    assert late_milestones_notify(today=TODAY) == 1
    assert late_milestones_notify(today=TODAY) == 0
    assert len(mail.outbox) == 1 and Notification.objects.count() == 1
    assert late_milestones_notify(today=days(1)) == 1
    assert len(mail.outbox) == 2


def test_a_failed_delivery_leaves_no_log_so_the_next_run_retries(project, monkeypatch):
    MilestoneFactory(project=project, baseline_date=days(-1))

    def broken(*args, **kwargs):
        raise ConnectionError("smtp down")

    monkeypatch.setattr("projects.services.implementation.send_mail", broken)
    with pytest.raises(ConnectionError):
        late_milestones_notify(today=TODAY)
    assert not Notification.objects.exists()
    monkeypatch.undo()
    assert late_milestones_notify(today=TODAY) == 1


def test_a_paused_project_gets_no_mail(project):
    MilestoneFactory(project=project, baseline_date=days(-12))
    ProjectStatus.objects.create(project=project, paused=True, pause_reason="Élections")
    assert late_milestones_notify(today=TODAY) == 0
    assert mail.outbox == []


def test_the_task_runs_the_service_and_is_idempotent(project):
    MilestoneFactory(project=project, baseline_date=datetime.date(2020, 1, 1))
    assert notify_late_milestones_task.delay().get() == 1
    assert notify_late_milestones_task.delay().get() == 0
    assert len(mail.outbox) == 1


def test_beat_schedules_the_task_daily():
    entry = settings.CELERY_BEAT_SCHEDULE["projects-notify-late-milestones"]
    assert entry["task"] == "projects.notify_late_milestones"
    assert entry["task"] in app.tasks
    assert entry["schedule"].hour == {7} and entry["schedule"].minute == {0}
    assert app.conf.beat_schedule == settings.CELERY_BEAT_SCHEDULE
