"""The settings module, run as a separate process the way each environment would start it."""

import os
import secrets
import subprocess
import sys

import pytest
from django.core.management import call_command

from tests.conftest import ROOT

VARIABLES = (
    "DATABASE_URL",
    "REDIS_URL",
    "DJANGO_DEBUG",
    "DJANGO_SECRET_KEY",
    "DJANGO_ALLOWED_HOSTS",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)


def run(args, **env):
    clean = {k: v for k, v in os.environ.items() if k not in VARIABLES}
    # A bound against a hang, not a speed test: migrating from scratch took over 120 s on a busy 2-core machine.
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=600
    )


PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
    "DJANGO_ALLOWED_HOSTS": "territoire.example.org",
}


def test_production_mode_passes_check_deploy():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_secret_key():
    result = run(["manage.py", "check"], DJANGO_DEBUG="0", DJANGO_ALLOWED_HOSTS="territoire.example.org")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_malformed_boolean_is_refused():
    result = run(["manage.py", "check"], DJANGO_DEBUG="peut-être")
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be one of" in result.stderr


SHOW = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.CACHES['default']['BACKEND'])"
)


def test_embedded_default_is_sqlite_and_eager():
    result = run(["-c", SHOW], DJANGO_SETTINGS_MODULE="territoire.settings")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "True",
        "django.core.cache.backends.locmem.LocMemCache",
    ]


def test_environment_selects_postgresql_and_redis():
    result = run(
        ["-c", SHOW],
        DJANGO_SETTINGS_MODULE="territoire.settings",
        DATABASE_URL="postgres://u:p@db:5432/territoire",
        REDIS_URL="redis://redis:6379/0",
    )
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "False",
        "territoire.cache.FallbackRedisCache",
    ]


def test_embedded_default_runs_the_demo_from_scratch(tmp_path):
    """What the README's first command does, on a throwaway SQLite file, tasks in-process."""
    db = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    assert run(["manage.py", "migrate", "--noinput", "-v0"], DATABASE_URL=db).returncode == 0
    seeded = run(["manage.py", "seed_demo"], DATABASE_URL=db)
    assert seeded.returncode == 0, seeded.stderr
    assert "claire.dubois" in seeded.stdout and "territoire-demo" in seeded.stdout
    task = run(
        [
            "manage.py",
            "shell",
            "-c",
            "from territoire.tasks import selfcheck_task; print(selfcheck_task.delay().get())",
        ],
        DATABASE_URL=db,
    )
    assert task.returncode == 0, task.stderr
    assert "'communes': 3" in task.stdout and "'pdf_magic': '%PDF-'" in task.stdout


def test_migrations_are_complete(db):
    try:
        call_command("makemigrations", "--check", "--dry-run", verbosity=0)
    except SystemExit as exc:
        pytest.fail(f"models and migrations differ: run makemigrations (exit {exc.code})")


def test_every_variable_read_is_documented_in_env_example():
    import re

    read = set(re.findall(r'env\w*(?:\.\w+)?\(\s*"([A-Z][A-Z0-9_]+)"', (ROOT / "territoire/settings.py").read_text()))
    documented = set(re.findall(r"^([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert read, "the pattern no longer finds the variables"
    assert read - documented == set()


def test_empty_variables_count_as_unset():
    result = run(["-c", SHOW], DJANGO_SETTINGS_MODULE="territoire.settings", DATABASE_URL="", REDIS_URL="")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[:2] == ["django.db.backends.sqlite3", "True"]


def test_docker_compose_starts_every_service_with_a_healthcheck():
    import yaml

    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert set(compose["services"]) == {"web", "worker", "worker-pdf", "beat", "postgres", "redis"}
    for name, service in compose["services"].items():
        assert "healthcheck" in service, name
    assert "media" in compose["volumes"]
    assert "--max-tasks-per-child" in compose["services"]["worker"]["command"]


def test_an_env_file_is_read_only_when_named(tmp_path):
    env_file = tmp_path / "territoire.env"
    env_file.write_text("DATABASE_URL=postgres://u:p@db:5432/territoire\nREDIS_URL=redis://redis:6379/0\n")
    result = run(["-c", SHOW], DJANGO_SETTINGS_MODULE="territoire.settings", DJANGO_ENV_FILE=str(env_file))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[:2] == ["django.db.backends.postgresql", "False"]


def test_a_missing_env_file_is_refused(tmp_path):
    result = run(["manage.py", "check"], DJANGO_ENV_FILE=str(tmp_path / "absent.env"))
    assert result.returncode != 0
    assert "DJANGO_ENV_FILE names" in result.stderr
