"""What the load and fault tests share: the production stack they need, servers they own, respondents.

They run where PostgreSQL and Redis do (CI: ``.ci/run``) and skip elsewhere (the default SQLite, eager setup).
Each starts real processes (gunicorn, Celery workers, a Redis or a PostgreSQL of its own) on free loopback ports
and stops only those.
"""

import os
import shutil
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis

from tests.conftest import ROOT, _worker_database_url
from tests.diagnostics.factories import CampaignFactory, InvitationFactory, QuestionFactory, SectionFactory
from tests.load import free_port, server_env

needs_production_stack = pytest.mark.skipif(
    not (os.environ.get("DATABASE_URL", "").startswith("postgres") and os.environ.get("REDIS_URL")),
    reason="needs PostgreSQL and Redis (DATABASE_URL and REDIS_URL, as .ci/run sets them)",
)

QUEUE = "faults"


def served_database_url() -> str:
    """The test database, as another process (gunicorn, a worker) reaches it."""
    from django.db import connection

    return _worker_database_url(connection.settings_dict["NAME"])


def stack_env(media_root: Path, **overrides) -> dict:
    """gunicorn's and the workers' environment: the test database, private queues, a media folder of the test."""
    defaults = {"DATABASE_URL": served_database_url(), "CELERY_QUEUE": QUEUE, "CELERY_PDF_QUEUE": f"{QUEUE}-pdf"}
    return server_env(**{**defaults, "MEDIA_ROOT": media_root, **overrides})


class RedisServer:
    """A redis-server of the test's own, on a port of its own: killed and started again on the same port."""

    def __init__(self, folder: Path):
        self.folder, self.port, self.proc = folder, free_port(), None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly"]
        command += ["no", "--dir", str(self.folder)]
        self.proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis(port=self.port, socket_connect_timeout=1)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
            finally:
                client.close()

    def kill(self):
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc = None


@pytest.fixture
def own_redis(tmp_path):
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed")
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.kill()


@contextmanager
def celery_worker_process(env: dict, log: Path):
    """``celery worker`` on the default and PDF queues of ``env`` (its broker is env's REDIS_URL), in a process
    group of its own (so that a test can kill it with its pool as a crash would); yields the Popen once ready."""
    command = [sys.executable, "-m", "celery", "-A", "territoire", "worker", "--pool=prefork", "--concurrency=1"]
    command += ["-Q", f"{env['CELERY_QUEUE']},{env['CELERY_PDF_QUEUE']}", "--hostname", f"{log.stem}@%h"]
    command += ["--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO"]
    with open(log, "ab") as out:
        proc = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        deadline = time.monotonic() + 60
        while b" ready." not in log.read_bytes():
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the Celery worker did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.2)
        yield proc
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def respondents(mission, count: int, questions: int = 5):
    """``count`` invitations to one open campaign of ``questions`` short-text questions: (tokens, question ids)."""
    campaign = CampaignFactory(questionnaire__mission=mission, mission=mission)
    section = SectionFactory(questionnaire=campaign.questionnaire, position=1)
    question_ids = [QuestionFactory(section=section, position=n + 1).pk for n in range(questions)]
    invitations = InvitationFactory.create_batch(count, campaign=campaign)
    return [invitation.token for invitation in invitations], question_ids


def stored_answers(mission) -> list[tuple[str, int, object]]:
    """Every answer of the mission's responses, as (invitation token, question id, value), one per row."""
    from diagnostics.models import Answer

    return list(
        Answer.objects.filter(response__campaign__mission=mission).values_list(
            "response__invitation__token", "question_id", "value"
        )
    )
