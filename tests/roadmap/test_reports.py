"""The final report's pipeline: versions asked for, rendered by the task, published, downloaded, delivered."""

import hashlib
import subprocess
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from roadmap.models import ReportStatus, ReportVersion
from roadmap.models.reports import report_folder
from roadmap.report import pipeline
from territoire.models import Role
from tests.roadmap.factories import ReportVersionFactory


def _url(name, version=None, mission=None):
    mission = mission or version.mission
    args = [mission.pk] + ([version.pk] if version is not None else [])
    return reverse(f"roadmap:{name}", args=args)


def _generate(client, mission, django_capture_on_commit_callbacks, *, execute=True):
    with django_capture_on_commit_callbacks(execute=execute):
        response = client.post(reverse("roadmap:report-generate", args=[mission.pk]))
    assert response.status_code == 302
    return ReportVersion.objects.filter(mission=mission).order_by("-number").first()


def _download(client, version, name="report-download", **kwargs):
    """GET a download view, reading (and so closing) the streamed file."""
    response = client.get(_url(name, version, **kwargs))
    if response.streaming:
        response.content_bytes = b"".join(response.streaming_content)
    return response


def _pdfinfo(content: bytes, tmp_path) -> str:
    path = tmp_path / "rapport.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout


@pytest.fixture
def consultant_client(client, tenant_a):
    client.force_login(tenant_a.consultant)
    return client


# --- Request → task → published version ---------------------------------------------------------


def test_the_consultant_s_request_is_rendered_by_the_task_and_published(
    consultant_client, tenant_a, django_capture_on_commit_callbacks, tmp_path
):
    version = _generate(consultant_client, tenant_a.mission, django_capture_on_commit_callbacks)
    version.refresh_from_db()
    assert (version.number, version.status, version.progress, version.error) == (1, ReportStatus.DONE, 100, "")
    assert version.requested_by == tenant_a.consultant
    assert version.snapshot["commune"]["name"] == "Commune A"  # the data frozen when it was asked
    with version.file.open("rb") as handle:
        content = handle.read()
    assert content.startswith(b"%PDF-")
    assert version.size == len(content)
    assert version.sha256 == hashlib.sha256(content).hexdigest()
    info = _pdfinfo(content, tmp_path)
    assert f"Pages:           {version.pages}" in info
    assert "Tagged:          yes" in info
    assert version.file.name.startswith(f"reports/{tenant_a.commune.pk}/{tenant_a.mission.pk}/{version.pk}/")
    assert version.annex_file.name.endswith(".xlsx")
    assert version.started_at <= version.finished_at

    page = consultant_client.get(_url("reports", mission=tenant_a.mission))
    assert "Version 1" in page.text and "Prêt" in page.text
    assert version.sha256[:12] in page.text


def test_a_second_version_gets_the_next_number_and_the_first_stays_downloadable(
    consultant_client, tenant_a, django_capture_on_commit_callbacks
):
    first = _generate(consultant_client, tenant_a.mission, django_capture_on_commit_callbacks)
    second = _generate(consultant_client, tenant_a.mission, django_capture_on_commit_callbacks)
    assert (first.number, second.number) == (1, 2)
    assert _download(consultant_client, first).status_code == 200


def test_a_double_click_returns_the_version_under_way(consultant_client, tenant_a, django_capture_on_commit_callbacks):
    first = _generate(consultant_client, tenant_a.mission, django_capture_on_commit_callbacks, execute=False)
    second = _generate(consultant_client, tenant_a.mission, django_capture_on_commit_callbacks, execute=False)
    assert first == second
    assert ReportVersion.objects.filter(mission=tenant_a.mission).count() == 1
    assert first.status == ReportStatus.QUEUED


def test_a_request_long_after_a_running_one_is_a_new_version(tenant_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        first = pipeline.request_report(tenant_a.mission, user=tenant_a.consultant)
    ReportVersion.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=False):
        second = pipeline.request_report(tenant_a.mission, user=tenant_a.consultant)
    assert second.number == 2


