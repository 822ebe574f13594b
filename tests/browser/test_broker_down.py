"""What a person sees while the broker (Redis) is down: the export's page and the PST analysis say their request
is recorded and waits for the service (issue 14, ``territoire.queueing``)."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from territoire.models import ExportStatus, PSTImport, UnsentTask
from tests.conftest import make_tenant
from tests.territoire.factories import ExportJobFactory

UNAVAILABLE = "Le service de traitement est momentanément indisponible"


@pytest.fixture
def tenant(transactional_db):
    return make_tenant("Val-d'Ourthe")


def test_a_request_waiting_for_the_broker_says_so(page, live_server, login, screenshot, assert_accessible, tenant):
    job = ExportJobFactory(
        commune=tenant.commune,
        mission=tenant.mission,
        requested_by=tenant.consultant,
        status=ExportStatus.PENDING,
        file=None,
        filename="",
    )
    UnsentTask.objects.create(name="territoire.export_run", args=f"[{job.pk}]")
    pst_import = PSTImport.objects.create(
        commune=tenant.commune,
        by=tenant.consultant,
        file_name="pst.csv",
        start_year=2024,
        end_year=2030,
        status=PSTImport.Status.ANALYSING,
    )
    UnsentTask.objects.create(name="territoire.pst_import_analyse", args=f"[{pst_import.pk}]")
    login(tenant.consultant)

    page.goto(live_server.url + reverse("territoire:export-job", args=[job.pk]))
    expect(page.get_by_text(UNAVAILABLE)).to_be_visible()
    assert_accessible()
    screenshot("export-waiting-for-the-broker")

    page.goto(live_server.url + reverse("territoire:pst-import-preview", args=[tenant.mission.pk, pst_import.pk]))
    expect(page.get_by_text(UNAVAILABLE)).to_be_visible()
    assert_accessible()
    screenshot("pst-analysis-waiting-for-the-broker")
