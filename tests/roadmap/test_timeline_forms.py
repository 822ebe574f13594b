"""The timeline's forms: settings, envelopes, pins; who may post them; bad input refused beside its field."""

from decimal import Decimal

import pytest
from django.urls import reverse

from roadmap.models import BudgetEnvelope, SheetPin, SheetStatus, TimelineSettings
from territoire.models import Role
from tests.roadmap.factories import ProjectSheetFactory


def url(mission, name):
    return reverse(name, kwargs={"mission_id": mission.pk})


@pytest.fixture
def mission(tenant_a):
    TimelineSettings.objects.create(mission=tenant_a.mission, start_year=2027, start_quarter=1, years=4)
    return tenant_a.mission


@pytest.fixture
def retained(mission):
    return ProjectSheetFactory(mission=mission, code="FP-01", status=SheetStatus.RETAINED, duration_months=6)


def test_a_consultant_saves_settings_and_envelopes(client, tenant_a, mission):
    client.force_login(tenant_a.consultant)
    response = client.post(
        url(mission, "roadmap:timeline-settings"),
        {"start_year": "2028", "start_quarter": "2", "years": "3", "fte_capacity": "1,5"},
    )
    assert response.status_code == 302
    settings = TimelineSettings.objects.get(mission=mission)
    assert (settings.start_year, settings.start_quarter, settings.years, settings.fte_capacity) == (
        2028,
        2,
        3,
        Decimal("1.5"),
    )
    assert settings.history.first().history_user == tenant_a.consultant
    response = client.post(url(mission, "roadmap:envelope-edit"), {"year": "2029", "amount": "120 000,50"})
    assert response.status_code == 302
    envelope = BudgetEnvelope.objects.get(mission=mission, year=2029)
    assert envelope.amount == Decimal("120000.50") and envelope.history.first().history_user == tenant_a.consultant
    # An empty amount removes the envelope (no limit that year).
    assert client.post(url(mission, "roadmap:envelope-edit"), {"year": "2029", "amount": ""}).status_code == 302
    assert not BudgetEnvelope.objects.filter(mission=mission).exists()


def test_settings_are_created_on_first_save(client, tenant_a):
    client.force_login(tenant_a.consultant)
    page = client.get(url(tenant_a.mission, "roadmap:timeline"))
    assert page.status_code == 200 and not TimelineSettings.objects.exists()
    response = client.post(
        url(tenant_a.mission, "roadmap:timeline-settings"),
        {"start_year": "2027", "start_quarter": "3", "years": "4", "fte_capacity": ""},
    )
    assert response.status_code == 302
    assert TimelineSettings.objects.get(mission=tenant_a.mission).fte_capacity is None


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"year": "2027", "amount": "-5"}, "amount", "Une enveloppe ne peut pas être négative."),
        ({"year": "2031", "amount": "1000"}, "year", "hors de l'horizon du planning (2027 à 2030)"),
        ({"year": "2026", "amount": "1000"}, "year", "hors de l'horizon du planning (2027 à 2030)"),
        ({"year": "abc", "amount": "1000"}, "year", "Saisissez un nombre entier."),
        ({"year": "2027", "amount": "beaucoup"}, "amount", "Saisissez un nombre."),
    ],
)
def test_a_bad_envelope_is_refused_beside_its_field(client, tenant_a, mission, data, field, message):
    client.force_login(tenant_a.consultant)
    response = client.post(url(mission, "roadmap:envelope-edit"), data)
    assert response.status_code == 400
    form = response.context["envelope_form"]
    assert any(message in error for error in form.errors[field])
    assert 'id="envelope-form"' in response.content.decode()
    assert not BudgetEnvelope.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"start_year": "2031", "start_quarter": "1"}, "hors de l'horizon du planning (T1 2027 – T4 2030)"),
        ({"start_year": "2026", "start_quarter": "4"}, "hors de l'horizon du planning (T1 2027 – T4 2030)"),
        ({"start_year": "2030", "start_quarter": "4"}, "finirait au T1 2031, après la fin du planning (T4 2030)"),
    ],
)
def test_a_pin_outside_the_horizon_is_refused(client, tenant_a, mission, retained, data, message):
    client.force_login(tenant_a.consultant)
    response = client.post(url(mission, "roadmap:sheet-pin"), {"sheet": retained.pk, **data})
    assert response.status_code == 400
    errors = response.context["pin_form"].errors["start_year"]
    assert any(message in error for error in errors)
    assert not SheetPin.objects.exists()


