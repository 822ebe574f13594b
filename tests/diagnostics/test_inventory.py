"""The inventory of digital systems through HTTP: roles, tenancy, bad input, alerts, diagram, exports."""

import csv
import io

import graphviz
import pytest
from django.core.cache import cache
from django.urls import reverse
from openpyxl import load_workbook

from diagnostics.models import DataFlow, DigitalSystem, FunctionCategory, PlannedNeed
from tests.diagnostics.factories_fieldwork import FlowFactory, SystemFactory


def url(name, tenant, **kwargs):
    return reverse(f"diagnostics:{name}", kwargs={"mission_id": tenant.mission.pk, **kwargs})


SYSTEM_DATA = {
    "name": "iA.Population",
    "category": FunctionCategory.POPULATION,
    "vendor": "iMio",
    "services": "Population, État civil",
    "yearly_cost": "4500.00",
    "contract_end": "",
    "hosting": "intercommunal",
    "personal_data": "on",
    "notes": "",
}


@pytest.fixture
def inventory(tenant_a):
    c = tenant_a.commune
    site = SystemFactory(commune=c, name="Site communal", category=FunctionCategory.WEBSITE)
    guichet = SystemFactory(commune=c, name="E-guichet", category=FunctionCategory.EGUICHET)
    compta1 = SystemFactory(commune=c, name="Onyx", category=FunctionCategory.FINANCE)
    compta2 = SystemFactory(commune=c, name="Tableur budget", category=FunctionCategory.FINANCE)
    SystemFactory(commune=c, name="Agenda des salles", category=FunctionCategory.ROOM_BOOKING)
    FlowFactory(source=guichet, target=site, mode=DataFlow.Mode.API, data="Formulaires")
    FlowFactory(source=compta1, target=compta2, data="Factures")
    FlowFactory(source=None, target=compta1, commune=c, external_party="BCE", data="Entreprises", mode="file")
    return {"site": site, "guichet": guichet, "compta1": compta1, "compta2": compta2}


def test_consultant_sees_alerts_diagram_and_flows(client, tenant_a, inventory):
    client.force_login(tenant_a.consultant)
    response = client.get(url("inventory", tenant_a))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Doublon d&#x27;outils" in html or "Doublon d'outils" in html
    assert "Double encodage" in html
    assert "Outil isolé (silo)" in html
    assert "<svg" in html and "<?xml" not in html and "<!DOCTYPE svg" not in html
    assert "Agenda des salles" in html
    assert "BCE" in html  # the outside in the table of flows (the diagram's text alternative)


def test_inventory_page_query_count_is_constant(client, tenant_a, inventory, django_assert_max_num_queries):
    for n in range(15):
        SystemFactory(commune=tenant_a.commune, name=f"Outil {n}", category=FunctionCategory.OTHER)
    client.force_login(tenant_a.staff)
    with django_assert_max_num_queries(12):
        assert client.get(url("inventory", tenant_a)).status_code == 200


def test_diagram_escapes_names_and_references_nothing_outside(client, tenant_a):
    SystemFactory(commune=tenant_a.commune, name='<script>alert("x")</script>', category=FunctionCategory.WEBSITE)
    client.force_login(tenant_a.consultant)
    html = client.get(url("inventory", tenant_a)).content.decode()
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert "<script" not in svg
    assert "&lt;script&gt;" in svg
    assert "http://" not in svg.replace("http://www.w3.org/", "") and "https://" not in svg


def test_missing_dot_shows_a_message_not_an_error(client, tenant_a, inventory, monkeypatch):
    def no_dot(*args, **kwargs):
        raise graphviz.ExecutableNotFound(("dot",))

    monkeypatch.setattr(graphviz.Digraph, "pipe", no_dot)
    cache.clear()  # the layout of an identical inventory may be cached by an earlier test
    client.force_login(tenant_a.consultant)
    response = client.get(url("inventory", tenant_a))
    assert response.status_code == 200
    assert "Graphviz (dot) n&#x27;est pas installé" in response.content.decode()


def test_staff_adds_a_system(client, tenant_a):
    client.force_login(tenant_a.staff)
    response = client.post(url("system-create", tenant_a), SYSTEM_DATA)
    assert response.status_code == 302
    system = DigitalSystem.objects.get(commune=tenant_a.commune)
    assert system.name == "iA.Population" and system.personal_data and str(system.yearly_cost) == "4500.00"


def test_duplicate_name_is_refused_whatever_the_case(client, tenant_a):
    SystemFactory(commune=tenant_a.commune, name="iA.Population")
    client.force_login(tenant_a.consultant)
    response = client.post(url("system-create", tenant_a), {**SYSTEM_DATA, "name": "IA.POPULATION"})
    assert response.status_code == 200
    assert "Un outil nommé « IA.POPULATION » existe déjà" in response.content.decode()
    assert DigitalSystem.objects.count() == 1


def test_same_name_in_another_commune_is_fine(client, tenant_a, tenant_b):
    SystemFactory(commune=tenant_b.commune, name="iA.Population")
    client.force_login(tenant_a.consultant)
    assert client.post(url("system-create", tenant_a), SYSTEM_DATA).status_code == 302