def test_the_status_row_polls_while_the_version_is_queued(
    consultant_client, tenant_a, django_capture_on_commit_callbacks
):
    version = _generate(consultant_client, tenant_a.mission, django_capture_on_commit_callbacks, execute=False)
    page = consultant_client.get(_url("reports", mission=tenant_a.mission))
    assert _url("report-status", version) in page.text
    row = consultant_client.get(_url("report-status", version), headers={"HX-Request": "true"})
    assert 'data-status="queued"' in row.text and "hx-trigger" in row.text
    ReportVersion.objects.filter(pk=version.pk).update(
        status=ReportStatus.RENDERING, progress=35, stage=pipeline.STAGE_PDF
    )
    row = consultant_client.get(_url("report-status", version))
    assert "Écriture du PDF (35 %)" in row.text
    assert row["Cache-Control"].startswith("max-age=0")
    pipeline.render_version(version.pk)
    row = consultant_client.get(_url("report-status", version))
    assert 'data-status="done"' in row.text and "hx-trigger" not in row.text
    assert "Marquer comme remis au Collège" in row.text


def test_a_request_the_broker_refuses_waits_queued_and_the_polling_sends_it_once_the_broker_is_back(
    transactional_db, consultant_client, tenant_a, monkeypatch
):
    """Redis down: the send raises (kombu's OperationalError, what Celery raises then; tests/operations/test_faults.py
    proves it with a real Redis killed). The consultant is told, the version waits, the next poll sends it."""
    from kombu.exceptions import OperationalError

    from roadmap.tasks import report_render_task

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    with monkeypatch.context() as patched:
        patched.setattr(report_render_task, "apply_async", broker_down)
        # Committed for real (transactional_db): the send is tried when request_report's transaction ends.
        response = consultant_client.post(_url("report-generate", mission=tenant_a.mission), follow=True)
        assert response.status_code == 200
        assert "Le service de rendu est momentanément indisponible : la version 1 reste en file" in response.text
        version = ReportVersion.objects.get(mission=tenant_a.mission)
        assert version.is_unsent and not version.shows_failed
        row = consultant_client.get(_url("report-status", version), headers={"HX-Request": "true"})
        assert "la version partira dès son retour" in row.text and "hx-trigger" in row.text
        version.refresh_from_db()
        assert version.is_unsent  # still down: still waiting

    row = consultant_client.get(_url("report-status", version), headers={"HX-Request": "true"})
    version.refresh_from_db()
    assert version.status == ReportStatus.DONE and version.attempts == 1
    assert 'data-status="done"' in row.text
    assert pipeline.resend_unsent() == 0, "sent once"


def test_the_periodic_resend_sends_every_version_the_broker_refused(tenant_a, settings):
    from roadmap.models.reports import STAGE_UNSENT
    from roadmap.tasks import report_resend_task

    waiting = pipeline.create_version(tenant_a.mission, user=tenant_a.consultant)
    ReportVersion.objects.filter(pk=waiting.pk).update(stage=STAGE_UNSENT)
    other = pipeline.create_version(tenant_a.mission, user=tenant_a.consultant)  # sent normally, still queued
    assert report_resend_task.delay().get() == 1
    waiting.refresh_from_db()
    other.refresh_from_db()
    assert waiting.status == ReportStatus.DONE and waiting.attempts == 1
    assert other.status == ReportStatus.QUEUED, "a version sent normally is not sent again"
    assert settings.CELERY_BEAT_SCHEDULE["roadmap-report-resend"]["task"] == "roadmap.report_resend"


def test_the_task_leaves_a_version_already_done_as_it_is(tenant_a):
    version = ReportVersionFactory(mission=tenant_a.mission, requested_by=tenant_a.consultant, done=True)
    before = (version.file.name, version.sha256)
    from roadmap.tasks import report_render_task

    assert report_render_task.delay(version.pk).get() == ReportStatus.DONE
    version.refresh_from_db()
    assert (version.file.name, version.sha256) == before


# --- Failures -------------------------------------------------------------------------------------


