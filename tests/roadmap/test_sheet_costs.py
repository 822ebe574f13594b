"""The money of a sheet, computed never typed: hand-computed totals, capped subsidies, warnings, refusals."""

from datetime import date
from decimal import Decimal

import pytest

from roadmap.models import BudgetLine, FundingCall, FundingLine, ProjectSheet
from roadmap.selectors.costs import funding_errors, funding_warnings, sheet_costs
from tests.roadmap.factories import BudgetLineFactory, FundingCallFactory, FundingLineFactory, ProjectSheetFactory
from tests.roadmap.sheet_forms import HANNUT_BUDGET, sheet_post

pytestmark = pytest.mark.django_db


def _hannut(tenant, **call):
    sheet = ProjectSheetFactory(mission=tenant.mission, theme="mobility")
    BudgetLineFactory(sheet=sheet, amount=Decimal("89000"))
    BudgetLineFactory(sheet=sheet, amount=Decimal("81000"), category="equipment")
    BudgetLineFactory(sheet=sheet, amount=Decimal("6000"), running=True)
    FundingLineFactory(sheet=sheet, of_call=True, call=FundingCallFactory(rate=Decimal("50"), **call))
    return sheet


def _costs(sheet):
    return sheet_costs(BudgetLine.objects.filter(sheet=sheet), FundingLine.objects.filter(sheet=sheet))


def test_hannut_mobility_project_nets_85000_with_a_50_percent_call(tenant_a):
    costs = _costs(_hannut(tenant_a))
    assert costs.investment == Decimal("170000.00")
    assert costs.investment_incl_vat == Decimal("205700.00")  # 170 000 × 1,21
    assert costs.subsidies == Decimal("85000.00")
    assert costs.net == Decimal("85000.00")
    assert costs.running == Decimal("6000.00")
    assert costs.running_incl_vat == Decimal("7260.00")


def test_a_call_subsidy_is_capped_by_its_ceiling_and_warned(tenant_a):
    sheet = _hannut(tenant_a, ceiling=Decimal("60000"))
    costs = _costs(sheet)
    assert costs.subsidies == Decimal("60000.00")
    assert costs.net == Decimal("110000.00")
    [warning] = funding_warnings(costs, theme=sheet.theme, today=date(2026, 11, 22))
    assert "plafond" in warning and "85\u202f000,00" in warning.replace("\xa0", "\u202f").replace(" ", "\u202f")


def test_warnings_for_minimum_theme_and_deadline(tenant_a):
    sheet = _hannut(tenant_a, minimum_cost=Decimal("250000"), eligible_themes=["energy"], deadline=date(2019, 12, 20))
    warnings = funding_warnings(_costs(sheet), theme=sheet.theme, today=date(2026, 11, 22))
    assert len(warnings) == 3
    assert "inférieur au minimum" in warnings[0]
    assert "n'est pas éligible" in warnings[1] and "Énergie" in warnings[1]
    assert "date limite" in warnings[2] and "20/12/2019" in warnings[2]


def test_a_refused_line_brings_nothing_and_own_funds_are_not_a_subsidy(tenant_a):
    sheet = ProjectSheetFactory(mission=tenant_a.mission)
    BudgetLineFactory(sheet=sheet, amount=Decimal("1000"))
    FundingLineFactory(sheet=sheet, source="other", amount=Decimal("400"), status="refused")
    FundingLineFactory(sheet=sheet, amount=Decimal("300"))
    costs = _costs(sheet)
    assert (costs.subsidies, costs.own_funds, costs.net) == (Decimal("0.00"), Decimal("300"), Decimal("1000.00"))
    assert funding_errors(costs) == []


def test_the_seeded_calls_are_there():
    call = FundingCall.objects.get(name="Territoire intelligent 2019")
    assert call.rate == Decimal("50.00")
    assert FundingCall.objects.count() >= 3


def test_funding_above_the_cost_is_refused_and_nothing_is_lost(client, tenant_a):
    client.force_login(tenant_a.consultant)
    data = sheet_post(
        "Trop financé",
        budget=[{"label": "Application", "category": "development", "amount": "1000"}],
        funding=[{"source": "other", "label": "Province", "amount": "1500"}],
    )
    response = client.post(f"/missions/{tenant_a.mission.pk}/feuille-de-route/fiches/nouvelle/", data)
    assert response.status_code == 400
    assert "dépasse 100" in response.content.decode()
    assert 'value="Trop financé"' in response.content.decode()
    assert 'value="1500"' in response.content.decode()
    assert not ProjectSheet.objects.filter(mission=tenant_a.mission).exists()


def test_a_negative_amount_gets_a_french_message(client, tenant_a):
    client.force_login(tenant_a.consultant)
    data = sheet_post(budget=[{"label": "Application", "category": "development", "amount": "-5"}])
    response = client.post(f"/missions/{tenant_a.mission.pk}/feuille-de-route/fiches/nouvelle/", data)
    assert response.status_code == 400
    assert "Un montant ne peut pas être négatif." in response.content.decode()
    assert not ProjectSheet.objects.filter(mission=tenant_a.mission).exists()


def test_the_sheet_page_shows_the_hannut_figures_and_warnings(client, tenant_a):
    sheet = _hannut(tenant_a, deadline=date(2019, 12, 20))
    client.force_login(tenant_a.college)
    page = client.get(f"/missions/{tenant_a.mission.pk}/feuille-de-route/fiches/{sheet.pk}/").content.decode()
    assert "85\xa0000,00\xa0€" in page.replace("\u202f", "\xa0").replace(" 000", "\xa0000")
    assert "date limite de dépôt" in page


def test_create_with_hannut_lines_through_the_form(client, tenant_a):
    call = FundingCallFactory(rate=Decimal("50"))
    client.force_login(tenant_a.consultant)
    data = sheet_post(budget=HANNUT_BUDGET, funding=[{"source": "call", "call": str(call.pk)}])
    response = client.post(f"/missions/{tenant_a.mission.pk}/feuille-de-route/fiches/nouvelle/", data)
    assert response.status_code == 302
    sheet = ProjectSheet.objects.get(mission=tenant_a.mission)
    assert sheet.code == "FP-01"
    costs = _costs(sheet)
    assert (costs.investment, costs.subsidies, costs.net) == (
        Decimal("170000"),
        Decimal("85000.00"),
        Decimal("85000.00"),
    )
    assert sheet.history.first().history_user == tenant_a.consultant


def test_a_call_line_may_ask_less_never_more_than_the_call_grants(client, tenant_a):
    call = FundingCallFactory(name="Appel plafonné", rate=Decimal("50"), ceiling=Decimal("60000"))
    client.force_login(tenant_a.consultant)
    url = f"/missions/{tenant_a.mission.pk}/feuille-de-route/fiches/nouvelle/"
    data = sheet_post(budget=HANNUT_BUDGET, funding=[{"source": "call", "call": str(call.pk), "amount": "70000"}])
    response = client.post(url, data)
    assert response.status_code == 400
    assert "dépasse ce que l" in response.content.decode() and "Appel plafonné" in response.content.decode()
    assert not ProjectSheet.objects.filter(mission=tenant_a.mission).exists()
    data = sheet_post(budget=HANNUT_BUDGET, funding=[{"source": "call", "call": str(call.pk), "amount": "40000"}])
    assert client.post(url, data).status_code == 302
    costs = _costs(ProjectSheet.objects.get(mission=tenant_a.mission))
    assert (costs.subsidies, costs.net) == (Decimal("40000.00"), Decimal("130000.00"))
