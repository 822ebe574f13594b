"""What operations rely on: the health probe behind Docker, one log line per request and per task."""

import logging
import os
import secrets
import socket
import subprocess
import sys
import time

import pytest
import yaml

from tests.conftest import ROOT

COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_health_answers_any_host_without_redirect(db, client, settings):
    settings.ALLOWED_HOSTS = ["territoire.example.org"]
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/sante/", HTTP_HOST="172.18.0.5:8000")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    # Every other page still checks the host.
    assert client.get("/", HTTP_HOST="172.18.0.5:8000").status_code == 400


def test_each_request_logs_one_line_with_its_id(client, tenant_a, caplog):
    client.force_login(tenant_a.consultant)
    with caplog.at_level(logging.INFO, logger="territoire.request"):
        response = client.get(f"/missions/{tenant_a.mission.pk}/")
    assert response.status_code == 200
    [line] = [r.getMessage() for r in caplog.records if r.name == "territoire.request"]
    assert "method=GET" in line and "status=200" in line and "duration_ms=" in line
    assert f"user={tenant_a.consultant.pk}" in line and f"mission={tenant_a.mission.pk}" in line
    assert f"id={response['X-Request-ID']}" in line


@pytest.mark.urls("tests.territoire.failing_urls")
def test_the_500_page_shows_the_id_of_its_log_line(db, client, caplog):
    client.raise_request_exception = False
    with caplog.at_level(logging.INFO):
        response = client.get("/boom/")
    assert response.status_code == 500
    request_id = response["X-Request-ID"]
    page = response.content.decode()
    assert "Une erreur est survenue" in page and request_id in page
    [line] = [r.getMessage() for r in caplog.records if r.name == "territoire.request"]
    assert "status=500" in line and f"id={request_id}" in line
    # The traceback logged by Django carries the same id.
    assert any(r.name == "django.request" and r.request_id == request_id for r in caplog.records)


def test_each_task_logs_one_line(db, caplog):
    from territoire.tasks import selfcheck_task

    with caplog.at_level(logging.INFO, logger="territoire.task"):
        selfcheck_task.delay()
    [line] = [r.getMessage() for r in caplog.records if r.name == "territoire.task"]
    assert "name=territoire.selfcheck" in line
    assert "state=SUCCESS" in line and "duration_ms=" in line


def test_compose_file_defines_the_whole_platform():
    services = COMPOSE["services"]
    assert set(services) == {"web", "worker", "worker-pdf", "beat", "postgres", "redis"}
    for name, service in services.items():
        assert "healthcheck" in service, f"{name} has no healthcheck"
    web, worker, worker_pdf = services["web"], services["worker"], services["worker-pdf"]
    # One environment for web and workers: same env file, same overrides (broker, database, media).
    assert web["env_file"] == worker["env_file"] == worker_pdf["env_file"] == "docker.env"
    assert web["environment"] == worker["environment"] == worker_pdf["environment"]
    assert {"DATABASE_URL", "REDIS_URL", "MEDIA_ROOT"} <= set(web["environment"])
    for service in (web, worker, worker_pdf):
        assert "media:/app/media" in service["volumes"]
    assert set(COMPOSE["volumes"]) == {"media", "pgdata"}
    # A worker per queue: the default one (no -Q) and the PDF one, alone and recycled.
    assert "--max-tasks-per-child" in worker["command"] and "-Q" not in worker["command"]
    assert '-Q "$${CELERY_PDF_QUEUE:-$${CELERY_QUEUE:-territoire}-pdf}"' in worker_pdf["command"]
    assert "--concurrency=1" in worker_pdf["command"] and "--max-tasks-per-child" in worker_pdf["command"]
    for name in ("web", "worker", "worker-pdf", "beat"):
        assert services[name]["depends_on"]["postgres"]["condition"] == "service_healthy"
    # One beat sends the periodic tasks (late milestones) to the workers, with the same environment.
    assert "beat" in services["beat"]["command"] and services["beat"]["environment"] == web["environment"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_compose_healthcheck_passes_against_gunicorn_in_production_mode(tmp_path):
    """The exact healthcheck command of docker-compose.yml, against gunicorn with DJANGO_DEBUG=0."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))} | {
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": "territoire.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'health.sqlite3'}",
    }
    gunicorn = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "territoire.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    probe = [
        part.replace("127.0.0.1:8000", f"127.0.0.1:{port}")
        for part in COMPOSE["services"]["web"]["healthcheck"]["test"]
    ]
    assert probe[0] == "CMD"
    try:
        deadline = time.monotonic() + 30
        while True:
            result = subprocess.run(probe[1:], capture_output=True, text=True, timeout=10)
            if result.returncode == 0 or time.monotonic() > deadline or gunicorn.poll() is not None:
                break
            time.sleep(0.3)
    finally:
        gunicorn.terminate()
        output = gunicorn.communicate(timeout=20)[0].decode()
    assert result.returncode == 0, result.stderr + output
    assert "DisallowedHost" not in output
