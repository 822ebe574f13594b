"""The production path of the report: a real Celery worker process renders a real PDF from the database.

With REDIS_URL (CI: PostgreSQL + Redis), ``celery_worker`` is a separate worker process on private queues and the
task goes to its PDF queue; without it, the task runs eagerly in this process (the same assertions hold).
"""

import os
import subprocess
import time
from pathlib import Path

import pytest

from roadmap.models import ReportStatus, ReportVersion
from roadmap.report import pipeline
from tests.roadmap.factories import ProjectSheetFactory


@pytest.mark.worker
def test_a_real_worker_renders_the_report_of_a_mission(transactional_db, celery_worker, settings, tenant_a, tmp_path):
    if celery_worker is not None:
        # The worker process writes under its own MEDIA_ROOT (the environment's, or the project's media folder).
        settings.MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", settings.BASE_DIR / "media"))
    ProjectSheetFactory(mission=tenant_a.mission, code="FP-01", title="Guichet électronique")
    version = pipeline.request_report(tenant_a.mission, user=tenant_a.consultant)  # enqueued on commit
    deadline = time.monotonic() + 120
    while True:
        version.refresh_from_db()
        if version.status in (ReportStatus.DONE, ReportStatus.FAILED) or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert version.status == ReportStatus.DONE, version.error
    assert version.pages >= 1 and version.size > 1000 and len(version.sha256) == 64
    path = tmp_path / "rapport.pdf"
    with version.file.open("rb") as handle:
        path.write_bytes(handle.read())
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert "Tagged:          yes" in info
    assert ReportVersion.objects.filter(mission=tenant_a.mission).count() == 1
    if settings.REDIS_URL:
        assert celery_worker is not None
    version.file.delete(save=False)  # leave nothing in a shared media folder
