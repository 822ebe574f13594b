"""Findings (needs): create, edit, cite sources, merge, create from a workshop's top-N; tenancy and roles."""

from datetime import UTC, datetime

import factory
import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from diagnostics.models import Finding, FindingSource, SourceKind
from diagnostics.services import findings as services
from diagnostics.services.findings import SourceRef
from territoire.models import Role
from tests.diagnostics.factories import QuestionFactory, QuestionnaireFactory, SectionFactory
from tests.diagnostics.factories_fieldwork import (
    CardFactory,
    FlowFactory,
    IntervieweeFactory,
    InterviewFactory,
    SystemFactory,
    WorkshopFactory,
)
from tests.diagnostics.factories_findings import CardSourceFactory, FindingFactory, InterviewSourceFactory
from tests.roadmap.factories import ProjectSheetFactory
from tests.territoire.factories import PSTFactory, PSTNodeFactory, pst_tree

pytestmark = pytest.mark.django_db


def url(name, tenant, **kwargs):
    return reverse(f"diagnostics:{name}", kwargs={"mission_id": tenant.mission.pk, **kwargs})


def top_workshop(mission, n=5):
    workshop = WorkshopFactory(mission=mission, closed=True)
    cards = [CardFactory(workshop=workshop, selected=True, rank=i) for i in range(1, n + 1)]
    CardFactory(workshop=workshop)  # not selected: no finding
    return workshop, cards


def test_consultant_creates_a_finding_linked_to_pst_objectives(client, tenant_a):
    _pst, os_node, oos, _actions = pst_tree(tenant_a.commune)
    client.force_login(tenant_a.consultant)
    response = client.post(
        url("finding-create", tenant_a),
        {
            "statement": "Les agents réencodent les adresses",
            "description": "Vu dans trois services.",
            "theme": "administration",
            "dimension": "technology",
            "importance": 4,
            "objectives": [os_node.pk, oos[0].pk],
        },
    )
    finding = Finding.objects.get()
    assert response.status_code == 302
    assert response.url == url("finding-detail", tenant_a, finding_id=finding.pk)
    assert (finding.importance, finding.theme, finding.created_by) == (4, "administration", tenant_a.consultant)
    assert set(finding.objectives.all()) == {os_node, oos[0]}
    page = client.get(response.url)
    assert "Les agents réencodent les adresses" in page.content.decode()
    assert "Critique" in page.content.decode()


def test_a_finding_linked_to_a_pst_node_of_another_commune_is_refused(client, tenant_a, tenant_b):
    _pst, foreign_os, _oos, _actions = pst_tree(tenant_b.commune)
    client.force_login(tenant_a.consultant)
    response = client.post(
        url("finding-create", tenant_a),
        {"statement": "Constat", "importance": 2, "objectives": [foreign_os.pk]},
    )
    assert response.status_code == 200
    assert "n&#x27;est pas dans le PST de la commune de la mission" in response.content.decode()
    assert not Finding.objects.exists()
    # The service refuses it too, whatever the caller.
    with pytest.raises(ValidationError, match="PST d'une autre commune"):
        services.finding_create(mission=tenant_a.mission, by=None, statement="x", objectives=[foreign_os])
    finding = FindingFactory(mission=tenant_a.mission)
    with pytest.raises(ValidationError, match="PST d'une autre commune"):
        services.finding_update(finding=finding, objectives=[foreign_os], by=tenant_a.consultant)


def test_an_action_is_not_an_objective(tenant_a):
    _pst, _os, _oos, actions = pst_tree(tenant_a.commune)
    with pytest.raises(ValidationError, match="n'est pas un objectif"):
        services.finding_create(mission=tenant_a.mission, by=None, statement="x", objectives=[actions[0]])


def test_create_from_a_workshop_card_prefills_and_cites_it(client, tenant_a):
    card = CardFactory(workshop__mission=tenant_a.mission, text="Covoiturage entre villages", theme="mobility")
    client.force_login(tenant_a.consultant)
    page = client.get(url("finding-create", tenant_a) + f"?source=card:{card.pk}")
    html = page.content.decode()
    assert 'value="Covoiturage entre villages"' in html
    assert f'value="card:{card.pk}"' in html
    response = client.post(
        url("finding-create", tenant_a),
        {"statement": "Covoiturage entre villages", "theme": "mobility", "importance": 3, "source": f"card:{card.pk}"},
    )
    assert response.status_code == 302
    source = FindingSource.objects.get()
    assert (source.kind, source.card) == (SourceKind.CARD, card)