def test_settings_out_of_range_are_refused(client, tenant_a, mission):
    client.force_login(tenant_a.consultant)
    response = client.post(
        url(mission, "roadmap:timeline-settings"),
        {"start_year": "2027", "start_quarter": "5", "years": "0", "fte_capacity": "-1"},
    )
    assert response.status_code == 400
    form = response.context["settings_form"]
    assert set(form.errors) == {"start_quarter", "years", "fte_capacity"}
    assert TimelineSettings.objects.get(mission=mission).years == 4


def test_a_sheet_of_another_mission_or_not_planned_cannot_be_pinned(client, tenant_a, tenant_b, mission):
    other = ProjectSheetFactory(mission=tenant_b.mission, status=SheetStatus.RETAINED)
    ProjectSheetFactory(mission=mission, status=SheetStatus.RETAINED)
    draft = ProjectSheetFactory(mission=mission, status=SheetStatus.DRAFT)
    client.force_login(tenant_a.consultant)
    for sheet in (other, draft):
        response = client.post(
            url(mission, "roadmap:sheet-pin"), {"sheet": sheet.pk, "start_year": "2027", "start_quarter": "1"}
        )
        assert response.status_code == 400 and "sheet" in response.context["pin_form"].errors
    assert not SheetPin.objects.exists()


@pytest.mark.parametrize("role", [Role.STAFF, Role.COLLEGE])
def test_staff_and_college_read_but_cannot_post(client, tenant_a, mission, retained, role):
    user = tenant_a.user(role)
    client.force_login(user)
    assert client.get(url(mission, "roadmap:timeline")).status_code == 200
    pin = SheetPin.objects.create(sheet=retained, start_year=2027, start_quarter=1, by=tenant_a.consultant)
    posts = [
        (url(mission, "roadmap:timeline-settings"), {"start_year": "2028", "start_quarter": "1", "years": "2"}),
        (url(mission, "roadmap:envelope-edit"), {"year": "2027", "amount": "1"}),
        (url(mission, "roadmap:sheet-pin"), {"sheet": retained.pk, "start_year": "2028", "start_quarter": "1"}),
        (reverse("roadmap:sheet-unpin", args=[mission.pk, retained.pk]), {}),
    ]
    for target, data in posts:
        assert client.post(target, data).status_code == 403
    pin.refresh_from_db()
    assert (pin.start_year, TimelineSettings.objects.get(mission=mission).start_year) == (2027, 2027)
    assert not BudgetEnvelope.objects.exists()


def test_another_commune_gets_404(client, tenant_a, tenant_b, mission, retained):
    client.force_login(tenant_b.consultant)
    assert client.get(url(mission, "roadmap:timeline")).status_code == 404
    assert client.post(url(mission, "roadmap:envelope-edit"), {"year": "2027", "amount": "1"}).status_code == 404
    # Its own mission's URL with a sheet of tenant_a: 404 too.
    target = reverse("roadmap:sheet-unpin", args=[tenant_b.mission.pk, retained.pk])
    assert client.post(target).status_code == 404


def test_get_on_a_post_only_url_is_refused(client, tenant_a, mission):
    client.force_login(tenant_a.consultant)
    assert client.get(url(mission, "roadmap:sheet-pin")).status_code == 405


def test_a_row_inserted_meanwhile_by_another_tab_is_not_an_error(tenant_a, mission, retained):
    from roadmap.services.timeline import _created

    BudgetEnvelope.objects.create(mission=mission, year=2027, amount=Decimal("1"))
    assert _created(BudgetEnvelope(mission=mission, year=2027, amount=Decimal("2"))) is False
    SheetPin.objects.create(sheet=retained, start_year=2027, start_quarter=1, by=tenant_a.consultant)
    assert _created(SheetPin(sheet=retained, start_year=2028, start_quarter=1, by=tenant_a.consultant)) is False
    # The transaction is still usable and the first rows stand.
    assert BudgetEnvelope.objects.get(mission=mission, year=2027).amount == Decimal("1")
    assert SheetPin.objects.get(sheet=retained).start_year == 2027
