"""The timeline page against a hand-computed case; pins and reflow; which sheets are planned; query count.

Hand-computed case (horizon T1 2027 – T4 2030, envelope 2027: 100 000 €, no ranking yet: order by code):
  FP-01: 80 000 € investment over 2 quarters, 4 000 €/year running from the quarter after its end;
  FP-02: 60 000 € over 1 quarter;
  FP-03: 20 000 € over 1 quarter, 10 000 € of subsidy, after FP-01.
  FP-01 → T1–T2 2027 (2027: 80 000 + 2 × 1 000 running = 82 000).
  FP-02 → nowhere in 2027 (82 000 + 60 000 = 142 000: 42 000 over) → T1 2028, « reporté à 2028 : enveloppe
          2027 dépassée de 42 000 € ».
  FP-03 → T3 2027, after FP-01 (2027: 82 000 + 10 000 net = 92 000 ≤ 100 000).
  2027: investment 100 000, running 2 000, subsidies 10 000, net 92 000; 2028: 60 000 + 4 000 = 64 000.
"""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from roadmap.models import (
    BudgetEnvelope,
    FundingSource,
    FundingStatus,
    ProjectSheet,
    SheetPin,
    SheetStatus,
    TimelineSettings,
)
from roadmap.selectors.timeline import mission_timeline
from tests.roadmap.factories import BudgetLineFactory, FundingLineFactory, ProjectSheetFactory

NBSP = "\xa0"


def url(mission, name="roadmap:timeline"):
    return reverse(name, kwargs={"mission_id": mission.pk})


def text(response):
    return re.sub(r"\s+", " ", response.content.decode().replace(NBSP, " "))


def sheet(mission, code, months, investment, *, running=None, subsidy=None, status=SheetStatus.RETAINED):
    made = ProjectSheetFactory(
        mission=mission, code=code, title=f"Projet {code}", duration_months=months, status=status
    )
    BudgetLineFactory(sheet=made, amount=Decimal(investment))
    if running:
        BudgetLineFactory(sheet=made, amount=Decimal(running), running=True)
    if subsidy:
        FundingLineFactory(
            sheet=made, source=FundingSource.OTHER_SUBSIDY, amount=Decimal(subsidy), status=FundingStatus.GRANTED
        )
    return made


@pytest.fixture
def planned(tenant_a):
    mission = tenant_a.mission
    TimelineSettings.objects.create(mission=mission, start_year=2027, start_quarter=1, years=4)
    BudgetEnvelope.objects.create(mission=mission, year=2027, amount=Decimal("100000"))
    sheets = {
        "FP-01": sheet(mission, "FP-01", 6, 80000, running=4000),
        "FP-02": sheet(mission, "FP-02", 3, 60000),
        "FP-03": sheet(mission, "FP-03", 3, 20000, subsidy=10000),
    }
    sheets["FP-03"].prerequisites.add(sheets["FP-01"])
    return {"tenant": tenant_a, "mission": mission, "sheets": sheets}


def reasons_of(rows):
    return {r.sheet.code: r.placement.reason.replace(NBSP, " ") for r in rows}


def placements(result):
    return {r.sheet.code: (str(r.placement.start), str(r.placement.end)) for r in result.rows}


