"""Every write knows its author: the history kept by the services and the "Historique" pages."""

import logging

import pytest
from django.urls import reverse
from django.utils import timezone

from diagnostics.models import ChallengeCard, DigitalSystem, Finding, FindingSource, FunctionCategory, Workshop
from diagnostics.services import findings as services_findings
from diagnostics.services import interviews as services_interviews
from diagnostics.services import inventory as services_inventory
from diagnostics.services import workshops as services_workshops
from tests.diagnostics.factories_fieldwork import CardFactory, CardVoteFactory, SystemFactory, WorkshopFactory
from tests.diagnostics.factories_findings import FindingFactory, InterviewSourceFactory


def url(name, tenant, **kwargs):
    return reverse(f"diagnostics:{name}", kwargs={"mission_id": tenant.mission.pk, **kwargs})


def named(user, first="Claire", last="Dubois"):
    user.first_name, user.last_name = first, last
    user.save(update_fields=["first_name", "last_name"])
    return user


SYSTEM_DATA = {
    "name": "iA.Population",
    "category": FunctionCategory.POPULATION,
    "vendor": "iMio",
    "services": "Population",
    "yearly_cost": "4500.00",
    "contract_end": "",
    "hosting": "intercommunal",
    "notes": "",
}


# --- The author recorded is the one the service receives ------------------------------------------


def test_a_change_through_the_view_records_its_author(client, tenant_a):
    consultant = named(tenant_a.consultant)
    client.force_login(consultant)
    client.post(url("system-create", tenant_a), SYSTEM_DATA)
    system = DigitalSystem.objects.get()
    client.post(url("system-edit", tenant_a, system_id=system.pk), {**SYSTEM_DATA, "vendor": "Civadis"})
    latest = system.history.first()
    assert (latest.history_type, latest.vendor, latest.history_user) == ("~", "Civadis", consultant)
    assert system.history.last().history_type == "+"


def test_services_outside_a_request_record_the_by_they_receive(tenant_a):
    """A task or the demo calls services without a request: the author still is ``by``."""
    system = services_inventory.system_create(
        commune=tenant_a.commune, by=tenant_a.staff, name="Onyx", category=FunctionCategory.FINANCE
    )
    services_inventory.system_update(system=system, by=tenant_a.consultant, vendor="Civadis")
    assert [h.history_user for h in system.history.all()] == [tenant_a.consultant, tenant_a.staff]
    finding = FindingFactory(mission=tenant_a.mission)
    services_findings.finding_update(finding=finding, by=tenant_a.consultant, statement="Silos de données")
    assert finding.history.first().history_user == tenant_a.consultant
    interview = services_interviews.interview_create(
        mission=tenant_a.mission,
        by=tenant_a.consultant,
        people=[{"name": "Anne", "audience": "college"}],
        scheduled_at=timezone.now(),
        interviewer=tenant_a.consultant,
    )
    assert interview.history.get().history_user == tenant_a.consultant
    assert interview.interviewees.get().history.get().history_user == tenant_a.consultant


def test_bulk_selection_of_cards_keeps_history_with_its_author(tenant_a):
    workshop = WorkshopFactory(mission=tenant_a.mission, phase=Workshop.Phase.SELECTION, top_count=2)
    cards = CardFactory.create_batch(3, workshop=workshop)
    CardVoteFactory(card=cards[2])
    services_workshops.workshop_select_top(workshop=workshop, by=tenant_a.consultant)
    selected = ChallengeCard.objects.filter(selected=True).order_by("rank")
    assert [c.pk for c in selected] == [cards[2].pk, cards[0].pk]
    for card in selected:
        latest = card.history.first()
        assert (latest.selected, latest.rank, latest.history_user) == (True, card.rank, tenant_a.consultant)
    assert cards[1].history.count() == 1  # unchanged: only its creation


def test_a_participant_card_has_no_author_but_the_facilitator_s_has(tenant_a):
    workshop = WorkshopFactory(mission=tenant_a.mission)
    by_participant = services_workshops.card_add(workshop=workshop, text="Wi-Fi", participant="abc")
    by_facilitator = services_workshops.card_add(workshop=workshop, text="Bus", by=tenant_a.consultant)
    assert by_participant.history.get().history_user is None
    assert by_facilitator.history.get().history_user == tenant_a.consultant
    with pytest.raises(TypeError):
        services_workshops.card_add(workshop=workshop, text="Ni l'un ni l'autre")


def test_write_services_log_their_author(tenant_a, caplog):
    with caplog.at_level(logging.INFO, logger="diagnostics"):
        system = services_inventory.system_create(
            commune=tenant_a.commune, by=tenant_a.staff, name="Onyx", category=FunctionCategory.FINANCE
        )
        system_id = system.pk
        services_inventory.system_delete(system=system, by=tenant_a.staff)
    assert f"system_created system={system_id} commune={tenant_a.commune.pk} by={tenant_a.staff.pk}" in caplog.text
    assert f"by={tenant_a.staff.pk}" in caplog.records[-1].getMessage()


# --- The "Historique" pages -----------------------------------------------------------------------


