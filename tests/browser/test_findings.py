"""Browser journey of the findings: a workshop's top-5 → findings → merge two → the « diagnostic smart »."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from diagnostics.models import Audience, Finding, QuestionType, Response
from diagnostics.models.campaigns import Answer
from territoire.models import PSTNodeTag
from tests.conftest import make_tenant
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
from tests.roadmap.factories import ProjectSheetFactory
from tests.territoire.factories import pst_tree

CHALLENGES = [
    ("Payer ses redevances en ligne", "governance"),
    ("Covoiturage entre villages", "mobility"),
    ("Signaler un problème de voirie en deux clics", "living"),
    ("Suivre en ligne sa demande de permis", "governance"),
    ("Connaître les places de parking libres", "mobility"),
]


@pytest.fixture
def world(transactional_db):
    tenant = make_tenant("Val-d'Ourthe")
    _pst, _os, oos, actions = pst_tree(tenant.commune, actions_per_oo=3)
    for i, action in enumerate(actions):
        PSTNodeTag.objects.create(node=action, kind="theme", value=["mobility", "governance", "energy"][i % 3])
    workshop = WorkshopFactory(mission=tenant.mission, title="Midi du Smart", closed=True)
    for rank, (text, theme) in enumerate(CHALLENGES, 1):
        card = CardFactory(workshop=workshop, text=text, theme=theme, selected=True, rank=rank)
        CardVoteFactory.create_batch(8 - rank, card=card)
    section = SectionFactory(questionnaire__mission=tenant.mission, questionnaire__title="Maturité numérique")
    axes = [("technology", "mobility"), ("people", "governance"), ("institutions", "administration")]
    questions = [
        QuestionFactory(section=section, type=QuestionType.LIKERT, counts_for_maturity=True, dimension=d, theme=t)
        for d, t in axes
    ]
    for audience, lean in ((Audience.STAFF, 0), (Audience.COLLEGE, 1)):
        campaign = CampaignFactory(questionnaire=section.questionnaire, audience=audience)
        invitations = InvitationFactory.create_batch(6, campaign=campaign)
        for r in range(4):
            response = Response.objects.create(
                campaign=campaign, invitation=invitations[r], submitted_at=timezone.now()
            )
            for i, q in enumerate(questions):
                Answer.objects.create(
                    response=response, question=q, value=3, number=3, score=25 * ((r + i + lean) % 5)
                )
    for i in range(3):
        interview = InterviewFactory(mission=tenant.mission, interviewer=tenant.consultant, done=True)
        IntervieweeFactory(interview=interview, audience=["college", "staff", "staff"][i])
    saphir = SystemFactory(commune=tenant.commune, name="Saphir", category="finance")
    FlowFactory(source=saphir, target=SystemFactory(commune=tenant.commune, name="Onyx", category="finance"))
    SystemFactory(commune=tenant.commune, name="Registre papier numérisé")
    return tenant, workshop, oos


def test_workshop_top5_to_findings_merge_and_synthesis(page, live_server, login, screenshot, assert_accessible, world):
    tenant, workshop, oos = world
    base = f"{live_server.url}/missions/{tenant.mission.pk}/diagnostic"
    login(tenant.consultant)

    # 1. The workshop's top-5 become findings in one click; a second click creates nothing more.
    page.goto(f"{base}/ateliers/{workshop.pk}/")
    page.get_by_role("button", name="Créer les constats des 5 défis retenus").click()
    expect(page.get_by_text("5 constats créés à partir des défis retenus.")).to_be_visible()
    page.get_by_role("button", name="Créer les constats des 5 défis retenus").click()
    expect(page.get_by_text("5 défis avaient déjà leur constat")).to_be_visible()
    assert Finding.objects.count() == 5
    assert_accessible()
    screenshot("findings-workshop-top5")

    # 2. One more finding, from an inventory alert, linked to a PST objective.
    page.goto(f"{base}/inventaire/")
    page.get_by_role("link", name="Créer un constat").first.click()
    expect(page.get_by_text("Source citée :")).to_be_visible()
    page.get_by_label("Importance").select_option("4")
    page.get_by_label("Objectifs du PST").select_option(str(oos[0].pk))
    assert_accessible()
    screenshot("findings-form-from-alert")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Le constat est enregistré.")).to_be_visible()
    assert_accessible()
    screenshot("findings-detail")

    # The source picker searches the PST as one types (accents ignored) and cites the node found.
    page.get_by_label("Citer un élément du PST").press_sequentially("objectif 2", delay=30)
    cite = page.get_by_role("button", name="Citer OO.1.2 Objectif 2")
    expect(cite).to_be_visible()
    expect(page.get_by_role("button", name="Citer OO.1.1 Objectif 1")).to_have_count(0)
    assert_accessible()
    screenshot("findings-source-search")
    cite.click()
    expect(page.get_by_text("La source est ajoutée au constat.")).to_be_visible()
    expect(page.get_by_role("region", name="Sources")).to_contain_text("Objectif 2")

    # 3. The list groups by theme; two duplicates are merged.
    page.get_by_role("link", name="Constats", exact=True).first.click()
    expect(page.get_by_role("heading", name="Constats (besoins)")).to_be_visible()
    first, second = (
        Finding.objects.filter(sources__card__text=text).get() for text in (CHALLENGES[0][0], CHALLENGES[3][0])
    )
    # The duplicate already has its project sheet: it follows the kept finding.
    sheet = ProjectSheetFactory(mission=tenant.mission, code="FP-02", title="Guichet électronique")
    sheet.findings.add(second)
    page.get_by_label(f"Fusionner « {first.statement} »").check()
    page.get_by_label(f"Fusionner « {second.statement} »").check()
    page.get_by_label(f"Garder « {first.statement} »").check()
    assert_accessible()
    screenshot("findings-list")
    page.get_by_role("button", name="Fusionner les constats cochés").click()
    # Nothing is merged before the confirmation page has shown what moves.
    expect(page.get_by_role("heading", name="Fusionner des constats")).to_be_visible()
    expect(page.get_by_role("region", name="Constat gardé")).to_contain_text(first.statement)
    expect(page.get_by_role("region", name="Constats fusionnés dans celui-ci")).to_contain_text(second.statement)
    expect(page.get_by_role("region", name="Constat gardé")).to_contain_text(
        "Fiche projet rattachée au constat gardé FP-02 Guichet électronique"
    )
    assert Finding.objects.filter(status="merged").count() == 0
    assert_accessible()
    screenshot("findings-merge-confirm")
    page.get_by_role("button", name="Confirmer la fusion").click()
    expect(page.get_by_text("1 constat a été fusionné")).to_be_visible()
    second.refresh_from_db()
    assert second.merged_into_id == first.pk
    assert first.sources.count() == 2
    assert list(sheet.findings.all()) == [first]

    # 4. The synthesis reads section by section, with its charts.
    page.goto(f"{base}/synthese/")
    expect(page.get_by_role("heading", name="Diagnostic smart", exact=True)).to_be_visible()
    expect(page.get_by_text("5 constats ouverts, dont 4 d'importance forte ou critique.")).to_be_visible()
    expect(page.get_by_text("Taux de réponse : Collège communal 67 %, Personnel administratif 67 %.")).to_be_visible()
    assert page.locator("section.synthesis-section svg").count() >= 6
    assert_accessible()
    screenshot("synthesis")
    page.emulate_media(media="print")
    screenshot("synthesis-print")
    page.emulate_media(media="screen")

    # The hub shows both new cards.
    page.goto(f"{base}/")
    expect(page.get_by_role("heading", name="Constats (besoins)")).to_be_visible()
    expect(page.get_by_role("link", name="Lire la synthèse")).to_be_visible()
    screenshot("diagnostic-hub-findings")