def test_the_timeline_reads_as_computed_by_hand(client, planned):
    mission = planned["mission"]
    client.force_login(planned["tenant"].college)
    response = client.get(url(mission))
    assert response.status_code == 200
    result = response.context["result"]
    assert not result.proposed_only
    assert placements(result) == {
        "FP-01": ("T1 2027", "T2 2027"),
        "FP-02": ("T1 2028", "T1 2028"),
        "FP-03": ("T3 2027", "T3 2027"),
    }
    reasons = reasons_of(result.rows)
    assert reasons["FP-02"] == "reporté à 2028 : enveloppe 2027 dépassée de 42 000 €"
    assert reasons["FP-03"] == "après son prérequis FP-01"
    years = {y.year: y for y in result.years}
    assert (years[2027].investment, years[2027].running, years[2027].subsidies, years[2027].net) == (
        Decimal("100000.00"),
        Decimal("2000.00"),
        Decimal("10000.00"),
        Decimal("92000.00"),
    )
    assert years[2028].net == Decimal("64000.00") and years[2027].envelope == Decimal("100000.00")
    assert not result.overruns
    body = text(response)
    # The chart in the order of starts, and the same data as a table with the reasons.
    assert [r.sheet.code for r in result.scheduled] == ["FP-01", "FP-03", "FP-02"]
    assert "reporté à 2028 : enveloppe 2027 dépassée de 42 000 €" in body
    assert re.search(r"FP-02</a> <span[^>]*>Projet FP-02</span> </th> <td>T1 2028</td> <td>T1 2028</td>", body)
    assert "92 000 €" in body and "100 000 €" in body
    # The Collège reads, without the forms.
    assert 'id="pin-form"' not in body and 'id="envelope-form"' not in body


def test_pinning_a_sheet_reflows_the_others(client, planned):
    mission, consultant = planned["mission"], planned["tenant"].consultant
    client.force_login(consultant)
    fp02 = planned["sheets"]["FP-02"]
    response = client.post(
        url(mission, "roadmap:sheet-pin"), {"sheet": fp02.pk, "start_year": "2027", "start_quarter": "1"}
    )
    assert response.status_code == 302
    pin = SheetPin.objects.get(sheet=fp02)
    assert (pin.start_year, pin.start_quarter, pin.by) == (2027, 1, consultant)
    assert pin.history.first().history_user == consultant
    result = mission_timeline(mission)
    # FP-02 takes T1 2027 (60 000); FP-01 fits only from T4 2027 (40 000 in 2027: 100 000 exactly);
    # FP-03 follows FP-01.
    assert placements(result) == {
        "FP-01": ("T4 2027", "T1 2028"),
        "FP-02": ("T1 2027", "T1 2027"),
        "FP-03": ("T2 2028", "T2 2028"),
    }
    reasons = reasons_of(result.rows)
    assert reasons["FP-02"] == "fixé par le consultant"
    assert reasons["FP-01"] == "reporté au T4 2027 : enveloppe 2027 dépassée de 40 000 €"
    page = text(client.get(url(mission)))
    assert "fixée" in page and reverse("roadmap:sheet-unpin", args=[mission.pk, fp02.pk]) in page
    # Unpinning puts everything back.
    assert client.post(reverse("roadmap:sheet-unpin", args=[mission.pk, fp02.pk])).status_code == 302
    assert not SheetPin.objects.filter(sheet=fp02).exists()
    assert placements(mission_timeline(mission))["FP-02"] == ("T1 2028", "T1 2028")


def test_a_pin_over_the_envelope_is_kept_and_the_overrun_shown(client, planned):
    mission = planned["mission"]
    SheetPin.objects.create(
        sheet=planned["sheets"]["FP-02"], start_year=2027, start_quarter=3, by=planned["tenant"].consultant
    )
    BudgetEnvelope.objects.filter(mission=mission).update(amount=Decimal("50000"))
    client.force_login(planned["tenant"].staff)
    response = client.get(url(mission))
    result = response.context["result"]
    assert [(y.year, y.overrun) for y in result.overruns] == [(2027, Decimal("10000.00"))]
    body = text(response)
    assert "dépassement : 10 000 €" in body and "2027 de 10 000,00 €" in body


def test_proposed_sheets_are_planned_while_none_is_retained(client, tenant_a):
    mission = tenant_a.mission
    sheet(mission, "FP-01", 3, 1000, status=SheetStatus.PROPOSED)
    sheet(mission, "FP-02", 3, 1000, status=SheetStatus.DRAFT)
    client.force_login(tenant_a.consultant)
    response = client.get(url(mission))
    result = response.context["result"]
    assert result.proposed_only and [r.sheet.code for r in result.rows] == ["FP-01"]
    assert 'id="proposed-notice"' in response.content.decode()
    sheet(mission, "FP-03", 3, 1000, status=SheetStatus.RETAINED)
    result = mission_timeline(mission)
    assert not result.proposed_only and [r.sheet.code for r in result.rows] == ["FP-03"]