def test_a_failed_render_says_so_in_french_and_the_retry_renders_it(
    consultant_client, tenant_a, django_capture_on_commit_callbacks, monkeypatch
):
    def broken(html):
        raise RuntimeError("WeasyPrint exploded")

    monkeypatch.setattr(pipeline, "html_to_pdf", broken)
    version = _generate(consultant_client, tenant_a.mission, django_capture_on_commit_callbacks)
    version.refresh_from_db()
    assert version.status == ReportStatus.FAILED
    assert version.error.startswith("Le rapport n'a pas pu être produit")
    assert not version.file and version.sha256 == ""
    assert (
        not default_storage.exists(report_folder(version)) or default_storage.listdir(report_folder(version))[1] == []
    )
    page = consultant_client.get(_url("reports", mission=tenant_a.mission))
    assert "Le rapport n&#x27;a pas pu être produit" in page.text
    assert _url("report-retry", version) in page.text
    assert consultant_client.get(_url("report-download", version)).status_code == 404

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        response = consultant_client.post(_url("report-retry", version))
    assert response.status_code == 302
    version.refresh_from_db()
    assert (version.number, version.status, version.error) == (1, ReportStatus.DONE, "")
    assert ReportVersion.objects.count() == 1


def test_a_render_past_its_soft_time_limit_fails_with_a_message(tenant_a, monkeypatch):
    from celery.exceptions import SoftTimeLimitExceeded

    def slow(html):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(pipeline, "html_to_pdf", slow)
    version = pipeline.create_version(tenant_a.mission, user=tenant_a.consultant)
    assert pipeline.render_version(version.pk).version.error.startswith("Le rendu du rapport a pris trop de temps")


def test_a_version_stuck_rendering_past_the_hard_limit_shows_failed_and_can_be_retried(
    consultant_client, tenant_a, settings, django_capture_on_commit_callbacks
):
    long_ago = timezone.now() - timedelta(seconds=settings.REPORT_RENDER_TIME_LIMIT + 120)
    version = ReportVersionFactory(mission=tenant_a.mission, requested_by=tenant_a.consultant)
    ReportVersion.objects.filter(pk=version.pk).update(status=ReportStatus.RENDERING, progress=35, started_at=long_ago)
    version.refresh_from_db()
    assert version.is_stuck and version.shows_failed
    page = consultant_client.get(_url("reports", mission=tenant_a.mission))
    assert "Relancez-le." in page.text and "Échec" in page.text
    assert _url("report-status", version) not in page.text  # no endless polling
    with django_capture_on_commit_callbacks(execute=True):
        consultant_client.post(_url("report-retry", version))
    version.refresh_from_db()
    assert version.status == ReportStatus.DONE


def test_a_version_rendering_within_its_limit_cannot_be_retried(consultant_client, tenant_a):
    version = ReportVersionFactory(mission=tenant_a.mission, requested_by=tenant_a.consultant)
    ReportVersion.objects.filter(pk=version.pk).update(status=ReportStatus.RENDERING, started_at=timezone.now())
    response = consultant_client.post(_url("report-retry", version), follow=True)
    assert "Seule une version en échec peut être relancée." in response.text
    version.refresh_from_db()
    assert version.status == ReportStatus.RENDERING


def test_a_worker_killed_after_writing_the_file_leaves_nothing_served_and_the_redelivery_publishes(
    consultant_client, tenant_a, monkeypatch
):
    """The file is written under its own name, then published by one update: kill the worker in between."""

    class WorkerKilled(BaseException):  # not an Exception: nothing in the pipeline catches it, as with SIGKILL
        pass

    version = pipeline.create_version(tenant_a.mission, user=tenant_a.consultant)
    real_save = default_storage.save

    def save_then_die(name, content, **kwargs):
        real_save(name, content, **kwargs)
        raise WorkerKilled

    monkeypatch.setattr(default_storage, "save", save_then_die)
    with pytest.raises(WorkerKilled):
        pipeline.render_version(version.pk)
    monkeypatch.undo()

    version.refresh_from_db()
    assert version.status == ReportStatus.RENDERING and not version.file and version.sha256 == ""
    assert len(default_storage.listdir(report_folder(version))[1]) == 1  # the orphan, named on no row
    assert consultant_client.get(_url("report-download", version)).status_code == 404
    assert "Prêt" not in consultant_client.get(_url("report-status", version)).text

    pipeline.render_version(version.pk)  # acks late: the broker delivers the task again
    version.refresh_from_db()
    assert version.status == ReportStatus.DONE
    published = sorted(name.rsplit("/", 1)[1] for name in (version.file.name, version.annex_file.name))
    assert sorted(default_storage.listdir(report_folder(version))[1]) == published
    assert _download(consultant_client, version).status_code == 200


