"""Redis (the broker) down on every path that sends a task: no 500, the person told in French, the job recorded and
sent once when the broker is back (``territoire.queueing``; the final report has its own tests in
tests/roadmap/test_reports.py, and tests/operations/test_faults.py kills a real Redis).

The broker refuses as Celery does then: ``apply_async`` raises kombu's OperationalError. The tests commit for real
(``transactional_db``): the send is tried when the service's transaction ends, before the view answers.
"""

from contextlib import contextmanager

import pytest
from celery.app.task import Task
from django.core import mail
from django.urls import reverse
from kombu.exceptions import OperationalError

from diagnostics.models import Invitation
from projects.models import DocumentRender, PhaseTransition, RenderStatus
from territoire import queueing
from territoire.models import ExportJob, ExportStatus, PSTImport, UnsentTask
from territoire.tasks import resend_unsent_task
from tests.diagnostics.factories import CampaignFactory, full_questionnaire
from tests.factories import UserFactory
from tests.projects.factories import FollowedProjectFactory
from tests.projects.factories_csc import SpecificationFactory
from tests.roadmap.factories import ProjectSheetFactory
from tests.territoire.factories import ExportJobFactory, pst_tree
from tests.territoire.pst_files import action_rows, csv_bytes
from tests.territoire.test_pst_import import last_import, preview_page, upload

UNAVAILABLE = (
    "Le service de traitement est momentanément indisponible : votre demande est enregistrée et partira dès son "
    "retour."
)


