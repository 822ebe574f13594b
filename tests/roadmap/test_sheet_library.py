"""The library of sheet templates: built-in ones, a consultant's own across their missions, and nobody else's."""

from decimal import Decimal

import pytest

from roadmap.models import ProjectSheet, SheetTemplate
from tests.factories import MissionFactory
from tests.roadmap.factories import BudgetLineFactory, ProjectSheetFactory, SheetTemplateFactory

pytestmark = pytest.mark.django_db


def _url(mission, rest=""):
    return f"/missions/{mission.pk}/feuille-de-route/{rest}"


def test_builtin_templates_are_seeded_and_listed(client, tenant_a):
    client.force_login(tenant_a.consultant)
    page = client.get(_url(tenant_a.mission, "modeles/")).content.decode()
    for name in ("E-guichet communal", "Parking vélo connecté", "Portail open data", "Éclairage public intelligent"):
        assert name in page


def test_create_a_sheet_from_a_builtin_template(client, tenant_a):
    template = SheetTemplate.objects.get(name="Parking vélo connecté", owner=None)
    client.force_login(tenant_a.consultant)
    response = client.post(_url(tenant_a.mission, f"modeles/{template.pk}/utiliser/"))
    sheet = ProjectSheet.objects.get(mission=tenant_a.mission)
    assert response.url == _url(tenant_a.mission, f"fiches/{sheet.pk}/modifier/")
    assert (sheet.title, sheet.theme, sheet.status) == ("Parking vélo connecté", "mobility", "draft")
    assert sorted(sheet.budget_lines.values_list("amount", flat=True)) == [
        Decimal("5000.00"),
        Decimal("30000.00"),
        Decimal("60000.00"),
    ]
    assert sheet.risks.count() == 1 and sheet.indicators.count() == 1
    assert sheet.fte_internal == Decimal("0.20")


def test_save_as_template_then_reuse_it_in_another_mission_of_the_consultant(client, tenant_a):
    sheet = ProjectSheetFactory(mission=tenant_a.mission, context="Gare sans parking", theme="mobility")
    BudgetLineFactory(sheet=sheet, label="Box vélos", amount=Decimal("81000"))
    client.force_login(tenant_a.consultant)
    client.post(_url(tenant_a.mission, f"fiches/{sheet.pk}/modele/"), {"name": "Mon parking vélo"})
    template = SheetTemplate.objects.get(owner=tenant_a.consultant)
    other_mission = MissionFactory(commune=tenant_a.commune, referents=[tenant_a.consultant])
    assert "Mon parking vélo" in client.get(_url(other_mission, "modeles/")).content.decode()
    client.post(_url(other_mission, f"modeles/{template.pk}/utiliser/"))
    copy = ProjectSheet.objects.get(mission=other_mission)
    assert copy.context == "Gare sans parking"
    assert list(copy.budget_lines.values_list("label", "amount")) == [("Box vélos", Decimal("81000.00"))]


def test_another_consultants_template_is_not_offered_nor_usable(client, tenant_a, tenant_b):
    theirs = SheetTemplateFactory(owner=tenant_b.consultant, name="Modèle de B")
    client.force_login(tenant_a.consultant)
    assert "Modèle de B" not in client.get(_url(tenant_a.mission, "modeles/")).content.decode()
    assert client.post(_url(tenant_a.mission, f"modeles/{theirs.pk}/utiliser/")).status_code == 404
    assert client.post(_url(tenant_a.mission, f"modeles/{theirs.pk}/supprimer/")).status_code == 404
    assert not ProjectSheet.objects.filter(mission=tenant_a.mission).exists()
    assert SheetTemplate.objects.filter(pk=theirs.pk).exists()


def test_a_builtin_template_cannot_be_deleted_by_a_consultant(client, tenant_a):
    template = SheetTemplate.objects.filter(owner=None).first()
    client.force_login(tenant_a.consultant)
    client.post(_url(tenant_a.mission, f"modeles/{template.pk}/supprimer/"))
    assert SheetTemplate.objects.filter(pk=template.pk).exists()


@pytest.mark.parametrize("role", ["staff", "college"])
def test_staff_and_college_have_no_library(client, tenant_a, role):
    template = SheetTemplate.objects.filter(owner=None).first()
    client.force_login(getattr(tenant_a, role))
    assert client.get(_url(tenant_a.mission, "modeles/")).status_code == 403
    assert client.post(_url(tenant_a.mission, f"modeles/{template.pk}/utiliser/")).status_code == 403
    assert not ProjectSheet.objects.filter(mission=tenant_a.mission).exists()


def test_an_empty_template_name_is_refused(client, tenant_a):
    sheet = ProjectSheetFactory(mission=tenant_a.mission)
    client.force_login(tenant_a.consultant)
    response = client.post(_url(tenant_a.mission, f"fiches/{sheet.pk}/modele/"), {"name": ""}, follow=True)
    assert "Donnez un nom au modèle" in response.content.decode()
    assert not SheetTemplate.objects.filter(owner=tenant_a.consultant).exists()


def test_platform_admin_edits_funding_calls_and_templates(client, db):
    from django.urls import reverse

    from roadmap.models import FundingCall
    from tests.factories import UserFactory

    client.force_login(UserFactory(superuser=True))
    call = FundingCall.objects.get(name="Territoire intelligent 2019")
    assert client.get(reverse("admin:roadmap_fundingcall_changelist")).status_code == 200
    assert client.get(reverse("admin:roadmap_fundingcall_change", args=[call.pk])).status_code == 200
    assert client.get(reverse("admin:roadmap_sheettemplate_changelist")).status_code == 200
    response = client.post(
        reverse("admin:roadmap_fundingcall_add"),
        {"name": "Appel vélo", "funder": "Wallonie", "rate": "80", "eligible_themes": ["mobility"], "url": ""},
    )
    assert response.status_code == 302
    assert FundingCall.objects.get(name="Appel vélo").eligible_themes == ["mobility"]


def test_a_consultant_has_no_admin_for_funding_calls(client, tenant_a):
    client.force_login(tenant_a.consultant)
    response = client.get("/admin/roadmap/fundingcall/")
    assert response.status_code == 302 and "/login/" in response["Location"]