def test_create_from_an_inventory_alert_keeps_its_key_and_message(client, tenant_a):
    system = SystemFactory(commune=tenant_a.commune, name="Saphir")
    FlowFactory(source=system, target=SystemFactory(commune=tenant_a.commune, name="Onyx"), data="Adresses")
    client.force_login(tenant_a.consultant)
    inventory = client.get(url("inventory", tenant_a)).content.decode()
    assert "?source=alert:double_encoding%3Aflow%3A" in inventory
    key = inventory.split("?source=alert:")[1].split('"')[0].replace("%3A", ":")
    page = client.get(url("finding-create", tenant_a) + f"?source=alert:{key}")
    assert "réencodé à la main de Saphir vers Onyx" in page.content.decode()
    client.post(
        url("finding-create", tenant_a), {"statement": "Double encodage", "importance": 3, "source": f"alert:{key}"}
    )
    source = FindingSource.objects.get()
    assert source.alert_key == key
    assert "Saphir" in source.alert_message


def test_create_from_an_interview_and_from_a_question(client, tenant_a):
    interview = InterviewFactory(mission=tenant_a.mission, interviewer=tenant_a.consultant, done=True)
    IntervieweeFactory(interview=interview, name="Marie Dupont")
    question = QuestionFactory(section=SectionFactory(questionnaire=QuestionnaireFactory(mission=tenant_a.mission)))
    client.force_login(tenant_a.consultant)
    detail = client.get(url("interview-detail", tenant_a, interview_id=interview.pk)).content.decode()
    assert f"?source=interview:{interview.pk}" in detail
    for source in (f"interview:{interview.pk}", f"question:{question.pk}"):
        response = client.post(
            url("finding-create", tenant_a), {"statement": source, "importance": 2, "source": source}
        )
        assert response.status_code == 302
    assert {s.kind for s in FindingSource.objects.all()} == {"interview", "question"}


def test_sources_of_another_commune_are_refused_by_forms_and_services(client, tenant_a, tenant_b):
    foreign_card = CardFactory(workshop__mission=tenant_b.mission)
    foreign_interview = InterviewFactory(mission=tenant_b.mission)
    _pst, foreign_os, _oos, _actions = pst_tree(tenant_b.commune)
    client.force_login(tenant_a.consultant)
    # The prefill link does not even show the foreign card's text.
    page = client.get(url("finding-create", tenant_a) + f"?source=card:{foreign_card.pk}", follow=True)
    assert foreign_card.text not in page.content.decode()
    assert "appartient à une autre commune" in page.content.decode()
    response = client.post(
        url("finding-create", tenant_a), {"statement": "x", "importance": 2, "source": f"card:{foreign_card.pk}"}
    )
    assert response.status_code == 200
    assert "appartient à une autre commune" in response.content.decode()
    assert not Finding.objects.exists()
    # Adding a forged source to an existing finding.
    finding = FindingFactory(mission=tenant_a.mission)
    response = client.post(
        url("finding-source-add", tenant_a, finding_id=finding.pk),
        {"source": f"interview:{foreign_interview.pk}"},
        follow=True,
    )
    assert "appartient à une autre commune" in response.content.decode()
    assert not finding.sources.exists()
    for ref in (
        SourceRef(SourceKind.CARD, foreign_card),
        SourceRef(SourceKind.INTERVIEW, foreign_interview),
        SourceRef(SourceKind.PST_NODE, foreign_os),
    ):
        with pytest.raises(ValidationError, match="autre commune"):
            services.finding_add_source(finding=finding, source=ref, by=tenant_a.consultant)
    with pytest.raises(ValidationError, match="autre commune"):
        services.finding_create(
            mission=tenant_a.mission, by=None, statement="x", sources=[SourceRef(SourceKind.CARD, foreign_card)]
        )
    assert Finding.objects.count() == 1


def test_an_unknown_alert_key_is_refused(tenant_a):
    with pytest.raises(ValidationError, match="n'existe pas"):
        services.finding_create(
            mission=tenant_a.mission, by=None, statement="x", sources=[SourceRef(SourceKind.ALERT, key="silo:999999")]
        )


