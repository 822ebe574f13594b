"""The CSC: sections edited one by one, requirements, lots, weighted criteria, the draft from the sheet, the
reuse of an earlier CSC's section, and who may do what."""

from decimal import Decimal

import pytest
from django.urls import reverse

from projects.models import AwardCriterion, Lot, Requirement, SectionKind, Specification, SpecSection
from territoire.models import Membership, Role
from tests.factories import CommuneFactory, MissionFactory, UserFactory
from tests.projects.factories import FollowedProjectFactory
from tests.projects.factories_csc import SpecificationFactory
from tests.roadmap.factories import BudgetLineFactory, ProjectSheetFactory


@pytest.fixture
def project(tenant_a):
    sheet = ProjectSheetFactory(
        mission=tenant_a.mission,
        status="retained",
        title="E-guichet",
        context="La commune reçoit 4 000 demandes papier par an.",
        objectives="Proposer 20 démarches en ligne.",
        solution_software="Un guichet en ligne.",
        solution_equipment="Deux bornes à l’accueil.",
        solution_communication="Une campagne d’information.",
    )
    BudgetLineFactory(sheet=sheet, category="development", amount=Decimal("40000"))
    BudgetLineFactory(sheet=sheet, category="licences", amount=Decimal("5000"), running=True)
    BudgetLineFactory(sheet=sheet, category="equipment", amount=Decimal("12000"))
    BudgetLineFactory(sheet=sheet, category="training", amount=Decimal("3000"))
    return FollowedProjectFactory(sheet=sheet, consultant=tenant_a.consultant)


@pytest.fixture
def specification(project, tenant_a):
    return SpecificationFactory(project=project, created_by=tenant_a.consultant)


def _url(name, project, *args):
    return reverse(f"projects:{name}", args=[project.mission_id, project.pk, *args])


def _member(tenant, role):
    user = UserFactory()
    Membership.objects.create(user=user, commune=tenant.commune, role=role)
    return user


def test_a_consultant_creates_a_csc_with_every_section_in_order(client, tenant_a, project):
    client.force_login(tenant_a.consultant)
    response = client.post(_url("specifications", project), {"title": "CSC e-guichet"})
    specification = Specification.objects.get(project=project)
    assert response.status_code == 302
    assert set(specification.sections.values_list("kind", flat=True)) == set(SectionKind.values)
    page = client.get(response["Location"]).text
    positions = [page.index(f"{number}. {kind.label}") for number, kind in enumerate(SectionKind, start=1)]
    assert positions == sorted(positions)


def test_the_draft_fills_the_csc_from_the_sheet(client, tenant_a, project, specification):
    client.force_login(tenant_a.consultant)
    client.post(_url("specification-draft", project, specification.pk))
    sections = {section.kind: section.body for section in specification.sections.all()}
    assert "E-guichet" in sections["object"] and "20 démarches" in sections["object"]
    assert sections["context"] == "La commune reçoit 4 000 demandes papier par an."
    assert "Deux bornes" in sections["needs"] and "campagne" in sections["needs"]
    lots = {lot.title: lot.estimated_amount for lot in specification.lots.all()}
    assert lots == {
        "Application et logiciels": Decimal("45000"),
        "Équipements et infrastructure": Decimal("12000"),
        "Accompagnement, formation et communication": Decimal("3000"),
    }
    technical = list(specification.requirements.filter(section="technical").values_list("text", flat=True))
    assert len(technical) == 6
    assert any("WCAG 2.1" in text for text in technical) and any("RGPD" in text for text in technical)


def test_the_draft_carries_the_teams_checklist_notes_into_their_sections(client, tenant_a, project, specification):
    from projects.models import ChecklistAnswer, ChecklistQuestion

    notes = {
        "Besoin": "Les usagers attendent 40 minutes au guichet population.",
        "Données et RGPD": "Registre national via le BCED ; DPO consulté le 12/01.",
        "Planning": "Mise en ligne avant les élections de 2027.",
        "Leadership": "Julien Renard, 2 jours par semaine.",  # a topic that feeds no section
    }
    for topic, note in notes.items():
        question = ChecklistQuestion.objects.filter(topic=topic).first()
        ChecklistAnswer.objects.create(project=project, question=question, status="yes", note=note)
    ChecklistAnswer.objects.create(
        project=project, question=ChecklistQuestion.objects.filter(topic="Interopérabilité").first(), status="no"
    )
    client.force_login(tenant_a.consultant)
    client.post(_url("specification-draft", project, specification.pk))
    sections = {section.kind: section.body for section in specification.sections.all()}
    assert sections["context"] == (
        "La commune reçoit 4 000 demandes papier par an.\n\nBesoin : Les usagers attendent 40 minutes au guichet "
        "population."
    )
    assert sections["technical"] == "Données et RGPD : Registre national via le BCED ; DPO consulté le 12/01."
    assert sections["duration"] == "Planning : Mise en ligne avant les élections de 2027."
    assert not any("Julien Renard" in body for body in sections.values())


