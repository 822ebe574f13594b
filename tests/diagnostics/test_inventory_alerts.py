"""The inventory's alerts: a pure function of systems, flows and needs (no database needed)."""

import datetime as dt

from diagnostics.models import DataFlow, DigitalSystem, FunctionCategory, Need
from diagnostics.selectors.inventory import AlertKind, alerts

TODAY = dt.date(2026, 11, 21)


def system(pk, category=FunctionCategory.OTHER, **kwargs):
    return DigitalSystem(pk=pk, commune_id=1, name=kwargs.pop("name", f"Outil {pk}"), category=category, **kwargs)


def flow(pk, source=None, target=None, mode=DataFlow.Mode.API, **kwargs):
    made = DataFlow(pk=pk, commune_id=1, data=kwargs.pop("data", "Données"), mode=mode, **kwargs)
    made.source_id, made.target_id = (source.pk if source else None), (target.pk if target else None)
    if source:
        made.source = source
    if target:
        made.target = target
    return made


def kinds(found):
    return sorted(a.kind for a in found)


def test_a_connected_inventory_with_its_foundations_has_no_alert():
    site, guichet = system(1, FunctionCategory.WEBSITE), system(2, FunctionCategory.EGUICHET)
    assert alerts([site, guichet], [flow(1, guichet, site)], [Need.EGUICHET], today=TODAY) == []


def test_two_tools_for_the_same_function_are_duplicates_with_a_stable_key():
    a, b = system(1, FunctionCategory.FINANCE), system(2, FunctionCategory.FINANCE)
    found = [x for x in alerts([a, b], [flow(1, a, b)], today=TODAY) if x.kind == AlertKind.DUPLICATE]
    assert len(found) == 1
    assert found[0].key == "duplicate:finance"
    assert found[0].systems == (a, b)
    assert "Comptabilité / finances" in found[0].message


def test_other_category_is_never_a_duplicate():
    a, b = system(1), system(2)
    assert AlertKind.DUPLICATE not in kinds(alerts([a, b], [flow(1, a, b)], today=TODAY))


def test_manual_flow_between_two_tools_is_double_encoding():
    a, b = system(1, FunctionCategory.POPULATION), system(2, FunctionCategory.FINANCE)
    found = alerts([a, b], [flow(7, a, b, mode=DataFlow.Mode.MANUAL, data="Adresses")], today=TODAY)
    (double,) = [x for x in found if x.kind == AlertKind.DOUBLE_ENCODING]
    assert double.key == "double_encoding:flow:7"
    assert double.severity == "high"
    assert "Adresses" in double.message and "Outil 1" in double.message


def test_tool_without_any_flow_is_a_silo():
    a, b, lonely = system(1), system(2), system(3, name="Agenda salles")
    found = alerts([a, b, lonely], [flow(1, a, b)], today=TODAY)
    (silo,) = [x for x in found if x.kind == AlertKind.SILO]
    assert silo.key == "silo:3" and silo.systems == (lonely,)


def test_a_flow_to_the_outside_is_an_exchange():
    a = system(1)
    assert alerts([a], [flow(1, a, None, external_party="BCE")], today=TODAY) == []


def test_contract_ending_within_a_year_from_today():
    soon = system(1, contract_end=TODAY + dt.timedelta(days=200))
    far = system(2, contract_end=TODAY + dt.timedelta(days=400))
    ended = system(3, contract_end=TODAY - dt.timedelta(days=1))
    found = [x for x in alerts([soon, far, ended], [flow(1, soon, far), flow(2, ended, None)], today=TODAY)]
    contracts = {x.key: x for x in found if x.kind == AlertKind.CONTRACT_END}
    assert set(contracts) == {"contract_end:1", "contract_end:3"}
    assert contracts["contract_end:3"].severity == "high"
    assert contracts["contract_end:1"].severity == "medium"


def test_eguichet_without_website_misses_its_foundation():
    guichet = system(1, FunctionCategory.EGUICHET)
    found = alerts([guichet], [flow(1, guichet, None)], today=TODAY)
    (missing,) = [x for x in found if x.kind == AlertKind.MISSING_FOUNDATION]
    assert missing.key == "foundation:eguichet:website"
    assert "site web" in missing.message


def test_planned_needs_check_their_foundations_from_the_declarative_table():
    site = system(1, FunctionCategory.WEBSITE)
    found = alerts([site], [flow(1, site, None)], [Need.ONLINE_PAYMENT, Need.OPEN_DATA], today=TODAY)
    keys = {x.key for x in found if x.kind == AlertKind.MISSING_FOUNDATION}
    assert keys == {"foundation:online_payment:eguichet", "foundation:open_data:api"}
    site.open_standards = True
    keys = {x.key for x in alerts([site], [flow(1, site, None)], [Need.OPEN_DATA], today=TODAY)}
    assert keys == set()


def test_alerts_come_most_severe_first():
    a, b = system(1, FunctionCategory.FINANCE), system(2, FunctionCategory.FINANCE)
    lonely = system(3, FunctionCategory.EGUICHET)
    found = alerts([a, b, lonely], [flow(1, a, b, mode=DataFlow.Mode.MANUAL)], today=TODAY)
    severities = [x.severity for x in found]
    assert severities == sorted(severities, key=["high", "medium", "low"].index)
    assert kinds(found) == sorted(["foundation", "double_encoding", "duplicate", "silo"])