def test_add_and_remove_sources_from_the_picker(client, tenant_a):
    _pst, _os, _oos, actions = pst_tree(tenant_a.commune)
    finding = FindingFactory(mission=tenant_a.mission)
    client.force_login(tenant_a.consultant)
    # The PST is searched, not listed: a result carries the value the « Citer » button posts.
    detail = client.get(url("finding-detail", tenant_a, finding_id=finding.pk)).content.decode()
    assert f'value="pst_node:{actions[0].pk}"' not in detail
    found = client.get(url("finding-pst-search", tenant_a, finding_id=finding.pk), {"q": "A.1.1.1"}).content.decode()
    assert f'value="pst_node:{actions[0].pk}"' in found
    client.post(url("finding-source-add", tenant_a, finding_id=finding.pk), {"source": f"pst_node:{actions[0].pk}"})
    again = client.post(
        url("finding-source-add", tenant_a, finding_id=finding.pk),
        {"source": f"pst_node:{actions[0].pk}"},
        follow=True,
    )
    assert "cite déjà cette source" in again.content.decode()
    source = finding.sources.get()
    assert source.pst_node == actions[0]
    client.post(url("finding-source-remove", tenant_a, finding_id=finding.pk, source_id=source.pk))
    assert not finding.sources.exists()


def test_consultant_edits_a_finding(client, tenant_a):
    finding = FindingFactory(mission=tenant_a.mission, statement="Avant")
    client.force_login(tenant_a.consultant)
    response = client.post(
        url("finding-edit", tenant_a, finding_id=finding.pk),
        {"statement": "Après", "theme": "energy", "dimension": "people", "importance": 1},
    )
    assert response.status_code == 302
    finding.refresh_from_db()
    assert (finding.statement, finding.theme, finding.dimension, finding.importance) == (
        "Après",
        "energy",
        "people",
        1,
    )


def test_merge_moves_sources_and_pst_links_and_keeps_the_others_marked(client, tenant_a):
    _pst, os_node, oos, _actions = pst_tree(tenant_a.commune)
    keep = CardSourceFactory(finding__mission=tenant_a.mission).finding
    second = InterviewSourceFactory(finding__mission=tenant_a.mission, finding__importance=4).finding
    third = FindingFactory(mission=tenant_a.mission)
    # The third cites the same card as the kept one: it stays cited once.
    FindingSource.objects.create(finding=third, kind="card", card=keep.sources.get().card)
    second.objectives.set([os_node])
    third.objectives.set([oos[0]])
    client.force_login(tenant_a.consultant)
    response = client.post(
        url("finding-merge", tenant_a),
        {"findings": [keep.pk, second.pk, third.pk], "keep": keep.pk, "confirm": "1"},
        follow=True,
    )
    assert "2 constats ont été fusionnés" in response.content.decode()
    keep.refresh_from_db()
    assert keep.importance == 4
    assert sorted(s.kind for s in keep.sources.all()) == ["card", "interview"]
    assert set(keep.objectives.all()) == {os_node, oos[0]}
    for other in (second, third):
        other.refresh_from_db()
        assert (other.status, other.merged_into) == ("merged", keep)
        assert not other.objectives.exists()
    assert Finding.objects.count() == 3  # nothing deleted
    listing = client.get(url("finding-list", tenant_a)).content.decode()
    assert "Constats fusionnés" in listing


def test_merge_needs_two_findings_and_a_kept_one_among_them(client, tenant_a, tenant_b):
    one, two = FindingFactory.create_batch(2, mission=tenant_a.mission)
    foreign = FindingFactory(mission=tenant_b.mission)
    client.force_login(tenant_a.consultant)
    page = client.post(url("finding-merge", tenant_a), {"findings": [one.pk], "keep": one.pk}, follow=True)
    assert "au moins deux constats" in page.content.decode()
    page = client.post(url("finding-merge", tenant_a), {"findings": [one.pk, foreign.pk], "keep": one.pk}, follow=True)
    assert "n&#x27;existe pas dans cette mission" in page.content.decode()
    page = client.post(url("finding-merge", tenant_a), {"findings": [one.pk, two.pk], "keep": foreign.pk}, follow=True)
    assert "n&#x27;existe pas dans cette mission" in page.content.decode()
    assert set(Finding.objects.values_list("status", flat=True)) == {"open"}


