"""The « diagnostic smart » synthesis page: its sections, sentences, charts and a fixed query count."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from diagnostics.models import Answer, Audience, QuestionType, Response
from diagnostics.selectors.synthesis import synthesis
from territoire.models import PSTNodeTag
from tests.charts import charts_without_numbers, figures
from tests.diagnostics.factories import CampaignFactory, InvitationFactory, QuestionFactory, SectionFactory
from tests.diagnostics.factories_fieldwork import (
    CardFactory,
    CardVoteFactory,
    FlowFactory,
    IntervieweeFactory,
    InterviewFactory,
    SystemFactory,
    WorkshopFactory,
)
from tests.diagnostics.factories_findings import CardSourceFactory, FindingFactory
from tests.territoire.factories import pst_tree

pytestmark = pytest.mark.django_db

AXES = [("technology", "mobility"), ("people", "governance"), ("institutions", "energy")]


def build(tenant, n: int):
    """A mission with every part of the diagnostic, ``n`` setting the size of each part."""
    _pst, os_node, oos, actions = pst_tree(tenant.commune, actions_per_oo=n)
    for i, action in enumerate(actions):
        PSTNodeTag.objects.create(node=action, kind="theme", value="mobility" if i % 3 else "energy")
    PSTNodeTag.objects.create(node=oos[0], kind="theme", value="governance")
    section = SectionFactory(questionnaire__mission=tenant.mission)
    questions = [
        QuestionFactory(section=section, type=QuestionType.LIKERT, counts_for_maturity=True, dimension=d, theme=t)
        for d, t in AXES
    ]
    for audience in (Audience.STAFF, Audience.COLLEGE):
        campaign = CampaignFactory(questionnaire=section.questionnaire, audience=audience)
        invitations = InvitationFactory.create_batch(n + 2, campaign=campaign)
        for r in range(n):
            response = Response.objects.create(
                campaign=campaign, invitation=invitations[r], submitted_at=timezone.now()
            )
            Answer.objects.bulk_create(
                Answer(response=response, question=q, value=3, number=3, score=Decimal(25 * ((r + i) % 5)))
                for i, q in enumerate(questions)
            )
    for i in range(n):
        interview = InterviewFactory(mission=tenant.mission, interviewer=tenant.consultant, done=True)
        IntervieweeFactory(interview=interview, audience="college" if i % 2 else "staff")
    workshop = WorkshopFactory(mission=tenant.mission, closed=True)
    cards = [CardFactory(workshop=workshop, selected=i < 5, rank=i + 1 if i < 5 else None) for i in range(n + 5)]
    for card in cards[:5]:
        CardVoteFactory.create_batch(2, card=card)
    systems = SystemFactory.create_batch(n + 1, commune=tenant.commune, category="finance")
    FlowFactory(source=systems[0], target=systems[1])
    for i in range(n):
        finding = CardSourceFactory(
            finding__mission=tenant.mission, finding__importance=1 + i % 4, card=cards[i % 5]
        ).finding
        finding.objectives.set([os_node, oos[i % 2]])
    FindingFactory(mission=tenant.mission, theme="", importance=4, statement="Pas de référent numérique")
    return os_node


def test_the_synthesis_reads_section_by_section(client, tenant_a, settings):
    settings.ANONYMOUS_MIN_GROUP_SIZE = 3  # small groups are test_confidentiality's business
    build(tenant_a, 3)
    client.force_login(tenant_a.consultant)
    html = client.get(reverse("diagnostics:synthesis", kwargs={"mission_id": tenant_a.mission.pk})).content.decode()
    for title in (
        "1. La stratégie de la commune (PST)",
        "2. L'avis des acteurs : questionnaires et maturité",
        "3. Sur le terrain : entretiens et ateliers",
        "4. Les outils numériques de l'administration",
        "5. Les constats : les besoins de la commune",
    ):
        assert title in html
    # Generated, factual sentences.
    assert "6 des 6 actions du PST sont étiquetées par thème ; 4 relèvent du thème « Mobilité »" in html
    assert "3 objectifs du PST appellent un projet numérique selon les constats." in html
    assert "6 réponses reçues pour 2 campagnes." in html
    assert "Taux de réponse : Collège communal 60 %, Personnel administratif 60 %." in html
    assert "Maturité moyenne la plus basse : Technologie (25/100) ; la plus haute : Institutions (75/100)." in html
    assert "Publics pas encore rencontrés : Société civile." in html
    assert "3 entretiens réalisés sur un objectif de 10" in html
    assert "cartes défis ; 5 défis ont été retenus." in html
    assert "4 outils inventoriés, 4 alertes dont 1 de gravité importante." in html
    assert "Doublon d&#x27;outils" in html
    assert "4 constats ouverts, dont 2 d&#x27;importance forte ou critique." in html
    assert "Pas de référent numérique" in html
    # Charts are inline SVG without any script.
    assert html.count("<svg") >= 7
    assert "<script" not in html.split("<main", 1)[-1].split("</main>")[0]
    assert reverse("diagnostics:inventory", kwargs={"mission_id": tenant_a.mission.pk}) in html


def test_every_chart_of_the_synthesis_has_its_numbers(client, tenant_a, settings):
    settings.ANONYMOUS_MIN_GROUP_SIZE = 3
    build(tenant_a, 3)
    client.force_login(tenant_a.college)
    page = client.get(reverse("diagnostics:synthesis", kwargs={"mission_id": tenant_a.mission.pk})).content.decode()
    drawn = figures(page)
    # PST, participation, interviews, workshop votes, alerts, findings; two maturity radars with their tables.
    assert len(drawn) == 8 and all("<svg" in html for html, _table in drawn)
    assert charts_without_numbers(page) == []
    assert page.count("Voir les chiffres") == 6
    # The numbers are the chart's own, labels in full: one row per challenge, with its votes.
    workshop = next(html for html, _t in drawn if "Votes des défis retenus" in html)
    row = r'<th scope="row" class="fw-normal">Défi numéro \d+ pour la commune</th>\s*<td class="text-end[^"]*">2</td>'
    assert len(re.findall(row, workshop)) == 5


def test_synthesis_is_plain_data_the_report_can_reuse(tenant_a, settings):
    settings.ANONYMOUS_MIN_GROUP_SIZE = 2
    build(tenant_a, 2)
    data = synthesis(tenant_a.mission, user=tenant_a.consultant)
    assert set(data) == {"pst", "questionnaires", "fieldwork", "inventory", "findings"}
    assert all(data[part]["sentences"] for part in data)
    assert [row["audience"] for row in data["questionnaires"]["participation"]] == [
        "Collège communal",
        "Personnel administratif",
    ]
    assert data["questionnaires"]["participation"][0]["rate"] == 50
    assert data["questionnaires"]["maturity"]["dimension"]["radar"].startswith("<svg")
    assert data["findings"]["total"] == 3
    assert data["findings"]["top"][0].importance == 4


def test_an_empty_mission_still_reads_well(client, tenant_a):
    client.force_login(tenant_a.college)
    html = client.get(reverse("diagnostics:synthesis", kwargs={"mission_id": tenant_a.mission.pk})).content.decode()
    assert "Le PST de la commune n&#x27;est pas encore importé." in html
    assert "Aucune campagne de questionnaire n&#x27;a encore été lancée." in html
    assert "Aucun constat n&#x27;a encore été formulé." in html


@pytest.mark.parametrize("size", [2, 12])
def test_synthesis_is_a_fixed_number_of_queries(client, tenant_a, size, django_assert_max_num_queries):
    build(tenant_a, size)
    client.force_login(tenant_a.consultant)
    target = reverse("diagnostics:synthesis", kwargs={"mission_id": tenant_a.mission.pk})
    # 23 + the sources of the top findings (and their interviewees, for a consultant).
    with django_assert_max_num_queries(25):
        assert client.get(target).status_code == 200


def test_other_commune_gets_404_and_members_read(client, tenant_a, tenant_b):
    target = reverse("diagnostics:synthesis", kwargs={"mission_id": tenant_a.mission.pk})
    client.force_login(tenant_b.consultant)
    assert client.get(target).status_code == 404
    client.force_login(tenant_a.staff)
    assert client.get(target).status_code == 200
    assert client.get(target + "?impression=1").status_code == 200


def test_an_interview_late_in_the_evening_is_dated_by_brussels_calendar(db):
    """23:30 UTC on 14/03 is already 15/03 in Brussels: the synthesis' source label says 15/03."""
    from datetime import UTC, datetime

    from diagnostics.selectors.findings import source_label
    from tests.diagnostics.factories_fieldwork import InterviewFactory
    from tests.diagnostics.factories_findings import InterviewSourceFactory

    source = InterviewSourceFactory(interview=InterviewFactory(scheduled_at=datetime(2026, 3, 14, 23, 30, tzinfo=UTC)))
    assert "(15/03/2026)" in source_label(source, may_read_interviews=True)
