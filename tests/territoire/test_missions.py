from datetime import date

import pytest
from django.urls import reverse

from territoire.models import Mission, Role
from tests.factories import member


def test_consultant_creates_a_mission_with_default_duration(client, tenant_a):
    client.force_login(tenant_a.consultant)
    response = client.post(
        reverse("territoire:mission-create", args=[tenant_a.commune.pk]),
        {
            "title": "Nouvelle mission",
            "description": "",
            "start_date": "2026-09-07",
            "referents": [tenant_a.consultant.pk],
        },
    )
    mission = Mission.objects.get(title="Nouvelle mission")
    assert response.status_code == 302
    assert response["Location"] == mission.get_absolute_url()
    assert mission.commune == tenant_a.commune
    assert mission.planned_end_date == date(2026, 11, 2)  # eight weeks
    assert mission.phase == Mission.Phase.DIAGNOSTIC
    assert list(mission.referents.all()) == [tenant_a.consultant]


def test_mission_creation_accepts_belgian_dates(client, tenant_a):
    client.force_login(tenant_a.consultant)
    client.post(
        reverse("territoire:mission-create", args=[tenant_a.commune.pk]),
        {"title": "Dates belges", "start_date": "07/09/2026", "planned_end_date": "30/11/2026"},
    )
    mission = Mission.objects.get(title="Dates belges")
    assert (mission.start_date, mission.planned_end_date) == (date(2026, 9, 7), date(2026, 11, 30))


def test_mission_end_before_start_is_refused_in_french(client, tenant_a):
    client.force_login(tenant_a.consultant)
    response = client.post(
        reverse("territoire:mission-create", args=[tenant_a.commune.pk]),
        {"title": "À l'envers", "start_date": "2026-09-07", "planned_end_date": "2026-09-01"},
    )
    assert response.status_code == 200
    assert "La fin prévue doit suivre le début de la mission." in response.text
    assert not Mission.objects.filter(title="À l'envers").exists()


def test_referent_choices_hold_only_the_communes_consultants(client, tenant_a, tenant_b):
    # Names of our own: a random one may be part of another on the page ("Petit" in "Petitjean").
    for user, name in (
        (tenant_a.consultant, "Aubertinova"),
        (tenant_b.consultant, "Zylberkrantz"),
        (tenant_a.staff, "Quellenbach"),
    ):
        user.last_name = name
        user.save(update_fields=["last_name"])
    client.force_login(tenant_a.consultant)
    response = client.get(reverse("territoire:mission-create", args=[tenant_a.commune.pk]))
    assert tenant_a.consultant.last_name in response.text
    assert tenant_b.consultant.last_name not in response.text
    assert tenant_a.staff.last_name not in response.text


def test_referent_from_another_commune_is_refused(client, tenant_a, tenant_b):
    client.force_login(tenant_a.consultant)
    response = client.post(
        reverse("territoire:mission-create", args=[tenant_a.commune.pk]),
        {"title": "Intrusion", "start_date": "2026-09-07", "referents": [tenant_b.consultant.pk]},
    )
    assert response.status_code == 200
    assert not Mission.objects.filter(title="Intrusion").exists()
    assert "Sélectionnez un choix valide" in response.text


def test_consultant_edits_mission(client, tenant_a):
    second = member(tenant_a.commune, Role.CONSULTANT)
    client.force_login(tenant_a.consultant)
    response = client.post(
        reverse("territoire:mission-edit", args=[tenant_a.mission.pk]),
        {
            "title": "Titre revu",
            "description": "Contexte",
            "start_date": "2026-09-07",
            "planned_end_date": "2026-12-01",
            "referents": [tenant_a.consultant.pk, second.pk],
        },
    )
    assert response.status_code == 302
    tenant_a.mission.refresh_from_db()
    assert tenant_a.mission.title == "Titre revu"
    assert set(tenant_a.mission.referents.all()) == {tenant_a.consultant, second}
    assert tenant_a.mission.history.count() >= 2


def test_consultant_changes_phase(client, tenant_a):
    client.force_login(tenant_a.consultant)
    response = client.post(reverse("territoire:mission-phase", args=[tenant_a.mission.pk]), {"phase": "roadmap"})
    assert response.status_code == 302
    tenant_a.mission.refresh_from_db()
    assert tenant_a.mission.phase == Mission.Phase.ROADMAP
    page = client.get(tenant_a.mission.get_absolute_url())
    assert "La mission est passée en phase « Feuille de route »." in page.text