def test_merge_is_atomic(tenant_a, monkeypatch):
    one, two = FindingFactory.create_batch(2, mission=tenant_a.mission)
    CardSourceFactory(finding=two)

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Finding.objects.filter(merged_into__isnull=False).__class__, "update", boom)
    with pytest.raises(RuntimeError):
        services.finding_merge(findings=[one, two], keep=one, by=tenant_a.consultant)
    two.refresh_from_db()
    assert two.status == "open"
    assert two.sources.count() == 1


def test_findings_from_the_workshop_top_n_are_created_once(client, tenant_a):
    workshop, cards = top_workshop(tenant_a.mission)
    client.force_login(tenant_a.consultant)
    page = client.post(url("findings-from-workshop", tenant_a, workshop_id=workshop.pk), follow=True)
    assert "5 constats créés" in page.content.decode()
    page = client.post(url("findings-from-workshop", tenant_a, workshop_id=workshop.pk), follow=True)
    assert "5 défis avaient déjà leur constat" in page.content.decode()
    assert Finding.objects.count() == 5
    assert {f.sources.get().card for f in Finding.objects.all()} == set(cards)
    # One click on a card whose finding exists: no duplicate, even after a merge.
    first, second = Finding.objects.order_by("pk")[:2]
    services.finding_merge(findings=[first, second], keep=second, by=tenant_a.consultant)
    response = client.post(url("finding-from-card", tenant_a, workshop_id=workshop.pk, card_id=cards[0].pk))
    assert response.url == url("finding-detail", tenant_a, finding_id=second.pk)
    assert Finding.objects.count() == 5


def test_workshop_page_offers_one_click_and_bulk_findings(client, tenant_a):
    workshop, cards = top_workshop(tenant_a.mission, n=3)
    client.force_login(tenant_a.consultant)
    html = client.get(url("workshop-detail", tenant_a, workshop_id=workshop.pk)).content.decode()
    assert url("findings-from-workshop", tenant_a, workshop_id=workshop.pk) in html
    assert url("finding-from-card", tenant_a, workshop_id=workshop.pk, card_id=cards[0].pk) in html
    response = client.post(url("finding-from-card", tenant_a, workshop_id=workshop.pk, card_id=cards[0].pk))
    finding = Finding.objects.get()
    assert response.url == url("finding-detail", tenant_a, finding_id=finding.pk)
    assert finding.statement == cards[0].text
    html = client.get(url("workshop-detail", tenant_a, workshop_id=workshop.pk)).content.decode()
    assert "Voir le constat du défi n° 1" in html
    assert "Créer le constat du défi n° 2" in html


@pytest.mark.parametrize("role", [Role.STAFF, Role.COLLEGE])
def test_staff_and_college_read_but_cannot_write(client, tenant_a, role):
    workshop, cards = top_workshop(tenant_a.mission, n=2)
    finding = CardSourceFactory(finding__mission=tenant_a.mission).finding
    other = FindingFactory(mission=tenant_a.mission)
    client.force_login(tenant_a.user(role))
    for name, kwargs in (("finding-list", {}), ("finding-detail", {"finding_id": finding.pk}), ("synthesis", {})):
        page = client.get(url(name, tenant_a, **kwargs))
        assert page.status_code == 200
        assert "Fusionner les constats cochés" not in page.content.decode()
    assert client.get(url("finding-create", tenant_a)).status_code == 403
    assert client.get(url("finding-edit", tenant_a, finding_id=finding.pk)).status_code == 403
    merge = {"findings": [finding.pk, other.pk], "keep": finding.pk}
    assert client.get(url("finding-merge", tenant_a), merge).status_code == 403
    assert client.get(url("finding-pst-search", tenant_a, finding_id=finding.pk), {"q": "a"}).status_code == 403
    writes = [
        (url("finding-create", tenant_a), {"statement": "x", "importance": 2}),
        (url("finding-edit", tenant_a, finding_id=finding.pk), {"statement": "x", "importance": 2}),
        (url("finding-merge", tenant_a), {"findings": [finding.pk, other.pk], "keep": finding.pk, "confirm": "1"}),
        (url("finding-source-add", tenant_a, finding_id=finding.pk), {"source": f"card:{cards[0].pk}"}),
        (
            url("finding-source-remove", tenant_a, finding_id=finding.pk, source_id=finding.sources.get().pk),
            {},
        ),
        (url("findings-from-workshop", tenant_a, workshop_id=workshop.pk), {}),
        (url("finding-from-card", tenant_a, workshop_id=workshop.pk, card_id=cards[0].pk), {}),
    ]
    for target, data in writes:
        assert client.post(target, data).status_code == 403, target
    assert Finding.objects.count() == 2
    assert Finding.objects.open().count() == 2