def test_college_reads_but_cannot_edit(client, tenant_a, inventory):
    client.force_login(tenant_a.college)
    page = client.get(url("inventory", tenant_a))
    assert page.status_code == 200
    assert reverse("diagnostics:system-create", args=[tenant_a.mission.pk]) not in page.content.decode()
    assert client.post(url("system-create", tenant_a), SYSTEM_DATA).status_code == 403
    assert client.get(url("system-edit", tenant_a, system_id=inventory["site"].pk)).status_code == 403
    assert client.post(url("system-delete", tenant_a, system_id=inventory["site"].pk)).status_code == 403


def test_other_commune_gets_404(client, tenant_a, tenant_b, inventory):
    client.force_login(tenant_b.consultant)
    assert client.get(url("inventory", tenant_a)).status_code == 404
    # Even through their own mission, commune A's system is not found.
    assert client.get(url("system-edit", tenant_b, system_id=inventory["site"].pk)).status_code == 404


def test_flow_from_a_system_to_itself_is_refused(client, tenant_a, inventory):
    client.force_login(tenant_a.staff)
    site = inventory["site"].pk
    response = client.post(
        url("flow-create", tenant_a),
        {"source": site, "target": site, "data": "Pages", "mode": "manual", "frequency": "daily"},
    )
    assert response.status_code == 200
    assert "un outil ne s&#x27;envoie pas de données à lui-même" in response.content.decode()
    assert DataFlow.objects.count() == 3


def test_flow_to_a_system_of_another_commune_is_refused(client, tenant_a, tenant_b, inventory):
    foreign = SystemFactory(commune=tenant_b.commune)
    client.force_login(tenant_a.staff)
    response = client.post(
        url("flow-create", tenant_a),
        {"source": inventory["site"].pk, "target": foreign.pk, "data": "x", "mode": "api", "frequency": "daily"},
    )
    assert response.status_code == 200
    assert DataFlow.objects.count() == 3


def test_flow_with_the_outside(client, tenant_a, inventory):
    client.force_login(tenant_a.staff)
    response = client.post(
        url("flow-create", tenant_a),
        {
            "source": "",
            "target": inventory["guichet"].pk,
            "external_party": "Citoyens",
            "data": "Demandes de documents",
            "mode": "api",
            "frequency": "realtime",
        },
    )
    assert response.status_code == 302
    flow = DataFlow.objects.get(external_party="Citoyens")
    assert flow.source is None and flow.source_label == "Citoyens"


def test_flow_needs_at_least_one_system(client, tenant_a, inventory):
    client.force_login(tenant_a.staff)
    response = client.post(
        url("flow-create", tenant_a), {"source": "", "target": "", "data": "x", "mode": "api", "frequency": "daily"}
    )
    assert "choisissez au moins un outil" in response.content.decode()


def test_edit_and_delete_a_flow(client, tenant_a, inventory):
    flow = DataFlow.objects.get(data="Factures")
    client.force_login(tenant_a.consultant)
    response = client.post(
        url("flow-edit", tenant_a, flow_id=flow.pk),
        {"source": flow.source_id, "target": flow.target_id, "data": "Factures", "mode": "api", "frequency": "daily"},
    )
    assert response.status_code == 302
    flow.refresh_from_db()
    assert flow.mode == "api"
    assert client.post(url("flow-delete", tenant_a, flow_id=flow.pk)).status_code == 302
    assert not DataFlow.objects.filter(pk=flow.pk).exists()


def test_planned_needs_raise_foundation_alerts(client, tenant_a, inventory):
    client.force_login(tenant_a.staff)
    client.post(url("inventory-needs", tenant_a), {"needs": ["online_payment", "open_data"]})
    assert set(PlannedNeed.objects.values_list("need", flat=True)) == {"online_payment", "open_data"}
    html = client.get(url("inventory", tenant_a)).content.decode()
    assert "Données ouvertes (open data)" in html and "Fondation manquante" in html


def test_export_xlsx_and_csv_one_row_per_system(client, tenant_a, inventory):
    client.force_login(tenant_a.college)
    response = client.get(url("inventory-export", tenant_a) + "?format=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 1 + 5
    assert sheet.cell(1, 1).value == "Outil"
    response = client.get(url("inventory-export", tenant_a) + "?format=csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 6 and rows[0][0] == "Outil"


def test_hub_shows_the_fieldwork_cards(client, tenant_a, inventory):
    client.force_login(tenant_a.college)
    html = client.get(reverse("diagnostics:index", args=[tenant_a.mission.pk])).content.decode()
    assert "Inventaire des outils numériques" in html and "Ateliers d'idéation" in html
    assert "1 importante" in html  # the hand-typed invoices (Onyx → Tableur budget)


def test_an_alert_is_found_again_by_its_stable_key_until_resolved(tenant_a, inventory):
    from diagnostics.selectors.inventory import find_alert

    key = f"silo:{DigitalSystem.objects.get(name='Agenda des salles').pk}"
    assert find_alert(tenant_a.commune, key).systems[0].name == "Agenda des salles"
    FlowFactory(source=DigitalSystem.objects.get(name="Agenda des salles"), target=inventory["site"], mode="api")
    assert find_alert(tenant_a.commune, key) is None
