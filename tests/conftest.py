import os
import subprocess
import sys
import time
import uuid
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

    Tests that ask for the ``celery_worker`` fixture get the real worker process instead: that is
    where CI proves the production path.
    """
    from django.conf import settings

    from territoire.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = not (settings.REDIS_URL and "celery_worker" in request.fixturenames)
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
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


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, django_db_blocker, tmp_path_factory):
    """Start ``celery worker`` as a separate process on the test database and a private queue.

    Without REDIS_URL, tasks run eagerly in-process and this fixture yields None. Tests that use
    it must commit their data (``transactional_db``) so the worker's connection sees it.
    """
    from django.conf import settings
    from django.db import connection

    from territoire.celery import app

    if not settings.REDIS_URL:
        yield None
        return
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "CELERY_QUEUE": queue}
    if "DATABASE_URL" in os.environ:
        env["DATABASE_URL"] = _worker_database_url(connection.settings_dict["NAME"])
    log = tmp_path_factory.mktemp("celery") / "worker.log"
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
                queue,
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
    previous_queue = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    try:
        deadline = time.monotonic() + 60
        while not app.control.ping(destination=[f"{queue}@{os.uname().nodename}"], timeout=1):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the Celery worker did not start:\n{log.read_text()[-3000:]}")
        yield proc
    finally:
        app.conf.task_default_queue = previous_queue
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