def test_another_commune_gets_404(client, tenant_a, tenant_b):
    finding = CardSourceFactory(finding__mission=tenant_a.mission).finding
    client.force_login(tenant_b.consultant)
    assert client.get(url("finding-detail", tenant_a, finding_id=finding.pk)).status_code == 404
    assert client.get(url("finding-list", tenant_a)).status_code == 404
    # Its own mission in the URL, the finding of commune A: still 404.
    wrong = reverse("diagnostics:finding-edit", kwargs={"mission_id": tenant_b.mission.pk, "finding_id": finding.pk})
    assert client.post(wrong, {"statement": "x", "importance": 2}).status_code == 404


def test_list_filters_by_theme_importance_and_source_kind(client, tenant_a):
    CardSourceFactory(finding__mission=tenant_a.mission, finding__statement="Mobilité forte", finding__importance=3)
    InterviewSourceFactory(
        finding__mission=tenant_a.mission,
        finding__statement="Énergie faible",
        finding__theme="energy",
        finding__importance=1,
    )
    client.force_login(tenant_a.consultant)
    html = client.get(url("finding-list", tenant_a)).content.decode()
    assert html.index("Mobilité") < html.index("Énergie")
    for query, shown, hidden in (
        ("?theme=energy", "Énergie faible", "Mobilité forte"),
        ("?importance=3", "Mobilité forte", "Énergie faible"),
        ("?source=interview", "Énergie faible", "Mobilité forte"),
        ("?theme=nonsense", "Énergie faible", None),
    ):
        html = client.get(url("finding-list", tenant_a) + query).content.decode()
        assert shown in html
        if hidden:
            assert hidden not in html


@pytest.mark.parametrize("count", [2, 20])
def test_list_and_detail_are_a_fixed_number_of_queries(client, tenant_a, count, django_assert_max_num_queries):
    _pst, os_node, _oos, _actions = pst_tree(tenant_a.commune)
    for _ in range(count):
        finding = CardSourceFactory(finding__mission=tenant_a.mission).finding
        InterviewSourceFactory(finding=finding)
        finding.objectives.set([os_node])
    client.force_login(tenant_a.consultant)
    with django_assert_max_num_queries(9):
        assert client.get(url("finding-list", tenant_a)).status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get(url("finding-detail", tenant_a, finding_id=finding.pk)).status_code == 200


def test_hub_shows_the_findings_and_synthesis_cards(client, tenant_a):
    FindingFactory(mission=tenant_a.mission, critical=True)
    client.force_login(tenant_a.staff)
    html = client.get(reverse("diagnostics:index", kwargs={"mission_id": tenant_a.mission.pk})).content.decode()
    assert "Constats (besoins)" in html
    assert url("finding-list", tenant_a) in html
    assert url("synthesis", tenant_a) in html
    assert "Bientôt" not in html


def test_results_page_offers_a_finding_per_question(client, tenant_a):
    question = QuestionFactory(section=SectionFactory(questionnaire=QuestionnaireFactory(mission=tenant_a.mission)))
    client.force_login(tenant_a.consultant)
    html = client.get(
        url("questionnaire-results", tenant_a, questionnaire_id=question.questionnaire_id)
    ).content.decode()
    assert f"?source=question:{question.pk}" in html
    client.force_login(tenant_a.college)
    html = client.get(
        url("questionnaire-results", tenant_a, questionnaire_id=question.questionnaire_id)
    ).content.decode()
    assert "?source=question:" not in html


