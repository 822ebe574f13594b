"""Existing initiatives: staff and consultants keep them, the Collège reads them."""

from django.urls import reverse

from diagnostics.models import Initiative
from tests.diagnostics.factories_fieldwork import InitiativeFactory

DATA = {
    "title": "Budget participatif",
    "kind": "participation",
    "theme": "governance",
    "description": "Les habitants proposent et votent des projets.",
    "service": "Participation",
    "year": "2024",
    "status": "running",
}


def url(name, tenant, **kwargs):
    return reverse(f"diagnostics:{name}", kwargs={"mission_id": tenant.mission.pk, **kwargs})


def test_staff_adds_and_edits_an_initiative(client, tenant_a):
    client.force_login(tenant_a.staff)
    assert client.post(url("initiative-create", tenant_a), DATA).status_code == 302
    initiative = Initiative.objects.get(commune=tenant_a.commune)
    assert (
        client.post(
            url("initiative-edit", tenant_a, initiative_id=initiative.pk), {**DATA, "status": "done"}
        ).status_code
        == 302
    )
    initiative.refresh_from_db()
    assert initiative.status == "done"
    html = client.get(url("initiatives", tenant_a)).content.decode()
    assert "Budget participatif" in html and "Gouvernance" in html and "depuis 2024" in html


def test_bad_year_is_refused(client, tenant_a):
    client.force_login(tenant_a.staff)
    response = client.post(url("initiative-create", tenant_a), {**DATA, "year": "1850"})
    assert "entre 1990 et 2100" in response.content.decode()


def test_college_reads_only(client, tenant_a):
    initiative = InitiativeFactory(commune=tenant_a.commune)
    client.force_login(tenant_a.college)
    assert client.get(url("initiatives", tenant_a)).status_code == 200
    assert client.post(url("initiative-create", tenant_a), DATA).status_code == 403
    assert client.post(url("initiative-delete", tenant_a, initiative_id=initiative.pk)).status_code == 403


def test_other_commune_gets_404(client, tenant_a, tenant_b):
    initiative = InitiativeFactory(commune=tenant_a.commune)
    client.force_login(tenant_b.consultant)
    assert client.get(url("initiatives", tenant_a)).status_code == 404
    assert client.get(url("initiative-edit", tenant_b, initiative_id=initiative.pk)).status_code == 404


def test_list_query_count(client, tenant_a, django_assert_max_num_queries):
    for _ in range(10):
        InitiativeFactory(commune=tenant_a.commune)
    client.force_login(tenant_a.consultant)
    with django_assert_max_num_queries(6):
        assert client.get(url("initiatives", tenant_a)).status_code == 200
