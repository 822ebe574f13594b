"""Who reaches what: every role of commune A, people of commune B, outsiders and anonymous visitors."""

import pytest
from django.urls import reverse

from territoire.models import Mission, Role
from tests.factories import MembershipFactory, UserFactory

ROLES = [Role.CONSULTANT, Role.STAFF, Role.COLLEGE]


def pages(tenant):
    commune, mission = tenant.commune.pk, tenant.mission.pk
    return {
        "commune": reverse("territoire:commune-detail", args=[commune]),
        "mission": reverse("territoire:mission-detail", args=[mission]),
        "diagnostic": reverse("diagnostics:index", args=[mission]),
        "roadmap": reverse("roadmap:index", args=[mission]),
        "projects": reverse("projects:index", args=[mission]),
        "reports": reverse("roadmap:reports", args=[mission]),
        "mission-edit": reverse("territoire:mission-edit", args=[mission]),
        "mission-create": reverse("territoire:mission-create", args=[commune]),
    }


READ_PAGES = ["commune", "mission", "diagnostic", "roadmap", "projects", "reports"]
CONSULTANT_PAGES = ["mission-edit", "mission-create"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", READ_PAGES)
def test_every_member_reads_their_commune(client, tenant_a, role, page):
    client.force_login(tenant_a.user(role))
    assert client.get(pages(tenant_a)[page]).status_code == 200


@pytest.mark.parametrize("page", CONSULTANT_PAGES)
def test_consultant_manages_missions(client, tenant_a, page):
    client.force_login(tenant_a.consultant)
    assert client.get(pages(tenant_a)[page]).status_code == 200


@pytest.mark.parametrize("role", [Role.STAFF, Role.COLLEGE])
@pytest.mark.parametrize("page", CONSULTANT_PAGES)
def test_staff_and_college_are_refused_mission_management(client, tenant_a, role, page):
    client.force_login(tenant_a.user(role))
    response = client.get(pages(tenant_a)[page])
    assert response.status_code == 403
    assert "Accès refusé" in response.text


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", READ_PAGES + CONSULTANT_PAGES)
def test_it_refuses_other_commune(client, tenant_a, tenant_b, role, page):
    client.force_login(tenant_b.user(role))
    assert client.get(pages(tenant_a)[page]).status_code == 404


@pytest.mark.parametrize("page", READ_PAGES + CONSULTANT_PAGES)
def test_user_without_membership_sees_nothing(client, tenant_a, outsider, page):
    client.force_login(outsider)
    assert client.get(pages(tenant_a)[page]).status_code == 404


@pytest.mark.parametrize("page", READ_PAGES + CONSULTANT_PAGES)
def test_anonymous_is_sent_to_login(client, tenant_a, page):
    url = pages(tenant_a)[page]
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_superuser_reaches_every_commune(client, tenant_a):
    client.force_login(UserFactory(superuser=True))
    for page in READ_PAGES + CONSULTANT_PAGES:
        assert client.get(pages(tenant_a)[page]).status_code == 200, page


def test_inactive_member_is_refused(client, tenant_a):
    user = tenant_a.staff
    user.is_active = False
    user.save()
    client.force_login(user)
    assert client.get(pages(tenant_a)["mission"]).status_code in (302, 404)


# --- Dashboard ----------------------------------------------------------------------------------


def test_dashboard_lists_only_own_communes(client, tenant_a, tenant_b):
    client.force_login(tenant_a.staff)
    response = client.get(reverse("territoire:dashboard"))
    assert response.status_code == 200
    assert tenant_a.commune.name in response.text
    assert tenant_a.mission.title in response.text
    assert tenant_b.commune.name not in response.text
    assert tenant_b.mission.title not in response.text


def test_consultant_dashboard_lists_all_their_communes(client, tenant_a, tenant_b):
    MembershipFactory(user=tenant_a.consultant, commune=tenant_b.commune, role=Role.CONSULTANT)
    client.force_login(tenant_a.consultant)
    response = client.get(reverse("territoire:dashboard"))
    assert tenant_a.commune.name in response.text
    assert tenant_b.commune.name in response.text
    assert tenant_b.mission.title in response.text
    assert "2 communes accessibles" in response.text


def test_dashboard_shows_phase_and_progress(client, tenant_a):
    tenant_a.mission.phase = Mission.Phase.ROADMAP
    tenant_a.mission.save()
    client.force_login(tenant_a.college)
    response = client.get(reverse("territoire:dashboard"))
    assert "Feuille de route" in response.text
    assert "Semaine 1 sur 8" in response.text
    assert 'role="progressbar"' in response.text


def test_dashboard_without_membership_explains_what_to_do(client, outsider):
    client.force_login(outsider)
    response = client.get(reverse("territoire:dashboard"))
    assert "Aucune commune pour l'instant" in response.text
    assert "0 commune accessible" in response.text  # French plural rule, from the compiled catalogue


def test_dashboard_queries_do_not_grow_with_communes(client, django_assert_max_num_queries, tenant_a):
    consultant = tenant_a.consultant
    client.force_login(consultant)
    client.get(reverse("territoire:dashboard"))  # warm the session
    from tests.conftest import make_tenant

    for n in range(6):
        other = make_tenant(f"Autre {n}")
        MembershipFactory(user=consultant, commune=other.commune, role=Role.CONSULTANT)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("territoire:dashboard"))
    assert response.text.count("commune-card") == 7


# --- Admin --------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_commune_users_cannot_open_admin(client, tenant_a, role):
    client.force_login(tenant_a.user(role))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_platform_admin_manages_communes_in_admin(client, tenant_a):
    client.force_login(UserFactory(superuser=True))
    assert client.get(reverse("admin:index")).status_code == 200
    response = client.get(reverse("admin:territoire_commune_change", args=[tenant_a.commune.pk]))
    assert response.status_code == 200
    assert client.get(reverse("admin:territoire_mission_changelist")).status_code == 200
    assert client.get(reverse("admin:territoire_membership_changelist")).status_code == 200


@pytest.mark.parametrize(
    "model",
    [
        "territoire_pst",
        "territoire_pstimport",
        "diagnostics_questionnaire",
        "diagnostics_campaign",
        "diagnostics_interview",
        "diagnostics_workshop",
        "diagnostics_digitalsystem",
        "diagnostics_dataflow",
        "diagnostics_initiative",
    ],
)
def test_platform_admin_lists_the_diagnostic(client, db, model):
    from django.core.management import call_command

    call_command("seed_demo", force=True, verbosity=0)
    client.force_login(UserFactory(superuser=True))
    assert client.get(reverse(f"admin:{model}_changelist")).status_code == 200
