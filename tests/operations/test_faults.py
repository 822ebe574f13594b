"""Faults on the production stack: Redis down, a worker killed mid-render, PostgreSQL restarted under autosaves.

Each test owns the server it breaks (a redis-server, a PostgreSQL cluster started for it, its Celery workers and
gunicorn) on free loopback ports, and stops only those. They need PostgreSQL and Redis as in CI (``.ci/run``) and
skip elsewhere. The long by-hand versions and their figures are in benchmarks/README.md ("Load and faults").
"""

import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import psycopg2
import pytest
from celery import Celery
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.urls import reverse

from roadmap.models import ReportStatus, ReportVersion
from roadmap.report import pipeline
from tests.load import Client, free_port, gunicorn, health
from tests.operations.conftest import (
    QUEUE,
    celery_worker_process,
    needs_production_stack,
    respondents,
    served_database_url,
    stack_env,
    stored_answers,
)
from tests.roadmap.factories import ProjectSheetFactory

pytestmark = [needs_production_stack, pytest.mark.worker]

PASSWORD = "mot-de-passe-des-pannes"
# PostgreSQL restarted under autosaves: CI's short run; by hand, e.g. PG_SECONDS=120 PG_RESTARTS=6 PG_CLIENTS=32.
PG_CLIENTS = int(os.environ.get("PG_CLIENTS", 8))
PG_SECONDS = float(os.environ.get("PG_SECONDS", 8))
PG_RESTARTS = int(os.environ.get("PG_RESTARTS", 1))
VISIBILITY_TIMEOUT = 5  # seconds, for the worker killed mid-render


def wait_until(condition, seconds: float, message: str, interval=0.2):
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(message)
        time.sleep(interval)


def signs_in(user):
    """The user's password hashed as gunicorn's settings accept it (the tests' own hasher is MD5, for speed)."""
    user.password = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    user.save(update_fields=["password"])
    return user.username


def assert_one_good_version(mission, tmp_path) -> ReportVersion:
    versions = list(ReportVersion.objects.filter(mission=mission))
    assert len(versions) == 1
    version = versions[0]
    assert version.status == ReportStatus.DONE, version.error
    assert version.pages >= 1 and len(version.sha256) == 64
    path = tmp_path / "rapport.pdf"
    with version.file.open("rb") as handle:
        path.write_bytes(handle.read())
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert f"Pages:           {version.pages}" in info
    return version


# --- Redis down ----------------------------------------------------------------------------------