@pytest.fixture
def broker_down(monkeypatch):
    """A context in which every task sent is refused, as with Redis down."""

    def refuse(self, *args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    @contextmanager
    def down():
        with monkeypatch.context() as patched:
            patched.setattr(Task, "apply_async", refuse)
            yield

    return down


def unsent(name):
    return list(UnsentTask.objects.filter(name=name).values_list("args", flat=True))


def test_an_export_waits_pending_says_so_and_runs_once_the_broker_is_back(
    transactional_db, client, tenant_a, broker_down
):
    pst, *_ = pst_tree(tenant_a.commune)
    client.force_login(tenant_a.consultant)
    with broker_down():
        response = client.post(reverse("territoire:pst-export-csv", args=[tenant_a.mission.pk, pst.pk]), follow=True)
        assert response.status_code == 200
        assert UNAVAILABLE in response.text
        job = ExportJob.objects.get()
        assert job.status == ExportStatus.PENDING and unsent("territoire.export_run") == [f"[{job.pk}]"]
        poll = client.get(reverse("territoire:export-job", args=[job.pk]), headers={"HX-Request": "true"})
        assert UNAVAILABLE in poll.text and "every 2s" in poll.text, "the page keeps polling"
        assert queueing.resend_unsent() == 0, "still down: nothing goes, nothing is lost"
        assert unsent("territoire.export_run") == [f"[{job.pk}]"]

    assert resend_unsent_task.delay().get() == 1  # what the beat sends every minute
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE
    assert not UnsentTask.objects.exists() and queueing.resend_unsent() == 0, "sent once"
    assert "Votre fichier est prêt" in client.get(reverse("territoire:export-job", args=[job.pk])).text


def test_a_pst_analysis_waits_says_so_and_runs_once_the_broker_is_back(
    transactional_db, client, tenant_a, broker_down
):
    client.force_login(tenant_a.consultant)
    with broker_down():
        upload(client, tenant_a, csv_bytes(action_rows()))
        pst_import = last_import(tenant_a)
        assert pst_import.status == PSTImport.Status.ANALYSING
        assert unsent("territoire.pst_import_analyse") == [f"[{pst_import.pk}]"]
        assert UNAVAILABLE in preview_page(client, tenant_a, pst_import).text

    assert resend_unsent_task.delay().get() == 1
    pst_import.refresh_from_db()
    assert pst_import.status == PSTImport.Status.PREVIEW, pst_import.errors
    assert UNAVAILABLE not in preview_page(client, tenant_a, pst_import).text


@pytest.fixture
def campaign(tenant_a):
    questionnaire, _ = full_questionnaire(tenant_a.mission)
    return CampaignFactory(questionnaire=questionnaire, title="Enquête du personnel")


def campaign_url(name, campaign):
    return reverse(f"diagnostics:{name}", args=[campaign.mission_id, campaign.pk])


def test_invitations_are_recorded_unsent_and_mailed_once_when_the_broker_is_back(
    transactional_db, client, tenant_a, campaign, broker_down
):
    client.force_login(tenant_a.consultant)
    with broker_down():
        response = client.post(
            campaign_url("campaign-invite", campaign), {"people": "a@example.org\nb@example.org"}, follow=True
        )
    assert response.status_code == 200
    assert UNAVAILABLE in response.text and "invitations envoyées" not in response.text
    assert list(Invitation.objects.values_list("sent_at", flat=True)) == [None, None]
    assert mail.outbox == []

    assert queueing.resend_unsent() == 1
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.org", "b@example.org"]
    assert not Invitation.objects.filter(sent_at__isnull=True).exists()
    assert queueing.resend_unsent() == 0 and len(mail.outbox) == 2, "mailed once"


def test_reminders_asked_while_the_broker_is_down_go_once_when_it_is_back(
    transactional_db, client, tenant_a, campaign, broker_down
):
    client.force_login(tenant_a.consultant)
    client.post(campaign_url("campaign-invite", campaign), {"people": "a@example.org"})
    mail.outbox.clear()
    with broker_down():
        response = client.post(campaign_url("campaign-remind", campaign), follow=True)
        again = client.post(campaign_url("campaign-remind", campaign), follow=True)  # impatient: a second click
    assert response.status_code == again.status_code == 200
    assert UNAVAILABLE in response.text and "Rappel envoyé" not in response.text
    assert unsent("diagnostics.send_reminders") == [f"[{campaign.pk}]"], "one task kept for both clicks"
    assert mail.outbox == []

    assert queueing.resend_unsent() == 1
    assert [(m.to, "Rappel" in m.subject) for m in mail.outbox] == [(["a@example.org"], True)]
    assert queueing.resend_unsent() == 0 and len(mail.outbox) == 1


@pytest.fixture
def project(tenant_a):
    sheet = ProjectSheetFactory(mission=tenant_a.mission, status="retained")
    return FollowedProjectFactory(sheet=sheet, leader=tenant_a.staff, consultant=tenant_a.consultant)


def test_a_phase_moves_with_the_broker_down_and_its_email_leaves_once_when_it_is_back(
    transactional_db, client, tenant_a, project, broker_down
):
    client.force_login(tenant_a.consultant)
    url = reverse("projects:phase-move", args=[project.mission_id, project.pk])
    with broker_down():
        response = client.post(url, {"de": "prerequisites", "vers": "planning"}, follow=True)
    assert response.status_code == 200
    assert "Le projet est passé en phase Planification." in response.text and UNAVAILABLE in response.text
    transition = PhaseTransition.objects.get()
    assert transition.notified_at is None and mail.outbox == []

    assert resend_unsent_task.delay().get() == 1
    assert len(mail.outbox) == 1 and "Planification" in mail.outbox[0].subject
    transition.refresh_from_db()
    assert transition.notified_at is not None
    assert queueing.resend_unsent() == 0 and len(mail.outbox) == 1


def test_a_document_render_waits_pending_says_so_and_is_built_once_the_broker_is_back(
    transactional_db, client, tenant_a, broker_down
):
    project = FollowedProjectFactory(sheet=ProjectSheetFactory(mission=tenant_a.mission, status="retained"))
    specification = SpecificationFactory(project=project, title="CSC du guichet")
    client.force_login(tenant_a.consultant)
    url = reverse("projects:specification-render", args=[project.mission_id, project.pk, specification.pk])
    with broker_down():
        response = client.post(url, {"format": "docx"}, follow=True)
    assert response.status_code == 200 and UNAVAILABLE in response.text
    document = DocumentRender.objects.get()
    assert document.status == RenderStatus.PENDING

    assert queueing.resend_unsent() == 1
    document.refresh_from_db()
    assert document.status == RenderStatus.DONE
    page = client.get(reverse("projects:render-detail", args=[project.mission_id, project.pk, document.pk]))
    assert "Le document est prêt." in page.text and UNAVAILABLE not in page.text


def test_a_waiting_job_stays_hidden_from_another_commune(transactional_db, client, tenant_a, tenant_b):
    """The waiting state is shown on the job's own page only, behind its access check."""
    job = ExportJobFactory(
        commune=tenant_a.commune,
        mission=tenant_a.mission,
        requested_by=tenant_a.consultant,
        status=ExportStatus.PENDING,
        file=None,
        filename="",
    )
    UnsentTask.objects.create(name="territoire.export_run", args=f"[{job.pk}]")
    client.force_login(tenant_a.consultant)
    assert UNAVAILABLE in client.get(reverse("territoire:export-job", args=[job.pk])).text
    client.force_login(tenant_b.consultant)
    response = client.get(reverse("territoire:export-job", args=[job.pk]))
    assert response.status_code == 404 and UNAVAILABLE not in response.text


def test_the_beat_schedule_resends_every_minute(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["territoire-resend-unsent"]
    assert entry["task"] == resend_unsent_task.name == "territoire.resend_unsent"
    assert entry["schedule"].total_seconds() == 60
    assert settings.CELERY_BEAT_SCHEDULE["roadmap-report-resend"]["task"] == "roadmap.report_resend"


def test_the_platform_admin_lists_the_waiting_tasks_and_no_one_else(client, tenant_a):
    UnsentTask.objects.create(name="diagnostics.send_invitations", args="[7]", error="OperationalError('refused')")
    url = reverse("admin:territoire_unsenttask_changelist")
    client.force_login(tenant_a.consultant)
    assert client.get(url).status_code == 302
    client.force_login(UserFactory(superuser=True))
    page = client.get(url)
    assert page.status_code == 200 and "diagnostics.send_invitations" in page.text