def test_the_draft_keeps_what_was_already_written(client, tenant_a, project, specification):
    SpecSection.objects.filter(specification=specification, kind="context").update(body="Texte du consultant.")
    client.force_login(tenant_a.consultant)
    client.post(_url("specification-draft", project, specification.pk))
    client.post(_url("specification-draft", project, specification.pk))
    assert specification.sections.get(kind="context").body == "Texte du consultant."
    assert specification.requirements.filter(section="technical").count() == 6
    assert specification.lots.count() == 3


def test_a_section_is_saved_alone_and_user_html_stays_text(client, tenant_a, project, specification):
    section = specification.sections.get(kind="needs")
    client.force_login(tenant_a.consultant)
    response = client.post(
        _url("section-edit", project, section.pk),
        {f"s{section.pk}-body": "<script>alert(1)</script>\n\n=cmd|' /C calc'!A0"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "Enregistré" in response.text
    section.refresh_from_db()
    assert section.body.startswith("<script>")
    page = client.get(_url("specification-detail", project, specification.pk)).text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_requirements_are_numbered_and_reordered(client, tenant_a, project, specification):
    client.force_login(tenant_a.consultant)
    for text in ("Première", "Deuxième", "Troisième"):
        client.post(
            _url("requirement-add", project, specification.pk),
            {"section": "functional", "text": text, "priority": "should"},
        )
    third = Requirement.objects.get(text="Troisième")
    client.post(_url("requirement-move", project, third.pk), {"direction": "up"})
    order = list(specification.requirements.filter(section="functional").values_list("text", flat=True))
    assert order == ["Première", "Troisième", "Deuxième"]
    page = client.get(_url("specification-detail", project, specification.pk)).text
    assert page.index("EF-02") < page.index("Troisième") < page.index("EF-03") < page.index("Deuxième")
    assert "Souhaitable" in page


def _criteria_post(rows):
    data = {
        "criteria-TOTAL_FORMS": str(len(rows)),
        "criteria-INITIAL_FORMS": str(sum(1 for row in rows if row.get("id"))),
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"criteria-{index}-{key}"] = value
    return data


def test_weights_that_do_not_sum_to_100_are_refused(client, tenant_a, project, specification):
    price, quality = specification.criteria.order_by("position")
    client.force_login(tenant_a.consultant)
    response = client.post(
        _url("criteria-edit", project, specification.pk),
        _criteria_post(
            [
                {"id": price.pk, "label": "Prix", "kind": "price", "weight": "50", "price_formula": "proportional"},
                {
                    "id": quality.pk,
                    "label": "Qualité",
                    "kind": "quality",
                    "weight": "40",
                    "price_formula": "proportional",
                },
                {"label": "Délai", "kind": "quality", "weight": "5", "price_formula": "proportional"},
            ]
        ),
    )
    assert response.status_code == 400
    assert "La somme des pondérations doit être égale à 100 % (elle est de 95 %)." in response.text
    assert sorted(specification.criteria.values_list("weight", flat=True)) == [Decimal(40), Decimal(60)]


def test_weights_summing_to_100_are_saved_with_the_price_formula(client, tenant_a, project, specification):
    price, quality = specification.criteria.order_by("position")
    client.force_login(tenant_a.consultant)
    response = client.post(
        _url("criteria-edit", project, specification.pk),
        _criteria_post(
            [
                {"id": price.pk, "label": "Prix", "kind": "price", "weight": "50", "price_formula": "linear"},
                {
                    "id": quality.pk,
                    "label": "Qualité",
                    "kind": "quality",
                    "weight": "30",
                    "price_formula": "proportional",
                },
                {"label": "Délai", "kind": "quality", "weight": "20", "price_formula": "proportional"},
            ]
        ),
    )
    assert response.status_code == 302
    assert sorted(specification.criteria.values_list("label", "weight")) == [
        ("Délai", Decimal(20)),
        ("Prix", Decimal(50)),
        ("Qualité", Decimal(30)),
    ]
    assert AwardCriterion.objects.get(pk=price.pk).price_formula == "linear"


def test_a_csc_is_final_only_with_weights_summing_to_100(client, tenant_a, project, specification):
    AwardCriterion.objects.filter(specification=specification, kind="quality").update(weight=30)
    client.force_login(tenant_a.consultant)
    response = client.post(_url("specification-status", project, specification.pk), {"status": "final"}, follow=True)
    assert "La somme des pondérations doit être égale à 100 % (elle est de 90 %)." in response.text
    specification.refresh_from_db()
    assert specification.status == "draft"


def test_lots_are_numbered(client, tenant_a, project, specification):
    client.force_login(tenant_a.consultant)
    for title in ("Application", "Bornes"):
        client.post(_url("lot-add", project, specification.pk), {"title": title, "estimated_amount": "1000"})
    assert list(Lot.objects.filter(specification=specification).values_list("number", "title")) == [
        (1, "Application"),
        (2, "Bornes"),
    ]
    response = client.post(_url("lot-add", project, specification.pk), {"title": "X", "estimated_amount": "-5"})
    assert response.status_code == 400
    assert specification.lots.count() == 2


# --- Who may do what ---------------------------------------------------------------------------------------


def test_the_college_reads_the_csc_but_does_not_edit_it(client, tenant_a, project, specification):
    section = specification.sections.get(kind="object")
    client.force_login(tenant_a.college)
    assert client.get(_url("specification-detail", project, specification.pk)).status_code == 200
    response = client.post(_url("section-edit", project, section.pk), {f"s{section.pk}-body": "Changé"})
    assert response.status_code == 403
    assert client.post(_url("specifications", project), {"title": "CSC"}).status_code == 403
    section.refresh_from_db()
    assert section.body == ""


def test_staff_outside_the_team_cannot_edit_but_the_team_can(client, tenant_a, project, specification):
    section = specification.sections.get(kind="object")
    client.force_login(tenant_a.staff)
    assert client.post(_url("section-edit", project, section.pk), {f"s{section.pk}-body": "Non"}).status_code == 403
    teammate = _member(tenant_a, Role.STAFF)
    project.team.add(teammate)
    client.force_login(teammate)
    assert client.post(_url("section-edit", project, section.pk), {f"s{section.pk}-body": "Oui"}).status_code == 302
    section.refresh_from_db()
    assert section.body == "Oui"


def test_another_commune_gets_404_on_the_csc_and_its_files(client, tenant_a, tenant_b, project, specification):
    client.force_login(tenant_a.consultant)
    response = client.post(_url("specification-render", project, specification.pk), {"format": "docx"})
    render_url = response["Location"]
    client.force_login(tenant_b.consultant)
    assert client.get(_url("specification-detail", project, specification.pk)).status_code == 404
    assert client.get(render_url).status_code == 404
    assert client.get(render_url + "fichier/").status_code == 404


# --- Reuse of an earlier CSC's section ----------------------------------------------------------------------


def _earlier_csc(consultant, commune, text, *, created_by=None):
    mission = MissionFactory(commune=commune, referents=[consultant])
    project = FollowedProjectFactory(sheet=ProjectSheetFactory(mission=mission, status="retained"))
    earlier = SpecificationFactory(project=project, created_by=created_by or consultant)
    SpecSection.objects.filter(specification=earlier, kind="administrative").update(body=text)
    return earlier.sections.get(kind="administrative")


def test_a_consultant_reuses_a_section_of_their_csc_for_another_commune(client, tenant_a, project, specification):
    other_commune = CommuneFactory(name="Commune C")
    Membership.objects.create(user=tenant_a.consultant, commune=other_commune, role=Role.CONSULTANT)
    source = _earlier_csc(tenant_a.consultant, other_commune, "Pénalités de retard : 0,07 % par jour.")
    target = specification.sections.get(kind="administrative")
    client.force_login(tenant_a.consultant)
    page = client.get(_url("specification-detail", project, specification.pk)).text
    assert "Commune C" in page
    client.post(_url("section-reuse", project, target.pk), {"source": source.pk})
    target.refresh_from_db()
    assert target.body == "Pénalités de retard : 0,07 % par jour."


def test_reuse_is_limited_to_the_consultants_own_csc_in_their_communes(
    client, tenant_a, tenant_b, project, specification
):
    # A CSC of commune B, where tenant_a's consultant has no membership, and one of another consultant.
    foreign = _earlier_csc(tenant_b.consultant, tenant_b.commune, "Texte de la commune B.")
    colleague = _member(tenant_a, Role.CONSULTANT)
    theirs = _earlier_csc(colleague, tenant_a.commune, "Texte d’un autre consultant.")
    target = specification.sections.get(kind="administrative")
    client.force_login(tenant_a.consultant)
    page = client.get(_url("specification-detail", project, specification.pk)).text
    assert "Texte de la commune B" not in page and "Commune B" not in page
    for source in (foreign, theirs):
        response = client.post(_url("section-reuse", project, target.pk), {"source": source.pk}, follow=True)
        assert "Cette section n’est pas disponible." in response.text
    target.refresh_from_db()
    assert target.body == ""


def test_the_csc_page_keeps_a_constant_number_of_queries(
    client, tenant_a, project, specification, django_assert_max_num_queries
):
    client.force_login(tenant_a.consultant)
    client.post(_url("specification-draft", project, specification.pk))
    url = _url("specification-detail", project, specification.pk)
    with django_assert_max_num_queries(25):
        assert client.get(url).status_code == 200
    for number in range(10):
        Requirement.objects.create(specification=specification, section="functional", text=f"Exigence {number}")
        Lot.objects.create(specification=specification, number=10 + number, title=f"Lot {number}", estimated_amount=1)
    with django_assert_max_num_queries(25):
        assert client.get(url).status_code == 200
