"""The shared spreadsheet writer and the export jobs: hostile cells, the job's life, who may download, purge."""

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from territoire import exports
from territoire.models import ExportJob, ExportKind, ExportStatus, Membership, PSTNode, Role
from territoire.spreadsheets import AMOUNT_FORMAT, Sheet, csv_bytes, sheet_title, xlsx_bytes
from tests.exports import download_export
from tests.territoire.factories import ExportJobFactory, pst_tree
from tests.territoire.pst_files import action_rows
from tests.territoire.pst_files import csv_bytes as pst_csv_bytes
from tests.territoire.test_pst_import import confirm, last_import, upload

HOSTILE = ['=HYPERLINK("http://x","y")', "+1", "-1+2", "@SUM(A1)", "\t=1", "\r=1"]


def csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf"), "Excel needs the BOM to read UTF-8"
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=";"))


def xlsx_cells(content: bytes):
    return [cell for row in load_workbook(io.BytesIO(content)).active.iter_rows() for cell in row]


def assert_neutralised_in_csv(rows, values=HOSTILE):
    cells = {cell for row in rows for cell in row}
    for value in values:
        assert "'" + value in cells, value
        assert value not in cells, value


def assert_text_in_xlsx(cells, values=HOSTILE):
    for value in values:
        found = [c for c in cells if c.value == value]
        assert found, value
        assert all(c.data_type == "s" and c.quotePrefix for c in found), value
    assert not [c for c in cells if c.data_type == "f"], "no cell of an export is a formula"


# --- The writer ---------------------------------------------------------------------------------


def test_writer_neutralises_text_but_keeps_numbers_and_dates_typed():
    row = [*HOSTILE, Decimal("-12.50"), -3, 2.5, date(2026, 11, 21), None, "#N/A", "ok\x01", "-"]
    rows = csv_rows(csv_bytes(["A"] * len(row), [row]))
    assert_neutralised_in_csv(rows)
    assert rows[1][6:] == ["-12,50", "-3", "2,5", "21/11/2026", "", "#N/A", "ok\x01", "'-"]

    cells = xlsx_cells(xlsx_bytes(Sheet("Feuille", ["A"] * len(row), [row], formats={6: AMOUNT_FORMAT})))
    assert_text_in_xlsx(cells)
    data = cells[len(row) :]
    assert (data[6].value, data[6].data_type, data[6].number_format) == (-12.5, "n", AMOUNT_FORMAT)
    assert (data[7].value, data[7].data_type) == (-3, "n")
    assert data[9].data_type == "d" and data[9].number_format == "DD/MM/YYYY"
    assert (data[11].value, data[11].data_type) == ("#N/A", "s")  # text, not an error value
    assert data[12].value == "ok"  # a control character an XLSX cannot hold is dropped, not a crash


def test_header_cells_are_text_too():
    cells = xlsx_cells(xlsx_bytes(Sheet("x", ["=1+1", "B"], [])))
    assert (cells[0].value, cells[0].data_type, cells[0].font.b) == ("=1+1", "s", True)
    assert csv_rows(csv_bytes(["=1+1"], []))[0] == ["'=1+1"]


@pytest.mark.parametrize(
    ("title", "expected"),
    [("PST 2024/2030", "PST 2024 2030"), ("a[b]:c*d?e\\f", "a b c d e f"), ("'x'", "x"), ("", "Feuille")],
)
def test_sheet_titles_are_valid(title, expected):
    assert sheet_title(title) == expected
    assert len(sheet_title("Réponses " * 10)) <= 31
    workbook = load_workbook(io.BytesIO(xlsx_bytes(Sheet(title, ["A"], [[1]]))))
    assert workbook.sheetnames == [expected]


# --- The PST exports, through their jobs --------------------------------------------------------


def hostile_pst(commune):
    pst, os_node, oos, actions = pst_tree(commune)
    for action, value in zip(actions, HOSTILE, strict=False):
        action.title = value
        action.save(update_fields=["title"])
    rest = HOSTILE[len(actions) :]
    actions[0].service, actions[0].responsible = rest[0], rest[1]
    actions[0].budget = Decimal("1500.00")
    actions[0].save(update_fields=["service", "responsible", "budget"])
    return pst


def pst_url(tenant, pst, fmt):
    return reverse(f"territoire:pst-export-{fmt}", args=[tenant.mission.pk, pst.pk])