def test_with_redis_down_the_site_works_and_the_report_waits_then_renders_when_it_is_back(
    transactional_db, tenant_a, own_redis, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    ProjectSheetFactory(mission=tenant_a.mission, code="FP-01", title="Guichet électronique")
    username = signs_in(tenant_a.consultant)
    (token,), (question, *_others) = respondents(tenant_a.mission, 1)
    env = stack_env(settings.MEDIA_ROOT, REDIS_URL=own_redis.url)
    reports = reverse("roadmap:reports", args=[tenant_a.mission.pk])
    generate = reverse("roadmap:report-generate", args=[tenant_a.mission.pk])
    with (
        gunicorn(env, workers=2, log=tmp_path / "gunicorn.log") as port,
        celery_worker_process(env, tmp_path / "worker.log"),
    ):
        own_redis.kill()

        consultant, respondent = Client(port), Client(port, token)
        assert health(consultant, 0)
        assert consultant.login(username, PASSWORD), "login works without Redis (sessions in the database)"
        assert consultant.request("GET", "/")[0].status == 200
        assert consultant.request("GET", reports)[0].status == 200
        assert respondent.open_link()[0].status == 200
        assert respondent.save(question, "sans Redis"), "autosave works without Redis (cache in memory)"

        response, _page = consultant.post(generate, {})
        assert response.status == 302
        response, page = consultant.request("GET", reports)
        assert response.status == 200
        assert "Le service de rendu est momentanément indisponible" in page
        assert "la version partira dès son retour" in page
        version = ReportVersion.objects.get(mission=tenant_a.mission)
        assert version.is_unsent

        own_redis.start()  # empty, on the same port
        status = reverse("roadmap:report-status", args=[tenant_a.mission.pk, version.pk])

        def rendered():
            # The page polls the row every two seconds; the poll sends the version again once the broker answers.
            assert consultant.request("GET", status, headers={"HX-Request": "true"})[0].status == 200
            version.refresh_from_db()
            return version.status in (ReportStatus.DONE, ReportStatus.FAILED)

        wait_until(rendered, 120, "the queued report was not rendered after Redis came back", interval=1)
        consultant.close()
        respondent.close()
    version = assert_one_good_version(tenant_a.mission, tmp_path)
    assert version.attempts == 1
    assert [(value, q) for _t, q, value in stored_answers(tenant_a.mission)] == [("sans Redis", question)]


# --- A worker killed during a render --------------------------------------------------------------


def test_a_worker_killed_mid_render_is_replaced_and_the_redelivered_task_makes_one_good_version(
    transactional_db, tenant_a, own_redis, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    for n in range(1, 13):  # enough pages that the render takes a few seconds
        ProjectSheetFactory(mission=tenant_a.mission, code=f"FP-{n:02}", title=f"Projet numéro {n}")
    version = pipeline.create_version(tenant_a.mission, user=tenant_a.consultant)  # queued, not yet sent
    # Redis hands a task its worker never acknowledged to another worker after the visibility timeout: short here.
    env = stack_env(settings.MEDIA_ROOT, REDIS_URL=own_redis.url, CELERY_VISIBILITY_TIMEOUT=VISIBILITY_TIMEOUT)
    with celery_worker_process(env, tmp_path / "worker-1.log") as first:
        # Not the current app: shared tasks sent later in this process (other tests) must not follow it.
        sender = Celery("faults-sender", broker=own_redis.url, set_as_current=False)
        try:
            sender.send_task("roadmap.report_render", args=[version.pk], queue=f"{QUEUE}-pdf")
        finally:
            sender.close()

        def rendering():
            version.refresh_from_db()
            return version.status != ReportStatus.QUEUED

        wait_until(rendering, 60, "the worker never started the render", interval=0.02)
        os.killpg(first.pid, signal.SIGKILL)  # the worker and its pool process, as the OOM killer would
        first.wait()
        killed = time.monotonic()
    version.refresh_from_db()
    assert version.status == ReportStatus.RENDERING and version.attempts == 1, "killed before the end of the render"

    # Redis gives the unacknowledged task back once the visibility timeout has passed since its delivery; a worker
    # looks for such tasks when it starts, then every 100 s: start the new one past the timeout, as in production
    # (where the timeout is longer than a render and a replacement worker is up long before the next look).
    time.sleep(max(0.0, killed + VISIBILITY_TIMEOUT + 0.5 - time.monotonic()))
    with celery_worker_process(env, tmp_path / "worker-2.log"):

        def finished():
            version.refresh_from_db()
            return version.status in (ReportStatus.DONE, ReportStatus.FAILED)

        wait_until(finished, 90, "the task was not delivered again to the new worker")
    version = assert_one_good_version(tenant_a.mission, tmp_path)
    assert version.attempts == 2
    folder = Path(settings.MEDIA_ROOT) / Path(version.file.name).parent
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        Path(name).name for name in (version.file.name, version.annex_file.name)
    ), "nothing left of the killed attempt"


# --- PostgreSQL restarted during autosave traffic ---------------------------------------------------


class PostgresCluster:
    """A throwaway PostgreSQL cluster (initdb, fsync off) on a free port, run as ``postgres`` when we are root."""

    def __init__(self, port: int):
        versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
        self.bin = versions[-1] if versions else None
        self.port = port
        self.as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        self.folder = Path(tempfile.mkdtemp(prefix="territoire-faults-pg."))
        self.data = self.folder / "data"
        self.url = f"postgres://postgres@127.0.0.1:{port}/faults"

    def run(self, *command):
        subprocess.run([*self.as_owner, *command], check=True, capture_output=True, timeout=120)

    def start(self):
        if self.as_owner:
            shutil.chown(self.folder, "postgres", "postgres")
        self.run(self.bin / "initdb", "-D", self.data, "--no-sync", "-A", "trust", "-U", "postgres", "-E", "UTF8")
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.run(self.bin / "pg_ctl", "-D", self.data, "-l", self.folder / "server.log", "-w", "-o", options, "start")
        self.run(self.bin / "createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "faults")

    def restart(self):
        # With its log file named again: otherwise the new server writes to (and holds open) our output pipe.
        self.run(self.bin / "pg_ctl", "-D", self.data, "-l", self.folder / "server.log", "-m", "fast", "-w", "restart")

    def copy_database(self, source_url: str):
        """Schema and rows of ``source_url`` (the test database, with the test's data committed) into ``faults``."""
        dump = subprocess.run(
            [self.bin / "pg_dump", "--no-owner", "--no-privileges", "-d", source_url],
            check=True,
            capture_output=True,
        ).stdout
        subprocess.run(
            [self.bin / "psql", "-q", "-v", "ON_ERROR_STOP=1", "-d", self.url],
            input=dump,
            check=True,
            capture_output=True,
        )

    def stop(self):
        subprocess.run(
            [*self.as_owner, self.bin / "pg_ctl", "-D", self.data, "-m", "immediate", "stop"], capture_output=True
        )
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture
def own_postgres():
    cluster = PostgresCluster(free_port())
    if cluster.bin is None or not (cluster.bin / "initdb").exists():
        shutil.rmtree(cluster.folder)
        pytest.skip("PostgreSQL's server binaries (initdb, pg_ctl) are not installed")
    if cluster.as_owner and not shutil.which("runuser"):
        shutil.rmtree(cluster.folder)
        pytest.skip("running as root without runuser: cannot start PostgreSQL as its own user")
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()


def test_postgresql_restarted_under_autosave_traffic_loses_and_duplicates_no_answer(
    transactional_db, tenant_a, own_postgres, tmp_path
):
    tokens, questions = respondents(tenant_a.mission, PG_CLIENTS)
    own_postgres.copy_database(served_database_url())
    env = stack_env(tmp_path / "media", DATABASE_URL=own_postgres.url)
    acknowledged: dict[tuple[str, int], str] = {}
    failures, after_restart = [], []
    restarted = threading.Event()

    def respondent(client, stop):
        n = 0
        while time.monotonic() < stop:
            question, value = questions[n % len(questions)], f"{client.token[:6]}-{n}"
            # Like the page's autosave: a failed save (error page, refused connection) is sent again until stored.
            while True:
                try:
                    if client.save(question, value, attempts=1):
                        break
                except OSError:
                    pass
                failures.append(value)
                assert time.monotonic() < stop + 60, "a save kept failing after the restart"
                time.sleep(0.2)
            acknowledged[(client.token, question)] = value
            if restarted.is_set():
                after_restart.append(value)
            n += 1

    with gunicorn(env, workers=2, log=tmp_path / "gunicorn.log") as port:
        clients = [Client(port, token) for token in tokens]
        for client in clients:
            assert client.open_link()[0].status == 200
        started = time.monotonic()
        stop = started + PG_SECONDS
        threads = [threading.Thread(target=respondent, args=(client, stop)) for client in clients]
        for thread in threads:
            thread.start()
        for n in range(1, PG_RESTARTS + 1):  # evenly spread over the traffic
            time.sleep(max(0.0, started + n * PG_SECONDS / (PG_RESTARTS + 1) - time.monotonic()))
            own_postgres.restart()
            restarted.set()
        for thread in threads:
            thread.join(90)
        assert health(clients[0], 0), "the app serves again without being restarted"
        for client in clients:
            client.close()

    print(f"\n{len(acknowledged)} questions, {len(failures)} failed saves sent again, {len(after_restart)} after")
    assert after_restart, "saves went on after the restart"
    with psycopg2.connect(own_postgres.url) as connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.token, a.question_id, a.value FROM diagnostics_answer a JOIN diagnostics_response r "
            "ON r.id = a.response_id JOIN diagnostics_invitation i ON i.id = r.invitation_id"
        )
        stored = cursor.fetchall()
    connection.close()
    assert len(stored) == len({(token, question) for token, question, _value in stored}), "one row per question"
    assert {(token, question): value for token, question, value in stored} == acknowledged
