import os

import pytest
from django.conf import settings

from territoire.tasks import selfcheck_task
from tests.factories import CommuneFactory


@pytest.mark.worker
def test_task_round_trip(transactional_db, celery_worker):
    """With REDIS_URL (CI), a real worker process reads the test database and renders a PDF."""
    CommuneFactory.create_batch(2)
    result = selfcheck_task.delay().get(timeout=90)
    assert result["communes"] == 2
    assert result["pdf_magic"] == "%PDF-"
    assert result["pdf_bytes"] > 1000
    if settings.REDIS_URL:
        assert celery_worker is not None
        assert result["pid"] != os.getpid(), "the task ran in the test process, not in the worker"
    else:
        assert result["pid"] == os.getpid()