def test_pst_csv_and_xlsx_exports_neutralise_every_hostile_cell(client, tenant_a):
    pst = hostile_pst(tenant_a.commune)
    client.force_login(tenant_a.staff)
    response = download_export(client, pst_url(tenant_a, pst, "csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = csv_rows(response.content)
    assert_neutralised_in_csv(rows)
    assert "1500,00" in {cell for row in rows for cell in row}

    response = download_export(client, pst_url(tenant_a, pst, "xlsx"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"].startswith("attachment;")
    cells = xlsx_cells(response.content)
    assert_text_in_xlsx(cells)
    budget = [c for c in cells if c.value == 1500]
    assert budget and budget[0].data_type == "n" and budget[0].number_format == AMOUNT_FORMAT


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_hostile_titles_survive_an_export_and_re_import_unchanged(client, tenant_a, fmt):
    rows = action_rows(n_os=1, n_oo=1, n_actions=4)
    for row, title in zip(rows, ["- Sous-action", "+ Bonus", "=1+1", "@Agenda"], strict=True):
        row[6] = title
    client.force_login(tenant_a.consultant)
    upload(client, tenant_a, pst_csv_bytes(rows))
    confirm(client, tenant_a, last_import(tenant_a))
    pst = PSTNode.objects.first().pst
    exported = download_export(client, pst_url(tenant_a, pst, fmt))
    upload(client, tenant_a, exported.content, name=f"export.{fmt}")
    counts = last_import(tenant_a).counts
    assert (counts["created"], counts["updated"], counts["removed"]) == (0, 0, 0)
    assert set(PSTNode.objects.filter(level="action").values_list("title", flat=True)) == {
        "- Sous-action",
        "+ Bonus",
        "=1+1",
        "@Agenda",
    }


def test_the_export_button_asks_for_a_job_and_the_page_polls_until_done(client, tenant_a):
    pst, *_ = pst_tree(tenant_a.commune)
    client.force_login(tenant_a.consultant)
    detail = client.get(reverse("territoire:pst-detail", args=[tenant_a.mission.pk, pst.pk])).content.decode()
    assert f'formaction="{pst_url(tenant_a, pst, "xlsx")}"' in detail
    assert client.get(pst_url(tenant_a, pst, "xlsx")).status_code == 405, (
        "a GET (a prefetch, a crawler) builds nothing"
    )

    response = client.post(pst_url(tenant_a, pst, "xlsx"))  # the task waits for the commit: still pending
    job = ExportJob.objects.get()
    assert response["Location"] == reverse("territoire:export-job", args=[job.pk])
    assert (job.status, job.kind, job.params, job.requested_by) == (
        "pending",
        "pst_xlsx",
        {"pst": pst.pk},
        tenant_a.consultant,
    )
    page = client.get(response["Location"]).content.decode()
    assert 'hx-trigger="every 2s"' in page and "L'export attend son tour" in page
    assert f'href="{reverse("territoire:pst-detail", args=[tenant_a.mission.pk, pst.pk])}"' in page, "a way back"
    assert client.get(reverse("territoire:export-job-download", args=[job.pk])).status_code == 302

    exports.export_job_run(job_id=job.pk)
    partial = client.get(response["Location"], headers={"HX-Request": "true"}).content.decode()
    assert "every 2s" not in partial and "<html" not in partial
    assert "Votre fichier est prêt" in partial and reverse("territoire:export-job-download", args=[job.pk]) in partial


def test_a_double_click_makes_one_job(client, tenant_a, django_capture_on_commit_callbacks):
    pst, *_ = pst_tree(tenant_a.commune)
    client.force_login(tenant_a.consultant)
    first = client.post(pst_url(tenant_a, pst, "csv"))
    second = client.post(pst_url(tenant_a, pst, "csv"))
    assert first["Location"] == second["Location"] and ExportJob.objects.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        third = client.post(pst_url(tenant_a, pst, "xml"))  # another format is another job
    assert ExportJob.objects.count() == 2
    ExportJob.objects.filter(kind=ExportKind.PST_CSV).update(status=ExportStatus.DONE)
    assert client.post(pst_url(tenant_a, pst, "csv"))["Location"] == first["Location"], "just done: the same file"
    ExportJob.objects.update(created_at=timezone.now() - timedelta(minutes=2))
    assert client.post(pst_url(tenant_a, pst, "csv"))["Location"] != first["Location"], "later: fresh data"
    assert third.status_code == 302


def test_the_xml_export_runs_as_a_job_too(client, tenant_a):
    pst, *_ = pst_tree(tenant_a.commune)
    client.force_login(tenant_a.college)
    response = download_export(client, pst_url(tenant_a, pst, "xml"))
    assert response["Content-Type"] == "application/xml"
    assert response.content.startswith(b"<?xml") and b"<dataroot" in response.content


# --- Who sees a job -----------------------------------------------------------------------------


def job_urls(job):
    return [
        reverse("territoire:export-job", args=[job.pk]),
        reverse("territoire:export-job-download", args=[job.pk]),
    ]


def test_a_job_is_seen_only_by_who_asked_for_it(client, tenant_a, tenant_b, outsider):
    job = ExportJobFactory(commune=tenant_a.commune, mission=tenant_a.mission, requested_by=tenant_a.consultant)
    client.force_login(tenant_a.consultant)
    download = client.get(job_urls(job)[1])
    assert download.status_code == 200 and download["Content-Disposition"] == 'attachment; filename="pst.csv"'
    assert b"".join(download.streaming_content) == b"Volet;Code OS\r\n"
    for user in (tenant_a.staff, tenant_a.college, tenant_b.consultant, outsider):
        client.force_login(user)
        for url in job_urls(job):
            assert client.get(url).status_code == 404, (user, url)
        assert client.post(reverse("territoire:export-job-retry", args=[job.pk])).status_code == 404
    client.logout()
    assert client.get(job_urls(job)[1])["Location"].startswith(reverse("login"))


def test_a_job_follows_the_current_role(client, tenant_a):
    job = ExportJobFactory(
        commune=tenant_a.commune,
        kind=ExportKind.RESPONSES_CSV,
        params={"questionnaire": 1},
        params_key='{"questionnaire":1}',
        requested_by=tenant_a.consultant,
    )
    client.force_login(tenant_a.consultant)
    download = client.get(job_urls(job)[1])
    assert download.status_code == 200 and b"".join(download.streaming_content)
    Membership.objects.filter(user=tenant_a.consultant).update(role=Role.STAFF)  # staff do not read results
    client.force_login(tenant_a.consultant)
    assert client.get(job_urls(job)[1]).status_code == 403


# --- Failures, retries, purge -------------------------------------------------------------------


def test_a_failed_job_says_so_in_french_and_can_be_retried(client, tenant_a, monkeypatch):
    pst, *_ = pst_tree(tenant_a.commune)
    real = exports.export_type(ExportKind.PST_CSV)

    def broken(job, out):
        raise OSError("disk full")

    monkeypatch.setitem(exports._TYPES, ExportKind.PST_CSV, exports.ExportType(build=broken, perm=real.perm))
    client.force_login(tenant_a.consultant)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(pst_url(tenant_a, pst, "csv"))
    job = ExportJob.objects.get()
    assert job.status == ExportStatus.FAILED and not job.file
    page = client.get(response["Location"]).content.decode()
    assert "pas pu être produit" in page and "disk full" not in page and "Réessayer" in page
    assert client.get(reverse("territoire:export-job-download", args=[job.pk])).status_code == 302

    monkeypatch.setitem(exports._TYPES, ExportKind.PST_CSV, real)
    with TestCase.captureOnCommitCallbacks(execute=True):
        retried = client.post(reverse("territoire:export-job-retry", args=[job.pk]))
    new_job = ExportJob.objects.exclude(pk=job.pk).get()
    assert retried["Location"] == reverse("territoire:export-job", args=[new_job.pk])
    assert new_job.status == ExportStatus.DONE and new_job.file


def test_a_job_lost_by_the_worker_is_shown_failed_and_replaced(client, tenant_a):
    pst, *_ = pst_tree(tenant_a.commune)
    client.force_login(tenant_a.consultant)
    response = client.post(pst_url(tenant_a, pst, "csv"))
    lost = ExportJob.objects.get()
    ExportJob.objects.update(created_at=timezone.now() - timedelta(hours=1))
    page = client.get(response["Location"]).content.decode()
    assert "a été interrompu" in page and "every 2s" not in page
    again = client.post(pst_url(tenant_a, pst, "csv"))
    assert again["Location"] != response["Location"]
    lost.refresh_from_db()
    assert lost.status == ExportStatus.FAILED


def test_a_purged_file_gives_a_message_not_an_error(client, tenant_a):
    job = ExportJobFactory(commune=tenant_a.commune, requested_by=tenant_a.consultant)
    job.file.storage.delete(job.file.name)
    client.force_login(tenant_a.consultant)
    response = client.get(reverse("territoire:export-job-download", args=[job.pk]), follow=True)
    assert "plus disponible" in response.content.decode()


def test_purge_deletes_old_jobs_and_their_files(tenant_a):
    old = ExportJobFactory(commune=tenant_a.commune, requested_by=tenant_a.consultant)
    recent = ExportJobFactory(commune=tenant_a.commune, requested_by=tenant_a.consultant)
    ExportJob.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=8))
    storage, name = old.file.storage, old.file.name
    out = io.StringIO()
    call_command("exports_purge", stdout=out)
    assert "1 export(s) supprimé(s)" in out.getvalue()
    assert list(ExportJob.objects.all()) == [recent]
    assert not storage.exists(name) and storage.exists(recent.file.name)


@pytest.mark.worker
def test_an_export_job_round_trip_through_the_worker(transactional_db, celery_worker, tenant_a):
    """With REDIS_URL (CI), the worker process builds the file; without, the task runs in-process."""
    pst, *_ = pst_tree(tenant_a.commune)
    job = exports.export_job_request(
        commune=tenant_a.commune,
        mission=tenant_a.mission,
        kind=ExportKind.PST_XLSX,
        params={"pst": pst.pk},
        by=tenant_a.staff,
    )
    from territoire.tasks import export_run_task

    assert export_run_task.delay(job.pk).get(timeout=90) == ExportStatus.DONE
    job.refresh_from_db()
    # The file is in the worker's MEDIA_ROOT (not this test's temporary one): check the row only.
    assert job.status == ExportStatus.DONE and job.filename.endswith(".xlsx") and job.file.name.endswith(".xlsx")