def test_a_render_that_keeps_killing_its_worker_is_given_up_after_three_starts(
    consultant_client, tenant_a, django_capture_on_commit_callbacks
):
    version = ReportVersionFactory(mission=tenant_a.mission, requested_by=tenant_a.consultant)
    ReportVersion.objects.filter(pk=version.pk).update(status=ReportStatus.RENDERING, attempts=pipeline.MAX_ATTEMPTS)
    version = pipeline.render_version(version.pk).version
    assert version.status == ReportStatus.FAILED
    assert version.error.startswith("Le rendu du rapport s'est interrompu plusieurs fois")
    with django_capture_on_commit_callbacks(execute=True):
        consultant_client.post(_url("report-retry", version))  # the consultant's retry starts the count again
    version.refresh_from_db()
    assert (version.status, version.attempts) == (ReportStatus.DONE, 1)


# --- Download and access ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.CONSULTANT, Role.STAFF, Role.COLLEGE])
def test_every_member_of_the_commune_downloads_a_ready_version(client, tenant_a, role):
    version = ReportVersionFactory(mission=tenant_a.mission, requested_by=tenant_a.consultant, number=3, done=True)
    client.force_login(tenant_a.user(role))
    response = _download(client, version)
    assert response.status_code == 200
    assert response.content_bytes.startswith(b"%PDF-")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Rapport-Commune-A-v3.pdf"'
    assert "no-store" in response["Cache-Control"]


def test_the_download_name_is_clean_french(tenant_a):
    tenant_a.commune.name = "Écaussinnes-d'Enghien"
    version = ReportVersionFactory.build(mission=tenant_a.mission, number=2)
    assert pipeline.report_filename(version) == "Rapport-Ecaussinnes-Denghien-v2.pdf"


def test_another_commune_gets_404_on_every_report_url(client, tenant_a, tenant_b):
    version = ReportVersionFactory(mission=tenant_a.mission, requested_by=tenant_a.consultant, done=True)
    client.force_login(tenant_b.consultant)
    for name in ("report-download", "report-status"):
        assert client.get(_url(name, version)).status_code == 404
    for name in ("report-deliver", "report-retry"):
        assert client.post(_url(name, version)).status_code == 404
    # Another commune's version under one's own mission's URL: 404 as well.
    assert client.get(_url("report-download", version, mission=tenant_b.mission)).status_code == 404
    assert client.post(reverse("roadmap:report-generate", args=[tenant_a.mission.pk])).status_code == 404
    assert not ReportVersion.objects.filter(mission=tenant_b.mission).exists()


def test_a_user_without_membership_and_an_anonymous_visitor_get_nothing(client, tenant_a, outsider):
    version = ReportVersionFactory(mission=tenant_a.mission, requested_by=tenant_a.consultant, done=True)
    response = client.get(_url("report-download", version))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    client.force_login(outsider)
    assert client.get(_url("report-download", version)).status_code == 404


@pytest.mark.parametrize("role", [Role.STAFF, Role.COLLEGE])
def test_staff_and_the_college_neither_generate_nor_deliver_nor_preview(client, tenant_a, role):
    version = ReportVersionFactory(mission=tenant_a.mission, requested_by=tenant_a.consultant, done=True)
    failed = ReportVersionFactory(mission=tenant_a.mission, requested_by=tenant_a.consultant, status="failed")
    client.force_login(tenant_a.user(role))
    assert client.post(reverse("roadmap:report-generate", args=[tenant_a.mission.pk])).status_code == 403
    assert client.post(_url("report-deliver", version)).status_code == 403
    assert client.post(_url("report-retry", failed)).status_code == 403
    assert client.get(_url("report-status", version)).status_code == 403
    assert client.get(_url("report-preview", mission=tenant_a.mission)).status_code == 403
    assert ReportVersion.objects.count() == 2
    version.refresh_from_db()
    failed.refresh_from_db()
    assert not version.delivered and failed.status == ReportStatus.FAILED
    page = client.get(_url("reports", mission=tenant_a.mission))
    assert "Générer le rapport" not in page.text and "Marquer comme remis" not in page.text


