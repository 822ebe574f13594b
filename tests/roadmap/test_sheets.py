"""Project sheet screens: list, detail, create, edit with lines, prerequisites, status, duplicate, from a finding."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from diagnostics.models import Finding
from roadmap.models import BudgetLine, ProjectSheet, SheetStatus
from tests.diagnostics.factories_findings import FindingFactory
from tests.roadmap.factories import BudgetLineFactory, FundingLineFactory, ProjectSheetFactory
from tests.roadmap.sheet_forms import sheet_post
from tests.territoire.factories import PSTFactory, PSTNodeFactory

pytestmark = pytest.mark.django_db


def _url(tenant, rest=""):
    return f"/missions/{tenant.mission.pk}/feuille-de-route/{rest}"


@pytest.mark.parametrize("role", ["consultant", "staff", "college"])
def test_every_member_reads_the_list_and_the_sheet(client, tenant_a, role):
    sheet = ProjectSheetFactory(mission=tenant_a.mission, title="Parking vélo")
    client.force_login(getattr(tenant_a, role))
    assert "Parking vélo" in client.get(_url(tenant_a, "fiches/")).content.decode()
    assert client.get(_url(tenant_a, f"fiches/{sheet.pk}/")).status_code == 200
    assert "Parking vélo" in client.get(_url(tenant_a)).content.decode()


def test_a_user_of_another_commune_gets_404(client, tenant_a, tenant_b):
    sheet = ProjectSheetFactory(mission=tenant_a.mission)
    client.force_login(tenant_b.consultant)
    assert client.get(_url(tenant_a, f"fiches/{sheet.pk}/")).status_code == 404
    # Tenant B's mission with tenant A's sheet id: 404 too.
    assert client.get(_url(tenant_b, f"fiches/{sheet.pk}/")).status_code == 404
    assert client.post(_url(tenant_b, f"fiches/{sheet.pk}/dupliquer/")).status_code == 404


@pytest.mark.parametrize("role", ["staff", "college"])
def test_staff_and_college_cannot_write(client, tenant_a, role):
    sheet = ProjectSheetFactory(mission=tenant_a.mission, status=SheetStatus.DRAFT)
    finding = FindingFactory(mission=tenant_a.mission)
    client.force_login(getattr(tenant_a, role))
    assert client.get(_url(tenant_a, "fiches/nouvelle/")).status_code == 403
    assert client.post(_url(tenant_a, "fiches/nouvelle/"), sheet_post()).status_code == 403
    assert client.post(_url(tenant_a, f"fiches/{sheet.pk}/modifier/"), sheet_post()).status_code == 403
    assert client.post(_url(tenant_a, f"fiches/{sheet.pk}/statut/"), {"status": "proposed"}).status_code == 403
    assert client.post(_url(tenant_a, f"fiches/{sheet.pk}/dupliquer/")).status_code == 403
    assert client.post(_url(tenant_a, f"fiches/depuis-constat/{finding.pk}/")).status_code == 403
    assert client.post(_url(tenant_a, f"fiches/{sheet.pk}/modele/"), {"name": "x"}).status_code == 403
    assert ProjectSheet.objects.filter(mission=tenant_a.mission).count() == 1
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.DRAFT
    page = client.get(_url(tenant_a, f"fiches/{sheet.pk}/")).content.decode()
    assert "Modifier" not in page and "Dupliquer" not in page


def test_list_query_count_is_constant_in_the_number_of_sheets(client, tenant_a, django_assert_num_queries):
    def add(n):
        for _ in range(n):
            sheet = ProjectSheetFactory(mission=tenant_a.mission)
            BudgetLineFactory(sheet=sheet)
            FundingLineFactory(sheet=sheet, of_call=True)
            sheet.findings.add(FindingFactory(mission=tenant_a.mission))

    client.force_login(tenant_a.college)
    add(2)
    client.get(_url(tenant_a, "fiches/"))  # warm the session
    with django_assert_num_queries(7) as small:
        client.get(_url(tenant_a, "fiches/"))
    add(6)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(_url(tenant_a, "fiches/"))
    assert response.content.decode().count("/feuille-de-route/fiches/") >= 8


def test_list_filters_by_status_and_theme_and_ignores_unknown_values(client, tenant_a):
    ProjectSheetFactory(mission=tenant_a.mission, title="Retenue mobilité", status="retained", theme="mobility")
    ProjectSheetFactory(mission=tenant_a.mission, title="Brouillon énergie", status="draft", theme="energy")
    client.force_login(tenant_a.consultant)
    page = client.get(_url(tenant_a, "fiches/?status=retained")).content.decode()
    assert "Retenue mobilité" in page and "Brouillon énergie" not in page
    page = client.get(_url(tenant_a, "fiches/?theme=energy")).content.decode()
    assert "Retenue mobilité" not in page and "Brouillon énergie" in page
    page = client.get(_url(tenant_a, "fiches/?status=nope&theme=%00")).content.decode()
    assert "Retenue mobilité" in page and "Brouillon énergie" in page


def test_edit_updates_deletes_and_adds_lines(client, tenant_a):
    sheet = ProjectSheetFactory(mission=tenant_a.mission)
    keep = BudgetLineFactory(sheet=sheet, label="Application", amount=Decimal("100"))
    drop = BudgetLineFactory(sheet=sheet, label="Capteurs", amount=Decimal("50"))
    client.force_login(tenant_a.consultant)
    data = sheet_post(
        "Titre changé",
        existing={"budget": 2},
        budget=[
            {"id": str(keep.pk), "label": "Application", "category": "development", "amount": "120"},
            {"id": str(drop.pk), "label": "Capteurs", "category": "equipment", "amount": "50", "DELETE": "on"},
            {"label": "Formation", "category": "training", "amount": "30"},
        ],
    )
    data["fte_internal"] = "0,5"
    response = client.post(_url(tenant_a, f"fiches/{sheet.pk}/modifier/"), data)
    assert response.status_code == 302, response.content.decode()
    sheet.refresh_from_db()
    assert sheet.title == "Titre changé" and sheet.fte_internal == Decimal("0.5")
    assert sorted(BudgetLine.objects.filter(sheet=sheet).values_list("label", "amount")) == [
        ("Application", Decimal("120.00")),
        ("Formation", Decimal("30.00")),
    ]
    assert sheet.history.first().history_user == tenant_a.consultant


def test_a_line_of_another_sheet_cannot_be_edited_through_this_one(client, tenant_a):
    sheet = ProjectSheetFactory(mission=tenant_a.mission)
    other = BudgetLineFactory(sheet=ProjectSheetFactory(mission=tenant_a.mission), label="Autre", amount=Decimal(5))
    client.force_login(tenant_a.consultant)
    data = sheet_post(
        existing={"budget": 1},
        budget=[{"id": str(other.pk), "label": "Piraté", "category": "development", "amount": "1"}],
    )
    client.post(_url(tenant_a, f"fiches/{sheet.pk}/modifier/"), data)
    # The formset only knows this sheet's lines: the foreign id is read as a new line of this sheet.
    other.refresh_from_db()
    assert (other.label, other.amount, other.sheet_id) == ("Autre", Decimal("5.00"), other.sheet_id)
    assert other.sheet.budget_lines.count() == 1
    assert list(sheet.budget_lines.values_list("label", flat=True)) in ([], ["Piraté"])


def test_prerequisites_refuse_itself_another_mission_and_a_cycle(client, tenant_a, tenant_b):
    first = ProjectSheetFactory(mission=tenant_a.mission, code="FP-01")
    second = ProjectSheetFactory(mission=tenant_a.mission, code="FP-02")
    second.prerequisites.add(first)
    foreign = ProjectSheetFactory(mission=tenant_b.mission)
    client.force_login(tenant_a.consultant)
    url = _url(tenant_a, f"fiches/{first.pk}/modifier/")
    for pk in (first.pk, foreign.pk):
        response = client.post(url, {**sheet_post(), "prerequisites": [str(pk)]})
        assert response.status_code == 400
        assert "Un prérequis est une autre fiche de la même mission" in response.content.decode()
    response = client.post(url, {**sheet_post("Titre gardé"), "prerequisites": [str(second.pk)]})
    assert response.status_code == 400
    page = response.content.decode()
    assert "FP-01" in page and "cycle" in page.lower()
    assert 'value="Titre gardé"' in page
    assert not first.prerequisites.exists()
    first.refresh_from_db()
    assert first.title != "Titre gardé"


def test_pst_links_come_only_from_the_commune_pst(client, tenant_a, tenant_b):
    own = PSTNodeFactory(pst=PSTFactory(commune=tenant_a.commune))
    foreign = PSTNodeFactory(pst=PSTFactory(commune=tenant_b.commune))
    client.force_login(tenant_a.consultant)
    response = client.post(_url(tenant_a, "fiches/nouvelle/"), {**sheet_post(), "pst_links": [str(foreign.pk)]})
    assert response.status_code == 400
    assert "PST de sa commune" in response.content.decode()
    response = client.post(_url(tenant_a, "fiches/nouvelle/"), {**sheet_post(), "pst_links": [str(own.pk)]})
    assert response.status_code == 302
    assert list(ProjectSheet.objects.get(mission=tenant_a.mission).pst_links.all()) == [own]


def test_status_moves_along_the_allowed_steps_with_history(client, tenant_a):
    sheet = ProjectSheetFactory(mission=tenant_a.mission, status=SheetStatus.DRAFT)
    client.force_login(tenant_a.consultant)
    client.post(_url(tenant_a, f"fiches/{sheet.pk}/statut/"), {"status": "retained"})
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.DRAFT  # draft → retained skips « proposée »
    client.post(_url(tenant_a, f"fiches/{sheet.pk}/statut/"), {"status": "proposed"})
    client.post(_url(tenant_a, f"fiches/{sheet.pk}/statut/"), {"status": "retained"})
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.RETAINED
    assert [h.status for h in sheet.history.all()[:2]] == ["retained", "proposed"]
    assert sheet.history.first().history_user == tenant_a.consultant


def test_create_from_a_finding_in_one_click(client, tenant_a):
    node = PSTNodeFactory(pst=PSTFactory(commune=tenant_a.commune), level="oo")
    finding = FindingFactory(mission=tenant_a.mission, statement="Pas de parking vélo à la gare", theme="mobility")
    finding.objectives.add(node)
    ProjectSheetFactory(mission=tenant_a.mission, code="FP-03")
    client.force_login(tenant_a.consultant)
    page = client.get(f"/missions/{tenant_a.mission.pk}/diagnostic/constats/{finding.pk}/").content.decode()
    assert "Créer une fiche projet" in page
    response = client.post(_url(tenant_a, f"fiches/depuis-constat/{finding.pk}/"))
    sheet = ProjectSheet.objects.get(mission=tenant_a.mission, code="FP-04")
    assert response.url == _url(tenant_a, f"fiches/{sheet.pk}/modifier/")
    assert (sheet.title, sheet.theme, sheet.dimension, sheet.status) == (
        "Pas de parking vélo à la gare",
        "mobility",
        "technology",
        SheetStatus.DRAFT,
    )
    assert list(sheet.findings.all()) == [finding]
    assert list(sheet.pst_links.all()) == [node]


def test_the_finding_button_is_for_consultants_only(client, tenant_a):
    finding = FindingFactory(mission=tenant_a.mission)
    client.force_login(tenant_a.college)
    page = client.get(f"/missions/{tenant_a.mission.pk}/diagnostic/constats/{finding.pk}/").content.decode()
    assert "Créer une fiche projet" not in page


def test_duplicate_copies_lines_under_a_new_code_as_draft(client, tenant_a):
    sheet = ProjectSheetFactory(mission=tenant_a.mission, code="FP-01", status=SheetStatus.RETAINED, title="Vélos")
    BudgetLineFactory(sheet=sheet, amount=Decimal("89000"))
    FundingLineFactory(sheet=sheet, of_call=True)
    sheet.findings.add(FindingFactory(mission=tenant_a.mission))
    client.force_login(tenant_a.consultant)
    client.post(_url(tenant_a, f"fiches/{sheet.pk}/dupliquer/"))
    copy = ProjectSheet.objects.get(mission=tenant_a.mission, code="FP-02")
    assert copy.status == SheetStatus.DRAFT and copy.title == "Vélos (copie)"
    assert list(copy.budget_lines.values_list("amount", flat=True)) == [Decimal("89000.00")]
    assert copy.funding_lines.get().call_id == sheet.funding_lines.get().call_id
    assert copy.findings.count() == 1
    assert sheet.budget_lines.count() == 1


def test_the_history_shows_the_status_change_and_its_author(client, tenant_a, tenant_b):
    sheet = ProjectSheetFactory(mission=tenant_a.mission, status=SheetStatus.DRAFT)
    BudgetLineFactory(sheet=sheet, label="Application")
    tenant_a.consultant.first_name, tenant_a.consultant.last_name = "Anne", "Conseil"
    tenant_a.consultant.save()
    client.force_login(tenant_a.consultant)
    client.post(_url(tenant_a, f"fiches/{sheet.pk}/statut/"), {"status": "proposed"})
    client.force_login(tenant_a.college)
    page = client.get(_url(tenant_a, f"fiches/{sheet.pk}/historique/")).content.decode()
    assert "Anne Conseil" in page and "Proposée" in page and "Brouillon" in page
    assert "Application" in page
    client.force_login(tenant_b.consultant)
    assert client.get(_url(tenant_a, f"fiches/{sheet.pk}/historique/")).status_code == 404


def test_history_query_count_is_constant(client, tenant_a, django_assert_max_num_queries):
    sheet = ProjectSheetFactory(mission=tenant_a.mission)
    client.force_login(tenant_a.consultant)
    url = _url(tenant_a, f"fiches/{sheet.pk}/historique/")
    client.get(url)
    BudgetLineFactory(sheet=sheet)
    FundingLineFactory(sheet=sheet, of_call=True)
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    for _ in range(8):
        BudgetLineFactory(sheet=sheet)
        FundingLineFactory(sheet=sheet, of_call=True)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def _legacy_merge(mission, *sheets):
    """A sheet linked to a finding merged before merges moved the sheets along (no data migration)."""
    kept = FindingFactory(mission=mission, statement="Les demandes arrivent par trois canaux")
    for n, sheet in enumerate(sheets):
        dead = FindingFactory(
            mission=mission, statement=f"Doublon {n}", status=Finding.Status.MERGED, merged_into=kept
        )
        sheet.findings.add(dead)
    return kept


def test_a_sheet_citing_a_finding_merged_earlier_names_the_one_that_absorbed_it(client, tenant_a):
    sheet = ProjectSheetFactory(mission=tenant_a.mission)
    open_finding = FindingFactory(mission=tenant_a.mission, statement="Pas de signature électronique")
    sheet.findings.add(open_finding)
    kept = _legacy_merge(tenant_a.mission, sheet)
    client.force_login(tenant_a.staff)
    html = client.get(_url(tenant_a, f"fiches/{sheet.pk}/")).content.decode()
    kept_url = reverse("diagnostics:finding-detail", args=[tenant_a.mission.pk, kept.pk])
    assert "Doublon 0" in html
    assert re.search(
        rf'Doublon 0</a>\s*→ fusionné dans\s*<a href="{kept_url}">Les demandes arrivent par trois canaux', html
    )
    assert "Pas de signature électronique" in html
    assert html.count("fusionné dans") == 1  # the open finding is shown as it is


def test_sheet_detail_query_count_does_not_grow_with_merged_findings(client, tenant_a, django_assert_num_queries):
    sheet = ProjectSheetFactory(mission=tenant_a.mission)
    _legacy_merge(tenant_a.mission, sheet)
    client.force_login(tenant_a.consultant)
    with CaptureQueriesContext(connection) as few:
        client.get(_url(tenant_a, f"fiches/{sheet.pk}/"))
    for _n in range(4):
        _legacy_merge(tenant_a.mission, sheet)
    with django_assert_num_queries(len(few)):
        html = client.get(_url(tenant_a, f"fiches/{sheet.pk}/")).content.decode()
    assert html.count("fusionné dans") == 5


def _options(html, name, *, selected=True) -> list[str]:
    """The values a browser would post from the page's multiple select ``name`` (all its choices if not
    ``selected``)."""
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S).group(0)
    return re.findall(r'<option value="(\d+)"[^>]*\bselected\b' if selected else r'<option value="(\d+)"', select)


def test_saving_the_form_moves_a_finding_merged_earlier_to_the_one_that_absorbed_it(client, tenant_a):
    sheet = ProjectSheetFactory(mission=tenant_a.mission)
    open_finding = FindingFactory(mission=tenant_a.mission, statement="Pas de signature électronique")
    sheet.findings.add(open_finding)
    kept = _legacy_merge(tenant_a.mission, sheet)
    client.force_login(tenant_a.consultant)
    url = _url(tenant_a, f"fiches/{sheet.pk}/modifier/")
    findings = _options(client.get(url).content.decode(), "findings")
    assert sorted(findings) == sorted([str(open_finding.pk), str(kept.pk)])
    assert client.post(url, {**sheet_post(), "findings": findings}).status_code == 302
    assert set(sheet.findings.all()) == {open_finding, kept}


def test_findings_of_another_mission_or_merged_away_are_refused(client, tenant_a, tenant_b):
    sheet = ProjectSheetFactory(mission=tenant_a.mission)
    foreign = FindingFactory(mission=tenant_b.mission)
    kept = _legacy_merge(tenant_a.mission, ProjectSheetFactory(mission=tenant_a.mission))
    merged = kept.merged_findings.get()
    client.force_login(tenant_a.consultant)
    url = _url(tenant_a, f"fiches/{sheet.pk}/modifier/")
    choices = _options(client.get(url).content.decode(), "findings", selected=False)
    assert choices == [str(kept.pk)]
    for pk in (foreign.pk, merged.pk):
        response = client.post(url, {**sheet_post(), "findings": [str(pk)]})
        assert response.status_code == 400
        assert "une fiche ne répond qu&#x27;aux constats de sa mission" in response.content.decode()
    assert not sheet.findings.exists()