def test_unscheduled_sheets_are_listed_apart_with_their_reason(client, planned):
    mission = planned["mission"]
    sheet(mission, "FP-04", 3, 150000)  # alone over the 2027 envelope, fine from 2028 (no envelope)
    BudgetEnvelope.objects.create(mission=mission, year=2028, amount=Decimal("100000"))
    BudgetEnvelope.objects.create(mission=mission, year=2029, amount=Decimal("100000"))
    BudgetEnvelope.objects.create(mission=mission, year=2030, amount=Decimal("100000"))
    proposed = sheet(mission, "FP-05", 3, 1000, status=SheetStatus.PROPOSED)
    planned["sheets"]["FP-02"].prerequisites.add(proposed)
    client.force_login(planned["tenant"].consultant)
    response = client.get(url(mission))
    reasons = reasons_of(response.context["result"].unscheduled)
    assert reasons == {
        "FP-02": "non planifiée : son prérequis FP-05 n'est pas retenu",
        "FP-04": "non planifiée : à elle seule, elle dépasse l'enveloppe 2027 (100 000 €) de 50 000 €, "
        "où qu'elle soit placée dans l'horizon",
    }
    body = text(response)
    assert 'id="unscheduled-list"' in body and "son prérequis FP-05 n&#x27;est pas retenu" in body


def test_the_ranking_order_comes_first(client, tenant_a):
    from tests.roadmap.factories import CriterionFactory, ScoreFactory

    mission = tenant_a.mission
    TimelineSettings.objects.create(mission=mission, start_year=2027, start_quarter=1, years=2)
    BudgetEnvelope.objects.create(mission=mission, year=2027, amount=Decimal("10000"))
    criterion = CriterionFactory(mission=mission)
    low, high = sheet(mission, "FP-01", 3, 10000), sheet(mission, "FP-02", 3, 10000)
    ScoreFactory(sheet=low, criterion=criterion, consultant=tenant_a.consultant, value=1)
    ScoreFactory(sheet=high, criterion=criterion, consultant=tenant_a.consultant, value=5)
    result = mission_timeline(mission)
    assert [r.sheet.code for r in result.rows] == ["FP-02", "FP-01"]
    assert placements(result) == {"FP-02": ("T1 2027", "T1 2027"), "FP-01": ("T1 2028", "T1 2028")}


def test_a_cycle_is_said_not_a_500(client, planned):
    sheets = planned["sheets"]
    sheets["FP-01"].prerequisites.add(sheets["FP-03"])  # written around the services
    client.force_login(planned["tenant"].consultant)
    response = client.get(url(planned["mission"]))
    assert response.status_code == 200
    assert "FP-01" in response.context["result"].error and "cycle" in response.context["result"].error.lower()


@pytest.mark.parametrize("size", [3, 12])
def test_query_count_is_constant_in_the_number_of_sheets(client, tenant_a, django_assert_num_queries, size):
    mission = tenant_a.mission
    BudgetEnvelope.objects.create(mission=mission, year=2027, amount=Decimal("100000"))
    previous = None
    for n in range(size):
        made = sheet(mission, f"FP-{n + 1:02d}", 6, 1000 * (n + 1), running=100, subsidy=100)
        if previous is not None:
            made.prerequisites.add(previous)
        SheetPin.objects.create(sheet=made, start_year=2099, start_quarter=1, by=tenant_a.consultant)
        previous = made
    client.force_login(tenant_a.consultant)
    with django_assert_num_queries(QUERIES):  # the same figure at both sizes
        response = client.get(url(mission))
    assert len(response.context["result"].rows) == size