@pytest.mark.parametrize("role", [Role.STAFF, Role.COLLEGE])
def test_staff_and_the_college_see_only_ready_versions(client, tenant_a, role):
    ReportVersionFactory(mission=tenant_a.mission, requested_by=tenant_a.consultant, number=1, done=True)
    ReportVersionFactory(mission=tenant_a.mission, requested_by=tenant_a.consultant, number=2, status="failed")
    ReportVersionFactory(mission=tenant_a.mission, requested_by=tenant_a.consultant, number=3)
    client.force_login(tenant_a.user(role))
    page = client.get(_url("reports", mission=tenant_a.mission))
    assert "Version 1" in page.text
    assert "Version 2" not in page.text and "Version 3" not in page.text


def test_a_version_not_ready_has_nothing_to_download(consultant_client, tenant_a):
    version = ReportVersionFactory(mission=tenant_a.mission, requested_by=tenant_a.consultant)
    assert consultant_client.get(_url("report-download", version)).status_code == 404


def test_a_file_gone_from_storage_is_a_404_not_a_500(consultant_client, tenant_a):
    version = ReportVersionFactory(mission=tenant_a.mission, requested_by=tenant_a.consultant, done=True)
    default_storage.delete(version.file.name)
    assert consultant_client.get(_url("report-download", version)).status_code == 404


def test_the_preview_shows_the_report_of_the_data_now(consultant_client, tenant_a):
    response = consultant_client.get(_url("report-preview", mission=tenant_a.mission))
    assert response.status_code == 200
    assert '<html lang="fr">' in response.text and "Commune A" in response.text
    assert '<base href="/static/">' in response.text
    assert not ReportVersion.objects.exists()


def test_the_annex_lists_the_ranking_and_the_sheets_as_frozen_when_asked(
    client, tenant_a, django_capture_on_commit_callbacks
):
    from io import BytesIO

    from openpyxl import load_workbook

    from tests.roadmap.factories import BudgetLineFactory, ProjectSheetFactory

    sheet = ProjectSheetFactory(mission=tenant_a.mission, code="FP-01", title='=HYPERLINK("x") guichet')
    BudgetLineFactory(sheet=sheet)
    with django_capture_on_commit_callbacks(execute=True):
        version = pipeline.request_report(tenant_a.mission, user=tenant_a.consultant)
    sheet.title = "Changé après la demande"
    sheet.save(update_fields=["title"])
    version.refresh_from_db()
    client.force_login(tenant_a.college)
    response = _download(client, version, name="report-annex")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="Rapport-Commune-A-v1-annexe.xlsx"'
    assert "no-store" in response["Cache-Control"]
    workbook = load_workbook(BytesIO(response.content_bytes))
    assert workbook.sheetnames == ["Classement", "Fiches projets"]
    rows = list(workbook["Fiches projets"].values)
    assert rows[0][:3] == ("Code", "Intitulé", "Statut")
    assert rows[1][0] == "FP-01"
    assert rows[1][1] == '=HYPERLINK("x") guichet'  # the title when it was asked, not the later one
    assert workbook["Fiches projets"]["B2"].data_type == "s"  # text, never a formula (the shared writer)
    assert rows[1][5] == 10000  # the investment, as a number
    assert ["FP-01" in row for row in workbook["Classement"].values][1:] == [True]


def test_the_annex_ranks_the_scored_sheets_in_order(case):
    from io import BytesIO

    from openpyxl import load_workbook

    from roadmap.report import annex

    workbook = load_workbook(BytesIO(annex.render_xlsx(annex.collect(case["mission"]))))
    rows = list(workbook["Classement"].values)[1:]
    assert [(row[0], row[1], row[3], row[4]) for row in rows] == [
        (1, "FP-01", 93.75, 1),
        (2, "FP-02", 50, 2),
        (3, "FP-03", 25, 3),
    ]


def test_another_commune_gets_404_on_the_annex(client, tenant_a, tenant_b):
    version = ReportVersionFactory(mission=tenant_a.mission, requested_by=tenant_a.consultant, done=True)
    client.force_login(tenant_b.college)
    assert client.get(_url("report-annex", version)).status_code == 404


# --- Delivery to the Collège ------------------------------------------------------------------------------