def test_unknown_phase_is_refused(client, tenant_a):
    client.force_login(tenant_a.consultant)
    client.post(reverse("territoire:mission-phase", args=[tenant_a.mission.pk]), {"phase": "termine"})
    tenant_a.mission.refresh_from_db()
    assert tenant_a.mission.phase == Mission.Phase.DIAGNOSTIC


@pytest.mark.parametrize("role", [Role.STAFF, Role.COLLEGE])
def test_staff_and_college_cannot_change_phase(client, tenant_a, role):
    client.force_login(tenant_a.user(role))
    response = client.post(reverse("territoire:mission-phase", args=[tenant_a.mission.pk]), {"phase": "amo"})
    assert response.status_code == 403
    tenant_a.mission.refresh_from_db()
    assert tenant_a.mission.phase == Mission.Phase.DIAGNOSTIC


def test_consultant_of_other_commune_cannot_change_phase(client, tenant_a, tenant_b):
    client.force_login(tenant_b.consultant)
    response = client.post(reverse("territoire:mission-phase", args=[tenant_a.mission.pk]), {"phase": "amo"})
    assert response.status_code == 404
    tenant_a.mission.refresh_from_db()
    assert tenant_a.mission.phase == Mission.Phase.DIAGNOSTIC


def test_consultant_of_other_commune_cannot_create_there(client, tenant_a, tenant_b):
    client.force_login(tenant_b.consultant)
    response = client.post(
        reverse("territoire:mission-create", args=[tenant_a.commune.pk]),
        {"title": "Intrusion", "start_date": "2026-09-07"},
    )
    assert response.status_code == 404
    assert not Mission.objects.filter(title="Intrusion").exists()


def test_management_buttons_follow_the_role(client, tenant_a):
    client.force_login(tenant_a.consultant)
    assert "Modifier la mission" in client.get(tenant_a.mission.get_absolute_url()).text
    client.force_login(tenant_a.staff)
    page = client.get(tenant_a.mission.get_absolute_url()).text
    assert "Modifier la mission" not in page
    assert "Changer de phase" not in page


def test_mission_page_shows_commune_phase_and_navigation(client, tenant_a):
    client.force_login(tenant_a.college)
    page = client.get(tenant_a.mission.get_absolute_url()).text
    assert tenant_a.commune.name in page
    assert 'aria-current="step"' in page
    for label in ("Diagnostic", "Feuille de route", "Projets", "Rapports"):
        assert label in page


def test_mission_end_constraint_holds_in_database(tenant_a):
    from django.db import IntegrityError, transaction

    mission = tenant_a.mission
    mission.planned_end_date = date(2000, 1, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        mission.save()


def _edit_data(client, mission, **changes):
    form = client.get(reverse("territoire:mission-edit", args=[mission.pk])).context["form"]
    data = {
        "title": mission.title,
        "description": mission.description,
        "start_date": mission.start_date.isoformat(),
        "planned_end_date": mission.planned_end_date.isoformat(),
        "referents": [u.pk for u in mission.referents.all()],
        "version": form["version"].value(),
    }
    return {**data, **changes}


def test_concurrent_edit_is_refused_then_replaced_knowingly(client, tenant_a):
    url = reverse("territoire:mission-edit", args=[tenant_a.mission.pk])
    client.force_login(tenant_a.consultant)
    mine = _edit_data(client, tenant_a.mission, title="Mon titre")
    # A colleague saves first, from another browser.
    other = client.__class__()
    other.force_login(member(tenant_a.commune, Role.CONSULTANT))
    assert other.post(url, _edit_data(other, tenant_a.mission, title="Son titre")).status_code == 302

    response = client.post(url, mine)
    assert response.status_code == 200
    assert "a enregistré cette mission pendant que vous la modifiiez" in response.text
    assert 'value="Mon titre"' in response.text  # nothing typed is lost
    tenant_a.mission.refresh_from_db()
    assert tenant_a.mission.title == "Son titre"

    again = {**mine, "version": response.context["form"]["version"].value()}
    assert client.post(url, again).status_code == 302
    tenant_a.mission.refresh_from_db()
    assert tenant_a.mission.title == "Mon titre"