def test_the_source_constraint_holds_exactly_one_target(tenant_a):
    from django.db import IntegrityError, transaction

    finding = FindingFactory(mission=tenant_a.mission)
    card = CardFactory(workshop__mission=tenant_a.mission)
    with pytest.raises(IntegrityError), transaction.atomic():
        FindingSource.objects.create(finding=finding, kind="card", card=card, alert_key="silo:1")
    with pytest.raises(IntegrityError), transaction.atomic():
        FindingSource.objects.create(finding=finding, kind="interview", card=card)


def test_a_source_of_another_mission_of_the_same_commune_is_refused(tenant_a):
    from tests.factories import MissionFactory

    card = CardFactory(workshop__mission=MissionFactory(commune=tenant_a.commune))
    with pytest.raises(ValidationError, match="autre mission"):
        services.finding_create(
            mission=tenant_a.mission, by=None, statement="x", sources=[SourceRef(SourceKind.CARD, card)]
        )


def test_the_source_picker_dates_interviews_in_brussels_time(client, tenant_a):
    """An interview at 23:30 UTC on 14 March is on the 15th in Belgium: the picker says 15/03/2026."""
    interview = InterviewFactory(
        mission=tenant_a.mission,
        scheduled_at=datetime(2026, 3, 14, 23, 30, tzinfo=UTC),
        interviewer=tenant_a.consultant,
    )
    IntervieweeFactory(interview=interview, name="Paul Lambert")
    finding = FindingFactory(mission=tenant_a.mission)
    client.force_login(tenant_a.consultant)
    page = client.get(url("finding-detail", tenant_a, finding_id=finding.pk)).content.decode()
    assert "15/03/2026 — Paul Lambert" in page
    assert "14/03/2026" not in page


def test_merge_shows_what_moves_before_merging(client, tenant_a):
    _pst, os_node, _oos, _actions = pst_tree(tenant_a.commune)
    keep = CardSourceFactory(finding__mission=tenant_a.mission, finding__statement="Gardé").finding
    other = InterviewSourceFactory(
        finding__mission=tenant_a.mission, finding__statement="Doublon", finding__importance=4
    ).finding
    FindingSource.objects.create(finding=other, kind="card", card=keep.sources.get().card)
    other.objectives.set([os_node])
    client.force_login(tenant_a.consultant)
    page = client.get(url("finding-merge", tenant_a), {"findings": [keep.pk, other.pk], "keep": keep.pk})
    html = page.content.decode()
    assert page.status_code == 200
    assert "Constat gardé" in html and "Gardé" in html and "Doublon" in html
    assert "Sources reprises par le constat gardé" in html
    assert "Sources déjà citées par le constat gardé" in html
    assert "Mobilité douce" in html  # the PST objective it gains
    assert "Critique" in html  # the importance it takes
    assert 'name="confirm" value="1"' in html
    assert set(Finding.objects.values_list("status", flat=True)) == {"open"}  # looking merges nothing
    done = client.post(
        url("finding-merge", tenant_a), {"findings": [keep.pk, other.pk], "keep": keep.pk, "confirm": "1"}
    )
    assert done.url == url("finding-detail", tenant_a, finding_id=keep.pk)
    other.refresh_from_db()
    assert other.merged_into == keep


def test_a_merge_posted_without_confirmation_goes_to_the_confirmation_page(client, tenant_a):
    one, two = FindingFactory.create_batch(2, mission=tenant_a.mission)
    client.force_login(tenant_a.consultant)
    response = client.post(url("finding-merge", tenant_a), {"findings": [one.pk, two.pk], "keep": two.pk})
    assert response.status_code == 302
    assert response.url == url("finding-merge", tenant_a) + f"?findings={two.pk}&findings={one.pk}&keep={two.pk}"
    assert set(Finding.objects.values_list("status", flat=True)) == {"open"}
    assert "Confirmer la fusion" in client.get(response.url).content.decode()


def test_merge_confirmation_refuses_another_commune(client, tenant_a, tenant_b):
    one, two = FindingFactory.create_batch(2, mission=tenant_a.mission)
    foreign = FindingFactory(mission=tenant_b.mission)
    client.force_login(tenant_a.consultant)
    page = client.get(url("finding-merge", tenant_a), {"findings": [one.pk, foreign.pk], "keep": one.pk}, follow=True)
    assert "n&#x27;existe pas dans cette mission" in page.content.decode()
    client.force_login(tenant_b.consultant)
    assert (
        client.get(url("finding-merge", tenant_a), {"findings": [one.pk, two.pk], "keep": one.pk}).status_code == 404
    )