def test_delivering_a_version_moves_the_flag_and_the_college_sees_it_first(consultant_client, client, tenant_a):
    v1 = ReportVersionFactory(mission=tenant_a.mission, requested_by=tenant_a.consultant, number=1, done=True)
    v2 = ReportVersionFactory(mission=tenant_a.mission, requested_by=tenant_a.consultant, number=2, done=True)
    consultant_client.post(_url("report-deliver", v2))
    consultant_client.post(_url("report-deliver", v1))
    v1.refresh_from_db()
    v2.refresh_from_db()
    assert (v1.delivered, v1.delivered_by, v2.delivered) == (True, tenant_a.consultant, False)
    assert v1.delivered_at is not None and v2.delivered_at is None

    client.force_login(tenant_a.college)
    page = client.get(_url("reports", mission=tenant_a.mission)).text
    assert "Version 1, remise au Collège" in page
    assert page.index("report-" + str(v1.pk)) < page.index("report-" + str(v2.pk))  # delivered first
    assert _url("report-download", v1) in page


def test_only_a_ready_version_can_be_delivered(consultant_client, tenant_a):
    failed = ReportVersionFactory(mission=tenant_a.mission, requested_by=tenant_a.consultant, status="failed")
    response = consultant_client.post(_url("report-deliver", failed), follow=True)
    assert "Seule une version prête peut être remise au Collège." in response.text
    failed.refresh_from_db()
    assert not failed.delivered


def test_the_dashboard_offers_the_delivered_report_in_one_click(client, tenant_a, tenant_b):
    version = ReportVersionFactory(mission=tenant_a.mission, requested_by=tenant_a.consultant, number=2, done=True)
    ReportVersionFactory(mission=tenant_b.mission, requested_by=tenant_b.consultant, number=1, done=True)
    client.force_login(tenant_a.college)
    assert "rapport final" not in client.get(reverse("territoire:dashboard")).text
    pipeline.deliver_report(version, user=tenant_a.consultant)
    page = client.get(reverse("territoire:dashboard")).text
    assert _url("report-download", version) in page
    assert "Télécharger le rapport final (version 2, PDF" in page
    assert page.count("delivered-report") == 1


def test_the_dashboard_query_count_does_not_grow_with_delivered_reports(
    client, tenant_a, django_assert_max_num_queries
):
    from tests.conftest import make_tenant
    from tests.factories import MembershipFactory

    client.force_login(tenant_a.college)
    client.get(reverse("territoire:dashboard"))
    for n in range(4):
        other = make_tenant(f"Autre {n}")
        MembershipFactory(user=tenant_a.college, commune=other.commune, role=Role.COLLEGE)
        version = ReportVersionFactory(mission=other.mission, requested_by=other.consultant, done=True)
        pipeline.deliver_report(version, user=other.consultant)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("territoire:dashboard")).text
    assert page.count("delivered-report") == 4


# --- The list page and the command ---------------------------------------------------------------------------


def test_the_list_page_queries_do_not_grow_with_versions(consultant_client, tenant_a, django_assert_max_num_queries):
    from tests.factories import member

    consultant_client.get(_url("reports", mission=tenant_a.mission))
    for number in range(1, 13):
        author = member(tenant_a.commune, Role.CONSULTANT)
        ReportVersionFactory(
            mission=tenant_a.mission, requested_by=author, number=number, done=number % 3 != 0, delivered=number == 4
        )
    with django_assert_max_num_queries(7):
        page = consultant_client.get(_url("reports", mission=tenant_a.mission))
    assert page.text.count('<tr id="report-') == 12


def test_the_command_renders_with_the_worker_s_code_path(tenant_a, tmp_path):
    out = tmp_path / "rapport.pdf"
    from io import StringIO

    stdout = StringIO()
    call_command("report_render", mission=tenant_a.mission.pk, out=out, stdout=stdout)
    version = ReportVersion.objects.get(mission=tenant_a.mission)
    assert version.status == ReportStatus.DONE and version.requested_by == tenant_a.consultant
    assert out.read_bytes().startswith(b"%PDF-")
    assert hashlib.sha256(out.read_bytes()).hexdigest() == version.sha256
    text = stdout.getvalue()
    assert f"pages : {version.pages}, octets : {version.size}, secondes : " in text


def test_the_command_refuses_an_unknown_mission_and_a_user_of_another_commune(tenant_a, tenant_b, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Aucune mission"):
        call_command("report_render", mission=999999, out=tmp_path / "x.pdf")
    with pytest.raises(CommandError, match="n'est pas consultant"):
        call_command(
            "report_render", mission=tenant_a.mission.pk, out=tmp_path / "x.pdf", user=tenant_b.consultant.email
        )
    assert not ReportVersion.objects.exists()