def test_system_history_shows_who_changed_what(client, tenant_a):
    consultant = named(tenant_a.consultant)
    client.force_login(consultant)
    client.post(url("system-create", tenant_a), SYSTEM_DATA)
    system = DigitalSystem.objects.get()
    client.post(
        url("system-edit", tenant_a, system_id=system.pk),
        {**SYSTEM_DATA, "vendor": "Civadis", "hosting": "cloud", "yearly_cost": "5200.50"},
    )
    page = client.get(url("system-history", tenant_a, system_id=system.pk))
    assert page.status_code == 200
    html = page.content.decode()
    assert "par Claire Dubois" in html
    assert "Modification" in html and "Création" in html
    for text in (
        "Fournisseur",
        "iMio",
        "Civadis",
        "Intercommunale",
        "Cloud du fournisseur",
        "5\xa0200,50",
        "4\xa0500,00",
    ):
        assert text in html, text
    # The edit page links to it.
    assert url("system-history", tenant_a, system_id=system.pk) in client.get(
        url("system-edit", tenant_a, system_id=system.pk)
    ).content.decode("utf-8")


def test_system_history_is_for_those_who_keep_the_inventory(client, tenant_a, tenant_b):
    system = SystemFactory(commune=tenant_a.commune)
    client.force_login(tenant_a.staff)
    assert client.get(url("system-history", tenant_a, system_id=system.pk)).status_code == 200
    client.force_login(tenant_a.college)
    assert client.get(url("system-history", tenant_a, system_id=system.pk)).status_code == 403
    client.force_login(tenant_b.consultant)
    assert client.get(url("system-history", tenant_a, system_id=system.pk)).status_code == 404


def test_finding_history_shows_changes_and_sources(client, tenant_a):
    consultant = named(tenant_a.consultant)
    client.force_login(consultant)
    finding = services_findings.finding_create(
        mission=tenant_a.mission, by=consultant, statement="Encodage en double", importance=2
    )
    client.post(
        url("finding-edit", tenant_a, finding_id=finding.pk),
        {"statement": "Encodage en double des permis", "importance": 4, "theme": "", "dimension": ""},
    )
    InterviewSourceFactory(finding=finding)
    source = FindingSource.objects.get()
    client.post(url("finding-source-remove", tenant_a, finding_id=finding.pk, source_id=source.pk))
    page = client.get(url("finding-history", tenant_a, finding_id=finding.pk))
    assert page.status_code == 200
    html = page.content.decode()
    assert "par Claire Dubois" in html
    assert "Encodage en double des permis" in html and "Encodage en double" in html
    assert "Source : Entretien" in html and "Suppression" in html
    assert FindingSource.history.filter(history_type="-").get().history_user == consultant
    assert (
        url("finding-history", tenant_a, finding_id=finding.pk)
        in client.get(url("finding-detail", tenant_a, finding_id=finding.pk)).content.decode()
    )


@pytest.mark.parametrize("role", ["staff", "college"])
def test_finding_history_is_for_consultants_only(client, tenant_a, role):
    """Its sources name interviews, which are confidences: staff and Collège get a 403, and no link."""
    finding = FindingFactory(mission=tenant_a.mission)
    client.force_login(getattr(tenant_a, role))
    assert client.get(url("finding-history", tenant_a, finding_id=finding.pk)).status_code == 403
    detail = client.get(url("finding-detail", tenant_a, finding_id=finding.pk)).content.decode()
    assert url("finding-history", tenant_a, finding_id=finding.pk) not in detail


def test_finding_history_of_another_commune_is_a_404(client, tenant_a, tenant_b):
    finding = FindingFactory(mission=tenant_a.mission)
    client.force_login(tenant_b.consultant)
    assert client.get(url("finding-history", tenant_a, finding_id=finding.pk)).status_code == 404


def _edit_finding_times(finding, by, n):
    for i in range(n):
        services_findings.finding_update(finding=finding, by=by, statement=f"Constat {i}", importance=1 + i % 4)


def test_history_pages_cost_the_same_whatever_their_length(client, tenant_a, django_assert_num_queries):
    client.force_login(tenant_a.consultant)
    finding = FindingFactory(mission=tenant_a.mission)
    InterviewSourceFactory(finding=finding)
    system = SystemFactory(commune=tenant_a.commune)
    finding_url = url("finding-history", tenant_a, finding_id=finding.pk)
    system_url = url("system-history", tenant_a, system_id=system.pk)
    client.get(finding_url)  # session and caches warmed
    counts = []
    for n in (1, 8):
        _edit_finding_times(finding, tenant_a.staff, n)
        for i in range(n):
            services_inventory.system_update(system=system, by=tenant_a.staff, vendor=f"Fournisseur {n}-{i}")
        with django_assert_num_queries(9) as ctx:
            client.get(finding_url)
        counts.append(len(ctx.captured_queries))
        with django_assert_num_queries(7) as ctx:
            client.get(system_url)
        counts.append(len(ctx.captured_queries))
    assert counts[:2] == counts[2:]
    assert Finding.history.filter(id=finding.pk).count() == 10