def _merge_with_sheets(tenant):
    """A kept finding, a duplicate answered by two sheets (one answering both), a bystander sheet."""
    keep = FindingFactory(mission=tenant.mission, statement="Gardé")
    other = FindingFactory(mission=tenant.mission, statement="Doublon")
    guichet = ProjectSheetFactory(mission=tenant.mission, code="FP-02", title="Guichet électronique")
    both = ProjectSheetFactory(mission=tenant.mission, code="FP-01", title="Parapheur")
    bystander = ProjectSheetFactory(mission=tenant.mission, code="FP-03", title="Wifi public")
    guichet.findings.add(other)
    both.findings.add(keep, other)
    bystander.findings.add(FindingFactory(mission=tenant.mission))
    return keep, other, guichet, both, bystander


def test_merge_preview_lists_the_sheets_that_follow_the_kept_finding(client, tenant_a):
    keep, other, guichet, _both, _bystander = _merge_with_sheets(tenant_a)
    client.force_login(tenant_a.consultant)
    html = client.get(url("finding-merge", tenant_a), {"findings": [keep.pk, other.pk], "keep": keep.pk}).content
    html = html.decode()
    assert "Fiche projet rattachée au constat gardé" in html
    assert "FP-02 Guichet électronique" in html
    assert reverse("roadmap:sheet-detail", args=[tenant_a.mission.pk, guichet.pk]) in html
    assert "Parapheur" not in html  # already answers the kept finding: nothing changes for it
    assert "Wifi public" not in html
    plan = services.merge_plan(findings=[keep, other], keep=keep)
    assert plan.sheets == [guichet]


def test_merge_preview_names_no_sheet_when_none_follows(client, tenant_a):
    one, two = FindingFactory.create_batch(2, mission=tenant_a.mission)
    client.force_login(tenant_a.consultant)
    html = client.get(url("finding-merge", tenant_a), {"findings": [one.pk, two.pk], "keep": one.pk}).content.decode()
    assert "rattachée" not in html and "rattachées" not in html


def test_merge_moves_the_sheets_to_the_kept_finding_once(client, tenant_a):
    keep, other, guichet, both, bystander = _merge_with_sheets(tenant_a)
    third = FindingFactory(mission=tenant_a.mission)
    guichet.findings.add(third)  # answers two of the merged findings: still linked once
    bystander_findings = set(bystander.findings.all())
    client.force_login(tenant_a.consultant)
    html = client.get(
        url("finding-merge", tenant_a), {"findings": [keep.pk, other.pk, third.pk], "keep": keep.pk}
    ).content.decode()
    assert html.count("FP-02 Guichet électronique") == 1
    response = client.post(
        url("finding-merge", tenant_a), {"findings": [keep.pk, other.pk, third.pk], "keep": keep.pk, "confirm": "1"}
    )
    assert response.status_code == 302
    assert list(guichet.findings.all()) == [keep]
    assert list(both.findings.all()) == [keep]
    assert set(bystander.findings.all()) == bystander_findings
    assert not other.project_sheets.exists() and not third.project_sheets.exists()
    assert list(keep.project_sheets.order_by("code")) == [both, guichet]


def test_merge_page_lists_many_sheets_in_a_constant_number_of_queries(client, tenant_a, django_assert_num_queries):
    keep, other = FindingFactory.create_batch(2, mission=tenant_a.mission)
    client.force_login(tenant_a.consultant)
    query = {"findings": [keep.pk, other.pk], "keep": keep.pk}
    ProjectSheetFactory(mission=tenant_a.mission).findings.add(other)
    with CaptureQueriesContext(connection) as one_sheet:
        assert client.get(url("finding-merge", tenant_a), query).status_code == 200
    for sheet in ProjectSheetFactory.create_batch(7, mission=tenant_a.mission):
        sheet.findings.add(other)
    with django_assert_num_queries(len(one_sheet)):
        html = client.get(url("finding-merge", tenant_a), query).content.decode()
    assert "Fiches projets rattachées au constat gardé" in html
    assert html.count('class="bi bi-file-earmark-text"') == 8


