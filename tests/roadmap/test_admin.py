"""The platform admin lists the timeline, the Collège's versions and decisions, and export jobs; versions and
decisions are read-only there (they are what the Collège was shown and what it said)."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from roadmap.models import BudgetEnvelope, DecisionChoice, RoadmapDecision, SheetPin, TimelineSettings
from territoire.models import ExportJob, ExportKind
from tests.factories import UserFactory
from tests.roadmap.factories import roadmap_objects, version_objects


@pytest.fixture
def admin_objects(tenant_a):
    sheet = roadmap_objects(tenant_a)["sheet"]
    version = version_objects(tenant_a)["version"]
    decision = RoadmapDecision.objects.create(
        version=version,
        member=tenant_a.college,
        decision=DecisionChoice.VALIDATED,
        comment="D'accord",
        decided_at=timezone.now(),
    )
    return {
        "timelinesettings": TimelineSettings.objects.create(mission=tenant_a.mission, start_year=2027),
        "budgetenvelope": BudgetEnvelope.objects.create(mission=tenant_a.mission, year=2027, amount=Decimal("50000")),
        "sheetpin": SheetPin.objects.create(sheet=sheet, start_year=2027, start_quarter=2, by=tenant_a.consultant),
        "roadmapversion": version,
        "roadmapdecision": decision,
    }


@pytest.mark.parametrize(
    "model", ["timelinesettings", "budgetenvelope", "sheetpin", "roadmapversion", "roadmapdecision"]
)
def test_platform_admin_reads_the_timeline_and_the_college_tables(client, admin_objects, model):
    client.force_login(UserFactory(superuser=True))
    obj = admin_objects[model]
    assert client.get(reverse(f"admin:roadmap_{model}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:roadmap_{model}_change", args=[obj.pk])).status_code == 200


def test_versions_and_decisions_are_read_only_in_the_admin(client, admin_objects):
    client.force_login(UserFactory(superuser=True))
    decision = admin_objects["roadmapdecision"]
    assert client.get(reverse("admin:roadmap_roadmapversion_add")).status_code == 403
    assert client.get(reverse("admin:roadmap_roadmapdecision_add")).status_code == 403
    response = client.post(
        reverse("admin:roadmap_roadmapdecision_change", args=[decision.pk]),
        {"decision": DecisionChoice.TO_REVISE, "comment": "changé"},
    )
    assert response.status_code == 403
    decision.refresh_from_db()
    assert (decision.decision, decision.comment) == (DecisionChoice.VALIDATED, "D'accord")


def test_platform_admin_reads_export_jobs(client, tenant_a):
    job = ExportJob.objects.create(
        commune=tenant_a.commune,
        kind=ExportKind.PST_XLSX,
        params={},
        params_key="{}",
        requested_by=tenant_a.consultant,
    )
    client.force_login(UserFactory(superuser=True))
    assert client.get(reverse("admin:territoire_exportjob_changelist")).status_code == 200
    assert client.get(reverse("admin:territoire_exportjob_change", args=[job.pk])).status_code == 200
    assert client.get(reverse("admin:territoire_exportjob_add")).status_code == 403


def test_a_consultant_has_no_admin_for_versions(client, tenant_a):
    client.force_login(tenant_a.consultant)
    response = client.get(reverse("admin:roadmap_roadmapversion_changelist"))
    assert response.status_code == 302 and "/login/" in response["Location"]