QUERIES = 20  # session, user, memberships, mission; ranking tables; settings, envelopes, sheets and their lines


def test_roadmap_rank_prints_the_schedule(planned):
    import json
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("roadmap_rank", mission=planned["mission"].pk, output="json", stdout=out)
    schedule = json.loads(out.getvalue())["schedule"]
    assert [(p["code"], p["start"], p["end"]) for p in schedule["placements"]] == [
        ("FP-01", "T1 2027", "T2 2027"),
        ("FP-02", "T1 2028", "T1 2028"),
        ("FP-03", "T3 2027", "T3 2027"),
    ]
    assert schedule["budget"][0] == {
        "year": 2027,
        "investment": "100000.00",
        "running": "2000.00",
        "subsidies": "10000.00",
        "net": "92000.00",
        "envelope": "100000.00",
        "fte_peak": 0.0,
        "fte_capacity": None,
    }
    out = StringIO()
    call_command("roadmap_rank", mission=planned["mission"].pk, stdout=out)
    assert "FP-02      T1 2028 – T1 2028" in out.getvalue().replace("\xa0", " ")


def test_a_pin_left_outside_a_shortened_horizon_is_ignored_and_said(client, planned):
    mission, consultant = planned["mission"], planned["tenant"].consultant
    SheetPin.objects.create(sheet=planned["sheets"]["FP-02"], start_year=2030, start_quarter=2, by=consultant)
    client.force_login(consultant)
    response = client.post(
        reverse("roadmap:timeline-settings", args=[mission.pk]),
        {"start_year": "2027", "start_quarter": "1", "years": "2", "fte_capacity": ""},
    )
    assert response.status_code == 302
    response = client.get(url(mission))
    result = response.context["result"]
    assert [p.sheet.code for p, _why in result.ignored_pins] == ["FP-02"]
    assert placements(result)["FP-02"] == ("T1 2028", "T1 2028")
    assert "La date fixée pour FP-02 (T2 2030) sort de l&#x27;horizon du planning (T1 2027 – T4 2028)." in text(
        response
    )


def test_a_pin_before_its_pinned_prerequisite_ends_is_set_aside_with_the_reason(client, planned):
    mission, consultant = planned["mission"], planned["tenant"].consultant
    SheetPin.objects.create(sheet=planned["sheets"]["FP-01"], start_year=2027, start_quarter=2, by=consultant)
    SheetPin.objects.create(sheet=planned["sheets"]["FP-03"], start_year=2027, start_quarter=1, by=consultant)
    client.force_login(consultant)
    response = client.get(url(mission))
    result = response.context["result"]
    assert not result.error
    assert [(p.sheet.code, why) for p, why in result.ignored_pins] == [
        (
            "FP-03",
            "La date de début fixée pour la fiche FP-03 est impossible : "
            "son prérequis FP-01, fixé lui aussi, se termine au T3 2027.",
        )
    ]
    assert placements(result)["FP-03"] == ("T4 2027", "T4 2027")
    body = text(response)
    assert reverse("roadmap:sheet-unpin", args=[mission.pk, planned["sheets"]["FP-03"].pk]) in body
    assert "Libérer FP-03" in body


def test_internal_capacity_delays_a_sheet(client, planned):
    mission = planned["mission"]
    TimelineSettings.objects.filter(mission=mission).update(fte_capacity=Decimal("1"))
    BudgetEnvelope.objects.all().delete()
    ProjectSheet.objects.filter(code__in=["FP-01", "FP-02"]).update(fte_internal=Decimal("0.8"))
    result = mission_timeline(mission)
    assert placements(result)["FP-02"] == ("T3 2027", "T3 2027")
    assert (
        reasons_of(result.rows)["FP-02"]
        == "reporté au T3 2027 : capacité interne dépassée au T2 2027 (1,6 ETP pour 1,0)"
    )
    assert [(y.year, y.fte_peak) for y in result.years][:2] == [(2027, 0.8), (2028, 0.0)]