def test_another_commune_cannot_move_sheets_by_merging(client, tenant_a, tenant_b):
    keep, other, guichet, _both, _bystander = _merge_with_sheets(tenant_a)
    client.force_login(tenant_b.consultant)
    response = client.post(
        url("finding-merge", tenant_a), {"findings": [keep.pk, other.pk], "keep": keep.pk, "confirm": "1"}
    )
    assert response.status_code == 404
    assert list(guichet.findings.all()) == [other]


def test_the_pst_search_finds_by_code_and_title_without_accents(client, tenant_a, tenant_b):
    _pst, os_node, oos, actions = pst_tree(tenant_a.commune)
    _other, foreign_os, _foreign_oos, _foreign_actions = pst_tree(tenant_b.commune)
    finding = FindingFactory(mission=tenant_a.mission)
    FindingSource.objects.create(finding=finding, kind="pst_node", pst_node=oos[1])
    client.force_login(tenant_a.consultant)
    search = url("finding-pst-search", tenant_a, finding_id=finding.pk)

    html = client.get(search, {"q": "mobilite"}, headers={"HX-Request": "true"}).content.decode()
    assert f'value="pst_node:{os_node.pk}"' in html
    assert f'value="pst_node:{foreign_os.pk}"' not in html  # same title in the other commune: never shown
    assert "<html" not in html  # a fragment for htmx
    html = client.get(search, {"q": "oo 1.2"}).content.decode()
    assert "Objectif 2" in html and "déjà cité" in html and f'value="pst_node:{oos[1].pk}"' not in html
    html = client.get(search, {"q": "action"}).content.decode()
    assert html.count('name="source"') == len(actions)
    assert "Aucun élément du PST" in client.get(search, {"q": "zzz"}).content.decode()
    # Without JavaScript: the same results in the finding's page.
    page = client.get(url("finding-detail", tenant_a, finding_id=finding.pk), {"q": "A.1.2.1"}).content.decode()
    assert f'value="pst_node:{actions[2].pk}"' in page
    # A node of the other commune posted by its id is refused.
    refused = client.post(
        url("finding-source-add", tenant_a, finding_id=finding.pk),
        {"source": f"pst_node:{foreign_os.pk}"},
        follow=True,
    )
    assert "appartient à une autre commune" in refused.content.decode()
    assert list(finding.sources.values_list("pst_node", flat=True)) == [oos[1].pk]
    # The other commune's consultant cannot search this finding's PST.
    client.force_login(tenant_b.consultant)
    assert client.get(search, {"q": "mobilite"}).status_code == 404


def test_the_pst_search_keeps_twenty_results_and_counts_the_rest(client, tenant_a):
    pst = PSTFactory(commune=tenant_a.commune)
    PSTNodeFactory.create_batch(25, pst=pst, title=factory.Sequence(lambda n: f"Rénovation n° {n}"))
    finding = FindingFactory(mission=tenant_a.mission)
    client.force_login(tenant_a.consultant)
    html = client.get(url("finding-pst-search", tenant_a, finding_id=finding.pk), {"q": "renovation"}).content.decode()
    assert html.count('name="source"') == 20
    assert "Et 5 autres éléments : précisez la recherche." in html


@pytest.mark.parametrize("size", [5, 60])
def test_the_pst_search_is_a_fixed_number_of_queries(client, tenant_a, size, django_assert_num_queries):
    pst = PSTFactory(commune=tenant_a.commune)
    PSTNodeFactory.create_batch(size, pst=pst, title=factory.Sequence(lambda n: f"Voirie n° {n}"))
    finding = FindingFactory(mission=tenant_a.mission)
    client.force_login(tenant_a.consultant)
    client.get(url("finding-pst-search", tenant_a, finding_id=finding.pk), {"q": "x"})  # session warmed
    with django_assert_num_queries(QUERIES_OF_THE_PST_SEARCH):
        page = client.get(url("finding-pst-search", tenant_a, finding_id=finding.pk), {"q": "voirie"})
    assert page.content.decode().count('name="source"') == min(size, 20)


# Session, user, the finding with its mission and the membership checks (3), codes and titles, nodes shown, cited.
QUERIES_OF_THE_PST_SEARCH = 7
