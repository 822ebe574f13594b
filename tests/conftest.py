import os
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

# Playwright's sync API runs an event loop in the test thread; Django must accept ORM calls there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from territoire.models import Role  # noqa: E402
from tests.factories import CommuneFactory, MissionFactory, UserFactory, member  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture(autouse=True)
def _tasks_in_process(request):
    """Tasks run eagerly in the test process (mails land in mail.outbox), even when REDIS_URL is set.

    Tests that ask for the ``celery_worker`` fixture (or a ``celery_worker_*`` variant) get the real
    worker process instead: that is where CI proves the production path.
    """
    from django.conf import settings

    from territoire.celery import app

    previous = app.conf.task_always_eager
    wants_worker = any(name.startswith("celery_worker") for name in request.fixturenames)
    app.conf.task_always_eager = not (settings.REDIS_URL and wants_worker)
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    # Files on disk even when the environment names a bucket; tests/territoire/test_storage.py runs S3.
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fresh_rate_limits(settings):
    """Each test counts in its own rate-limit buckets (a prefix of its own rather than a cache
    flush: with REDIS_URL the cache shares Redis with the Celery broker)."""
    settings.RATELIMIT_CACHE_PREFIX = f"rl:{uuid.uuid4().hex}:"


@dataclass
class Tenant:
    """One commune with a mission and a person of each role."""

    commune: object
    mission: object
    consultant: object
    staff: object
    college: object

    def user(self, role):
        return {Role.CONSULTANT: self.consultant, Role.STAFF: self.staff, Role.COLLEGE: self.college}[role]


def make_tenant(name: str) -> Tenant:
    commune = CommuneFactory(name=name)
    consultant = member(commune, Role.CONSULTANT)
    return Tenant(
        commune=commune,
        mission=MissionFactory(commune=commune, referents=[consultant]),
        consultant=consultant,
        staff=member(commune, Role.STAFF),
        college=member(commune, Role.COLLEGE),
    )


@pytest.fixture
def tenant_a(db):
    return make_tenant("Commune A")


@pytest.fixture
def tenant_b(db):
    return make_tenant("Commune B")


@pytest.fixture
def outsider(db):
    """A user with no membership at all."""
    return UserFactory()


# --- A real Celery worker when REDIS_URL is set -------------------------------------------------


def _worker_database_url(test_db_name: str) -> str:
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path=f"/{test_db_name}"))


@contextmanager
def running_worker(log_dir: Path, **extra_env):
    """Start ``celery worker`` as a separate process on the test database and private queues (the
    default one and its ``-pdf`` twin); this process sends its tasks there until the block ends."""
    from django.db import connection

    from territoire.celery import app

    queue = f"test-{uuid.uuid4().hex[:8]}"
    pdf_queue = f"{queue}-pdf"
    env = {**os.environ, "CELERY_QUEUE": queue, "CELERY_PDF_QUEUE": pdf_queue, **extra_env}
    if "DATABASE_URL" in os.environ:
        env["DATABASE_URL"] = _worker_database_url(connection.settings_dict["NAME"])
    log = log_dir / f"worker-{queue}.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "territoire",
                "worker",
                "--pool=prefork",
                "--concurrency=1",
                "-Q",
                f"{queue},{pdf_queue}",
                "--hostname",
                f"{queue}@%h",
                "--without-gossip",
                "--without-mingle",
                "--loglevel=INFO",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    previous = app.conf.task_default_queue, app.conf.pdf_queue
    app.conf.task_default_queue, app.conf.pdf_queue = queue, pdf_queue
    try:
        deadline = time.monotonic() + 60
        while not app.control.ping(destination=[f"{queue}@{os.uname().nodename}"], timeout=1):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the Celery worker did not start:\n{log.read_text()[-3000:]}")
        yield proc
    finally:
        app.conf.task_default_queue, app.conf.pdf_queue = previous
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, django_db_blocker, tmp_path_factory):
    """A real worker process (``running_worker``) when REDIS_URL is set.

    Without REDIS_URL, tasks run eagerly in-process and this fixture yields None. Tests that use
    it must commit their data (``transactional_db``) so the worker's connection sees it.
    """
    from django.conf import settings

    if not settings.REDIS_URL:
        yield None
        return
    with running_worker(tmp_path_factory.mktemp("celery")) as proc:
        yield proc
