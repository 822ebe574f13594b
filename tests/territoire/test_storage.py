"""Every file through Django's storage API, on S3 as on a local folder.

An S3 server (moto's, in this process, on a free port) stands in for the bucket that web and workers
share when they run on several machines. Uploads, the PST analysis, exports, the logo and the PDF
rendered by a real worker (with REDIS_URL, as in CI) all go through it, and nothing of it is public.
"""

import logging
import os
import time
import urllib.error
import urllib.request
import uuid
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from territoire.celery import app
from territoire.models import Commune, ExportJob, PSTImport
from territoire.tasks import selfcheck_task
from tests.conftest import FIXTURES, running_worker
from tests.exports import download_export
from tests.territoire.factories import pst_tree
from tests.territoire.pst_files import action_rows, csv_bytes
from tests.territoire.test_commune_files import PNG
from tests.territoire.test_pst_import import last_import, upload
from tests.territoire.test_settings import run

SAMPLE = FIXTURES / "samples" / "pst_une_ligne_par_action.csv"
KEYS = {"access_key": "territoire-test", "secret_key": "territoire-test-secret", "region_name": "us-east-1"}


@pytest.fixture(scope="session")
def s3_endpoint():
    """An S3-compatible server for the whole run (moto's, threaded, on a port the kernel picks)."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one access line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def s3_client(endpoint):
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=KEYS["access_key"],
        aws_secret_access_key=KEYS["secret_key"],
        region_name=KEYS["region_name"],
    )


def new_bucket(endpoint) -> str:
    bucket = f"territoire-{uuid.uuid4().hex[:12]}"
    s3_client(endpoint).create_bucket(Bucket=bucket)
    return bucket


def s3_options(endpoint, bucket) -> dict:
    """The options settings.py gives S3Storage when AWS_STORAGE_BUCKET_NAME is set."""
    return {
        "bucket_name": bucket,
        "endpoint_url": endpoint,
        **KEYS,
        "default_acl": None,
        "querystring_auth": True,
        "querystring_expire": 60,
        "file_overwrite": False,
        "max_memory_size": 5 * 1024 * 1024,
    }


def use_bucket(settings, endpoint, bucket):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": s3_options(endpoint, bucket)},
    }


@pytest.fixture
def bucket(settings, s3_endpoint):
    """A fresh bucket of its own for the test, as the default storage; returns its name."""
    name = new_bucket(s3_endpoint)
    use_bucket(settings, s3_endpoint, name)
    return name


def bucket_keys(endpoint, bucket) -> set[str]:
    listing = s3_client(endpoint).list_objects_v2(Bucket=bucket)
    return {item["Key"] for item in listing.get("Contents", [])}


def nothing_on_disk(settings) -> bool:
    return not settings.MEDIA_ROOT.exists() or not any(settings.MEDIA_ROOT.rglob("*"))


# --- Settings -----------------------------------------------------------------------------------

SHOW_STORAGE = (
    "import django; django.setup(); from django.conf import settings as s; d = s.STORAGES['default']; "
    "o = d.get('OPTIONS', {}); print(d['BACKEND'], o.get('default_acl'), o.get('querystring_auth'), "
    "o.get('querystring_expire'), o.get('file_overwrite'), o.get('endpoint_url'), s.CELERY_PDF_QUEUE)"
)


def test_a_bucket_name_switches_files_to_a_private_s3_store():
    result = run(
        ["-c", SHOW_STORAGE],
        DJANGO_SETTINGS_MODULE="territoire.settings",
        AWS_STORAGE_BUCKET_NAME="territoire-prod",
        AWS_S3_ENDPOINT_URL="https://s3.fr-par.scw.cloud",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "storages.backends.s3.S3Storage",
        "None",  # no ACL: objects stay private, whatever the bucket's defaults
        "True",  # any URL the storage hands out is signed...
        "60",  # ...and expires within a minute
        "False",  # two uploads of "pst.xlsx" never overwrite each other
        "https://s3.fr-par.scw.cloud",
        "territoire-pdf",
    ]


def test_without_a_bucket_files_stay_in_the_media_folder():
    result = run(["-c", SHOW_STORAGE], DJANGO_SETTINGS_MODULE="territoire.settings", AWS_STORAGE_BUCKET_NAME="")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "django.core.files.storage.FileSystemStorage"


# --- Celery queues ------------------------------------------------------------------------------


def test_pdf_rendering_has_its_own_queue_and_short_tasks_the_default_one(settings):
    # A test worker may have pointed both queues at private names: read them where the router does.
    pdf_queue, default_queue = app.conf.pdf_queue, app.conf.task_default_queue
    assert pdf_queue != default_queue
    assert settings.CELERY_PDF_QUEUE == f"{settings.CELERY_TASK_DEFAULT_QUEUE}-pdf"
    route = app.amqp.router.route
    for name in ("territoire.selfcheck", "roadmap.report_render", "projects.render_award"):
        assert route({}, name)["queue"].name == pdf_queue, name
    for name in (
        "territoire.export_run",
        "territoire.pst_import_analyse",
        "diagnostics.invitations_send",
        "x.renderer",
    ):
        assert route({}, name)["queue"].name == default_queue, name


# --- Every file through the bucket --------------------------------------------------------------


def test_a_pst_is_uploaded_analysed_and_downloaded_through_the_bucket(client, tenant_a, tenant_b, settings, bucket):
    client.force_login(tenant_a.consultant)
    response = upload(client, tenant_a, SAMPLE.read_bytes(), name=SAMPLE.name)
    assert response.status_code == 302
    pst_import = last_import(tenant_a)
    assert pst_import.status == PSTImport.Status.PREVIEW, pst_import.errors  # the task read it from S3
    assert bucket_keys(settings.STORAGES["default"]["OPTIONS"]["endpoint_url"], bucket) == {pst_import.file.name}
    assert nothing_on_disk(settings)

    url = reverse("territoire:pst-import-file", args=[tenant_a.mission.pk, pst_import.pk])
    download = client.get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == SAMPLE.read_bytes()
    assert download["Cache-Control"] == "private, no-store"

    client.force_login(tenant_b.consultant)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url)["Location"].startswith(reverse("login"))


def test_two_uploads_of_the_same_name_keep_both_files(client, tenant_a, bucket):
    client.force_login(tenant_a.consultant)
    upload(client, tenant_a, SAMPLE.read_bytes(), name="pst.csv")
    first = last_import(tenant_a)
    other = csv_bytes(action_rows(n_os=1, n_oo=1, n_actions=2))
    upload(client, tenant_a, other, name="pst.csv")
    second = last_import(tenant_a)
    assert first.file.name != second.file.name
    with first.file.open("rb") as handle:
        assert handle.read() == SAMPLE.read_bytes()
    with second.file.open("rb") as handle:
        assert handle.read() == other


def test_an_export_is_written_to_the_bucket_and_downloaded_through_its_view(client, tenant_a, settings, bucket):
    pst, *_ = pst_tree(tenant_a.commune)
    client.force_login(tenant_a.consultant)
    response = download_export(client, reverse("territoire:pst-export-csv", args=[tenant_a.mission.pk, pst.pk]))
    assert "Mobilité douce" in response.content.decode("utf-8-sig")
    job = ExportJob.objects.get()
    assert job.file.name in bucket_keys(settings.STORAGES["default"]["OPTIONS"]["endpoint_url"], bucket)
    assert nothing_on_disk(settings)


def test_the_logo_is_served_from_the_bucket_to_members_only(client, tenant_a, tenant_b, settings, bucket):
    tenant_a.commune.logo.save("logo.png", ContentFile(PNG))
    url = reverse("territoire:commune-logo", args=[tenant_a.commune.pk])
    client.force_login(tenant_a.college)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == PNG
    assert nothing_on_disk(settings)
    client.force_login(tenant_b.consultant)
    assert client.get(url).status_code == 404


def test_a_file_gone_from_the_bucket_is_a_404_not_a_500(client, tenant_a, bucket):
    tenant_a.commune.logo.save("logo.png", ContentFile(PNG))
    client.force_login(tenant_a.consultant)
    upload(client, tenant_a, SAMPLE.read_bytes(), name=SAMPLE.name)
    pst_import = last_import(tenant_a)
    default_storage.delete(tenant_a.commune.logo.name)
    default_storage.delete(pst_import.file.name)
    assert client.get(reverse("territoire:commune-logo", args=[tenant_a.commune.pk])).status_code == 404
    url = reverse("territoire:pst-import-file", args=[tenant_a.mission.pk, pst_import.pk])
    assert client.get(url).status_code == 404


def test_nothing_in_the_bucket_is_public(s3_endpoint, bucket):
    name = default_storage.save("pst/1/secret.csv", ContentFile(b"budget;1500"))
    raw = f"{s3_endpoint}/{bucket}/{name}"
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(raw, timeout=10)
    refused.value.close()
    assert refused.value.code == 403, "an anonymous GET without signature is refused by the store"

    signed = default_storage.url(name)  # what a signed link would be: short-lived
    query = parse_qs(urlsplit(signed).query)
    assert int(query["Expires"][0]) - time.time() <= 61
    with urllib.request.urlopen(signed, timeout=10) as response:
        assert response.read() == b"budget;1500"


def test_a_backup_of_the_bucket_is_restored_into_an_emptied_bucket(
    transactional_db, client, tenant_a, settings, s3_endpoint, bucket, tmp_path
):
    from tests.territoire.test_backup import assert_all_back, backup, make_data, restore

    pst_import = make_data(client, tenant_a)
    archive = tmp_path / "sauvegarde.tar"
    assert "2 fichier(s)" in backup(archive)
    Commune.objects.all().delete()
    for key in bucket_keys(s3_endpoint, bucket):
        s3_client(s3_endpoint).delete_object(Bucket=bucket, Key=key)
    restore(archive, "--noinput")
    assert_all_back(client, tenant_a, pst_import)
    assert len(bucket_keys(s3_endpoint, bucket)) == 2
    assert nothing_on_disk(settings)


# --- A real worker on the bucket ----------------------------------------------------------------


@pytest.fixture(scope="module")
def celery_worker_s3(django_db_setup, django_db_blocker, tmp_path_factory, s3_endpoint):
    """With REDIS_URL: a worker process whose settings name the bucket, as on another machine.

    Yields the bucket's name and the worker process (None without REDIS_URL: tasks run in-process).
    """
    from django.conf import settings

    bucket = new_bucket(s3_endpoint)
    if not settings.REDIS_URL:
        yield bucket, None
        return
    env = {
        "AWS_STORAGE_BUCKET_NAME": bucket,
        "AWS_S3_ENDPOINT_URL": s3_endpoint,
        "AWS_ACCESS_KEY_ID": KEYS["access_key"],
        "AWS_SECRET_ACCESS_KEY": KEYS["secret_key"],
        "AWS_S3_REGION_NAME": KEYS["region_name"],
        # The worker's own folder, empty: a file it found there would not have come through the bucket.
        "MEDIA_ROOT": str(tmp_path_factory.mktemp("worker-media")),
    }
    with running_worker(tmp_path_factory.mktemp("celery-s3"), **env) as proc:
        yield bucket, proc


@pytest.mark.worker
def test_the_worker_reads_the_upload_and_renders_a_pdf_through_the_bucket(
    transactional_db, client, settings, s3_endpoint, celery_worker_s3, tenant_a
):
    bucket, worker = celery_worker_s3
    use_bucket(settings, s3_endpoint, bucket)
    client.force_login(tenant_a.consultant)
    url = reverse("territoire:pst-import", args=[tenant_a.mission.pk])
    with SAMPLE.open("rb") as file:
        response = client.post(url, {"file": file, "legislature": "2024-2030", "entity": "commune"})
    assert response.status_code == 302
    pst_import = last_import(tenant_a)
    deadline = time.monotonic() + 90
    while pst_import.status == PSTImport.Status.ANALYSING and time.monotonic() < deadline:
        time.sleep(0.5)
        pst_import.refresh_from_db()
    assert pst_import.status == PSTImport.Status.PREVIEW, pst_import.errors
    download = client.get(reverse("territoire:pst-import-file", args=[tenant_a.mission.pk, pst_import.pk]))
    assert b"".join(download.streaming_content) == SAMPLE.read_bytes()

    result = selfcheck_task.delay().get(timeout=90)
    with default_storage.open(result["pdf_name"], "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    assert result["pdf_name"] in bucket_keys(s3_endpoint, bucket)
    assert nothing_on_disk(settings)
    if worker is not None:
        assert result["pid"] != os.getpid(), "the PDF was rendered in the test process, not in the worker"
