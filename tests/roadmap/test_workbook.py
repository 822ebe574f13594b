"""The roadmap workbook: export through an export job, import through upload → preview → confirm.

Every bad input is refused with its tab, row and column in French, all at once, and nothing is written.
"""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from roadmap.exports import roadmap_workbook
from roadmap.models import (
    BudgetLine,
    FundingLine,
    ProjectSheet,
    Score,
    ScoringSubmission,
    SheetIndicator,
    SheetRisk,
    SheetStatus,
)
from tests.exports import download_export
from tests.roadmap.factories import (
    BudgetLineFactory,
    CriterionFactory,
    FundingCallFactory,
    FundingLineFactory,
    ProjectSheetFactory,
    ScoreFactory,
)
from tests.territoire import pst_hostile_files as hostile


@pytest.fixture
def mission_data(tenant_a):
    """Two sheets with lines, a prerequisite, two criteria and the consultant's scores."""
    mission = tenant_a.mission
    first = ProjectSheetFactory(mission=mission, code="FP-01", title="E-guichet", theme="governance", context="Ctx")
    second = ProjectSheetFactory(mission=mission, code="FP-02", title="Site web", fte_internal=Decimal("0.5"))
    second.prerequisites.add(first)
    BudgetLineFactory(sheet=first, label="Développement", amount=Decimal("20000.00"), year=2027)
    BudgetLineFactory(sheet=first, label="Licence", running=True, amount=Decimal("1200.50"))
    FundingLineFactory(sheet=first, of_call=True, call=FundingCallFactory(name="Appel wallon", rate=50))
    SheetRisk.objects.create(sheet=first, risk="Retard du fournisseur", mitigation="Pénalités")
    SheetIndicator.objects.create(sheet=first, indicator="Démarches en ligne", target="60", unit="%")
    cost = CriterionFactory(mission=mission, code="cout", label="Coût")
    impact = CriterionFactory(mission=mission, code="impact", label="Impact")
    for sheet in (first, second):
        ScoreFactory(sheet=sheet, criterion=cost, consultant=tenant_a.consultant, value=2, comment="ok")
        ScoreFactory(sheet=sheet, criterion=impact, consultant=tenant_a.consultant, value=4)
    return {"mission": mission, "first": first, "second": second, "cost": cost, "impact": impact}


def snapshot(mission) -> dict:
    """Everything an import may write, to assert it wrote nothing."""
    sheets = ProjectSheet.objects.filter(mission=mission)
    return {
        "sheets": sorted(sheets.values_list("code", "title", "status", "context", "fte_internal", "updated_at")),
        "budget": sorted(BudgetLine.objects.filter(sheet__mission=mission).values_list("id", "label", "amount")),
        "funding": sorted(FundingLine.objects.filter(sheet__mission=mission).values_list("id", "amount")),
        "risks": sorted(SheetRisk.objects.filter(sheet__mission=mission).values_list("id", "risk")),
        "indicators": sorted(SheetIndicator.objects.filter(sheet__mission=mission).values_list("id", "target")),
        "prerequisites": sorted(
            ProjectSheet.prerequisites.through.objects.filter(from_projectsheet__mission=mission).values_list(
                "from_projectsheet__code", "to_projectsheet__code"
            )
        ),
        "scores": sorted(Score.objects.filter(sheet__mission=mission).values_list("id", "value", "comment")),
    }


def edited(data: bytes, tab: str, changes: dict) -> bytes:
    """The workbook with cells changed: {"E3": value}; a value of a list appends rows."""
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook[tab]
    for cell, value in changes.items():
        if cell == "append":
            for row in value:
                sheet.append(row)
        else:
            sheet[cell] = value
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def upload(client, mission, data: bytes):
    return client.post(
        reverse("roadmap:workbook-import", args=[mission.pk]),
        {"file": SimpleUploadedFile("feuille.xlsx", data)},
    )


def import_file(client, mission, data: bytes):
    """Upload then confirm, as a consultant does; returns the confirmation's response."""
    preview = upload(client, mission, data)
    assert preview.status_code == 200, preview.content.decode()
    token = preview.context["token"]
    return client.post(reverse("roadmap:workbook-import-confirm", args=[mission.pk]), {"token": token})


def refused(client, mission, data: bytes) -> list[str]:
    before = snapshot(mission)
    response = upload(client, mission, data)
    assert response.status_code == 400
    assert "Rien n'a été importé" in response.content.decode()
    assert snapshot(mission) == before
    return response.context["errors"]


# --- Export ---------------------------------------------------------------------------------------


def test_the_export_holds_every_tab_with_french_headers_and_labels(client, tenant_a, mission_data):
    mission = mission_data["mission"]
    client.force_login(tenant_a.consultant)
    response = download_export(client, reverse("roadmap:workbook-export", args=[mission.pk]))
    assert response["Content-Disposition"].endswith('.xlsx"')
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == [
        "Fiches",
        "Budget",
        "Financements",
        "Indicateurs",
        "Risques",
        "Prérequis",
        "Cotes",
        "Classement",
    ]
    fiches = list(workbook["Fiches"].values)
    assert fiches[0][:3] == ("Code", "Intitulé", "Statut")
    assert fiches[1][:4] == ("FP-01", "E-guichet", "Proposée", "Gouvernance")
    assert fiches[1][14] == 10000  # net cost: 20 000 − 50 % subsidy
    budget = list(workbook["Budget"].values)
    assert budget[1][:5] == ("FP-01", "Développement", "Développement", "Investissement", 20000)
    assert budget[1][6] == 24200  # incl. VAT, computed
    assert list(workbook["Financements"].values)[1][:3] == ("FP-01", "Appel à projets", "Appel wallon")
    assert list(workbook["Prérequis"].values)[1] == ("FP-02", "FP-01")
    assert sorted(list(workbook["Cotes"].values)[1:]) == [
        ("FP-01", "cout", 2, "ok"),
        ("FP-01", "impact", 4, None),
        ("FP-02", "cout", 2, "ok"),
        ("FP-02", "impact", 4, None),
    ]


def test_the_ranking_page_offers_the_export(client, tenant_a, mission_data):
    client.force_login(tenant_a.college)
    page = client.get(reverse("roadmap:ranking", args=[mission_data["mission"].pk])).content.decode()
    assert reverse("roadmap:workbook-export", args=[mission_data["mission"].pk]) in page
    assert "Exporter (Excel)" in page


def test_scores_of_others_and_the_ranking_stay_hidden_until_the_grid_is_submitted(tenant_a, mission_data):
    mission = mission_data["mission"]
    other = tenant_a.staff  # any user who scored: only the exporting consultant's own rows may appear
    for sheet in (mission_data["first"], mission_data["second"]):
        for criterion in (mission_data["cost"], mission_data["impact"]):
            ScoreFactory(sheet=sheet, criterion=criterion, consultant=other, value=5)
    workbook = load_workbook(io.BytesIO(roadmap_workbook(mission, user=tenant_a.consultant)))
    assert {row[2] for row in list(workbook["Cotes"].values)[1:]} == {2, 4}
    assert len(list(workbook["Classement"].values)) == 1  # the referent has not submitted: headers only
    ScoringSubmission.objects.create(mission=mission, consultant=tenant_a.consultant)
    workbook = load_workbook(io.BytesIO(roadmap_workbook(mission, user=tenant_a.consultant)))
    ranking = list(workbook["Classement"].values)
    assert ranking[0][:5] == ("Rang", "Code", "Intitulé", "Total /100", "Classe")
    assert {row[1] for row in ranking[1:]} == {"FP-01", "FP-02"}


def test_an_empty_mission_exports_the_blank_template(tenant_a):
    workbook = load_workbook(io.BytesIO(roadmap_workbook(tenant_a.mission, user=tenant_a.consultant)))
    for name in workbook.sheetnames:
        assert workbook[name].max_row == 1, name
    assert workbook["Budget"]["E1"].value == "Montant HTVA"
    lists = {str(dv.sqref): dv.formula1 for dv in workbook["Budget"].data_validations.dataValidation}
    assert lists["C2:C1000"].startswith('"Développement,Équipement,')
    assert lists["D2:D1000"] == '"Investissement,Fonctionnement annuel"'
    statuses = [dv.formula1 for dv in workbook["Fiches"].data_validations.dataValidation if "C2" in str(dv.sqref)]
    assert statuses == ['"Brouillon,Proposée,Retenue,Écartée"']


def test_hostile_text_is_never_a_formula_in_the_export(tenant_a):
    ProjectSheetFactory(mission=tenant_a.mission, code="FP-01", title='=HYPERLINK("http://evil","clic")')
    workbook = load_workbook(io.BytesIO(roadmap_workbook(tenant_a.mission, user=tenant_a.consultant)))
    cell = workbook["Fiches"]["B2"]
    assert cell.data_type == "s" and cell.quotePrefix


def test_another_commune_cannot_export_the_workbook(client, tenant_a, tenant_b):
    client.force_login(tenant_b.consultant)
    assert client.post(reverse("roadmap:workbook-export", args=[tenant_a.mission.pk])).status_code == 404


# --- Import: round trip and hand-made files ---------------------------------------------------------


def test_importing_the_export_back_changes_nothing(client, tenant_a, mission_data):
    mission = mission_data["mission"]
    data = roadmap_workbook(mission, user=tenant_a.consultant)
    before = snapshot(mission)
    client.force_login(tenant_a.consultant)
    preview = upload(client, mission, data)
    assert preview.status_code == 200
    plan = preview.context["plan"]
    assert [p.action for p in plan.sheets] == ["unchanged", "unchanged"]
    assert not plan.scores and plan.scores_unchanged == 4
    assert not plan.changes
    response = client.post(
        reverse("roadmap:workbook-import-confirm", args=[mission.pk]), {"token": preview.context["token"]}
    )
    assert response.status_code == 302
    assert snapshot(mission) == before


def test_a_hand_made_workbook_creates_sheets_with_their_lines(client, tenant_a, mission_data):
    mission = mission_data["mission"]
    workbook = Workbook()
    fiches = workbook.active
    fiches.title = "Fiches"
    fiches.append(["Code", "Intitulé", "Statut", "Thème", "Dimension", "Contexte", "Objectifs"]
                  + ["Solution : application / logiciel", "Solution : équipement / infrastructure"]
                  + ["Solution : communication / accompagnement", "Acteurs et partenaires", "Durée (mois)"]
                  + ["ETP internes", "ETP externes"])  # fmt: skip
    fiches.append(["FP-10", "Capteurs de parking", "Proposée", "Mobilité", "", "Centre saturé", "", "", "Capteurs"]
                  + ["", "", 12, 0.25, None])  # fmt: skip
    budget = workbook.create_sheet("Budget")
    budget.append(["Fiche", "Libellé", "Catégorie", "Nature", "Montant HTVA", "TVA (%)", "Année"])
    budget.append(["FP-10", "Capteurs", "Équipement", "Investissement", 15000, 21, 2027])
    budget.append(["FP-10", "Abonnement", "licences", "Fonctionnement annuel", 900.5, 21, None])
    risks = workbook.create_sheet("Risques")
    risks.append(["Fiche", "Risque", "Probabilité", "Mesure d'atténuation"])
    risks.append(["FP-10", "Vandalisme", "Élevée", "Boîtiers"])
    prerequisites = workbook.create_sheet("Prérequis")
    prerequisites.append(["Fiche", "Prérequis"])
    prerequisites.append(["FP-10", "FP-01"])
    cotes = workbook.create_sheet("Cotes")
    cotes.append(["Fiche", "Critère", "Note", "Commentaire"])
    cotes.append(["FP-10", "impact", 5, "fort"])
    out = io.BytesIO()
    workbook.save(out)
    client.force_login(tenant_a.consultant)
    response = import_file(client, mission, out.getvalue())
    assert response.status_code == 302
    sheet = ProjectSheet.objects.get(mission=mission, code="FP-10")
    assert (sheet.title, sheet.status, sheet.theme, sheet.duration_months) == (
        "Capteurs de parking",
        SheetStatus.PROPOSED,
        "mobility",
        12,
    )
    assert sheet.fte_internal == Decimal("0.25")
    lines = list(sheet.budget_lines.values_list("label", "category", "kind", "amount", "year"))
    assert lines == [
        ("Capteurs", "equipment", "investment", Decimal("15000.00"), 2027),
        ("Abonnement", "licences", "running", Decimal("900.50"), None),
    ]
    assert list(sheet.risks.values_list("risk", "likelihood")) == [("Vandalisme", "high")]
    assert list(sheet.prerequisites.values_list("code", flat=True)) == ["FP-01"]
    assert Score.objects.get(sheet=sheet, consultant=tenant_a.consultant).value == 5
    # The tabs absent from the file leave the other sheets' data as it was.
    assert mission_data["first"].funding_lines.count() == 1


def test_the_preview_names_what_changes_and_the_confirmation_writes_it(client, tenant_a, mission_data):
    mission = mission_data["mission"]
    data = roadmap_workbook(mission, user=tenant_a.consultant)
    data = edited(data, "Fiches", {"B2": "E-guichet communal"})
    data = edited(data, "Budget", {"E2": 30000})
    data = edited(data, "Cotes", {"C2": 3})
    client.force_login(tenant_a.consultant)
    preview = upload(client, mission, data)
    page = preview.content.decode()
    assert "à mettre à jour" in page and "intitulé" in page and "2 → 2 ligne(s)" in page
    budget_id = mission_data["first"].budget_lines.first().pk
    client.post(reverse("roadmap:workbook-import-confirm", args=[mission.pk]), {"token": preview.context["token"]})
    mission_data["first"].refresh_from_db()
    assert mission_data["first"].title == "E-guichet communal"
    assert BudgetLine.objects.get(pk=budget_id).amount == Decimal("30000.00")  # updated in place
    assert Score.objects.get(sheet=mission_data["first"], criterion=mission_data["cost"]).value == 3
    # The token was used: the same preview cannot be confirmed twice.
    again = client.post(
        reverse("roadmap:workbook-import-confirm", args=[mission.pk]), {"token": preview.context["token"]}
    )
    assert again.status_code == 302 and again["Location"].endswith("/fiches/import/")


def test_a_sheet_absent_from_the_file_is_left_untouched_and_said_so(client, tenant_a, mission_data):
    mission = mission_data["mission"]
    workbook = load_workbook(io.BytesIO(roadmap_workbook(mission, user=tenant_a.consultant)))
    workbook["Fiches"].delete_rows(3)  # FP-02
    for tab in ("Prérequis", "Cotes"):
        del workbook[tab]
    out = io.BytesIO()
    workbook.save(out)
    client.force_login(tenant_a.consultant)
    preview = upload(client, mission, out.getvalue())
    assert [s.code for s in preview.context["plan"].untouched] == ["FP-02"]
    assert "absente du fichier : laissée telle quelle" in preview.content.decode()


# --- Import: bad inputs ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tab", "changes", "message"),
    [
        (
            "Budget",
            {"E2": -5},
            "Onglet « Budget », ligne 2, colonne E : Un montant ne peut pas être négatif.",
        ),
        (
            "Budget",
            {"A3": "FP-99"},
            "Onglet « Budget », ligne 3, colonne A : la fiche « FP-99 » n'est pas dans l'onglet « Fiches »",
        ),
        (
            "Budget",
            {"C2": "Bricolage"},
            "Onglet « Budget », ligne 2, colonne C : valeur « Bricolage » inconnue",
        ),
        ("Budget", {"D2": "Mensuel"}, "Onglet « Budget », ligne 2, colonne D : valeur « Mensuel » inconnue"),
        ("Fiches", {"C2": "Rêvée"}, "Onglet « Fiches », ligne 2, colonne C : valeur « Rêvée » inconnue"),
        (
            "Fiches",
            {"A3": "FP-01"},
            "Onglet « Fiches », ligne 3, colonne A : le code « FP-01 » figure déjà ligne 2",
        ),
        (
            "Cotes",
            {"C2": 9},
            "Onglet « Cotes », ligne 2, colonne C : ",
        ),
        (
            "Cotes",
            {"B2": "beaute"},
            "Onglet « Cotes », ligne 2, colonne B : critère « beaute » inconnu",
        ),
        (
            "Prérequis",
            {"B2": "FP-02"},
            "Onglet « Prérequis », ligne 2, colonne B : La fiche FP-02 ne peut pas être son propre prérequis.",
        ),
        (
            "Prérequis",
            {"B2": "FP-42"},
            "Onglet « Prérequis », ligne 2, colonne B : la fiche « FP-42 » n'existe pas",
        ),
        ("Prérequis", {"append": [["FP-01", "FP-02"]]}, "Onglet « Prérequis » : "),
        (
            "Financements",
            {"E2": 15000},
            "Onglet « Financements », fiche FP-01 : « Appel wallon » : le montant demandé",
        ),
        (
            "Financements",
            {"C2": "Appel fantôme"},
            "Onglet « Financements », ligne 2, colonne C : appel à projets « Appel fantôme » inconnu",
        ),
    ],
)
def test_each_bad_input_is_refused_with_its_place_and_nothing_is_written(
    client, tenant_a, mission_data, tab, changes, message
):
    mission = mission_data["mission"]
    data = edited(roadmap_workbook(mission, user=tenant_a.consultant), tab, changes)
    client.force_login(tenant_a.consultant)
    errors = refused(client, mission, data)
    assert any(error.startswith(message) for error in errors), errors


def test_the_cycle_and_the_out_of_scale_messages_name_the_problem(client, tenant_a, mission_data):
    mission = mission_data["mission"]
    data = edited(roadmap_workbook(mission, user=tenant_a.consultant), "Prérequis", {"append": [["FP-01", "FP-02"]]})
    data = edited(data, "Cotes", {"C2": 9})
    client.force_login(tenant_a.consultant)
    errors = refused(client, mission, data)
    assert any("FP-01" in e and "FP-02" in e and "cycle" in e.lower() for e in errors), errors
    assert any(e.startswith("Onglet « Cotes », ligne 2, colonne C") and "1" in e and "5" in e for e in errors), errors


def test_every_error_is_listed_at_once(client, tenant_a, mission_data):
    mission = mission_data["mission"]
    data = edited(roadmap_workbook(mission, user=tenant_a.consultant), "Budget", {"E2": -1, "C3": "Bricolage"})
    data = edited(data, "Fiches", {"B3": ""})
    client.force_login(tenant_a.consultant)
    errors = refused(client, mission, data)
    assert len(errors) == 3, errors
    assert any(e.startswith("Onglet « Fiches », ligne 3, colonne B") for e in errors)


def test_a_submitted_grid_is_not_changed_by_import(client, tenant_a, mission_data):
    mission = mission_data["mission"]
    ScoringSubmission.objects.create(mission=mission, consultant=tenant_a.consultant)
    data = roadmap_workbook(mission, user=tenant_a.consultant)
    client.force_login(tenant_a.consultant)
    assert upload(client, mission, data).status_code == 200  # the same scores: nothing to refuse
    errors = refused(client, mission, edited(data, "Cotes", {"C2": 1}))
    assert errors == [
        "Onglet « Cotes », ligne 2, colonne C : votre cotation est soumise : elle ne se modifie plus par import"
    ]


def test_a_status_change_the_sheet_page_refuses_is_refused(client, tenant_a, mission_data):
    mission = mission_data["mission"]
    ProjectSheet.objects.filter(pk=mission_data["first"].pk).update(status=SheetStatus.DRAFT)
    data = edited(roadmap_workbook(mission, user=tenant_a.consultant), "Fiches", {"C2": "Retenue"})
    client.force_login(tenant_a.consultant)
    errors = refused(client, mission, data)
    assert errors == [
        "Onglet « Fiches », ligne 2, colonne C : la fiche ne peut pas passer de « Brouillon » à « Retenue »"
    ]


def test_a_missing_column_is_named(client, tenant_a, mission_data):
    mission = mission_data["mission"]
    data = edited(roadmap_workbook(mission, user=tenant_a.consultant), "Budget", {"E1": "Prix"})
    client.force_login(tenant_a.consultant)
    assert "Onglet « Budget » : la colonne « Montant HTVA » manque (ligne 1)." in refused(client, mission, data)


# --- Import: hostile files ------------------------------------------------------------------------


def test_a_formula_is_imported_as_its_value_never_run(client, tenant_a, mission_data):
    mission = mission_data["mission"]
    data = edited(
        roadmap_workbook(mission, user=tenant_a.consultant),
        "Fiches",
        {"F2": '=HYPERLINK("http://evil","clic")'},
    )
    client.force_login(tenant_a.consultant)
    preview = upload(client, mission, data)
    # openpyxl saves no computed value: the reader imports the cell empty and says so.
    assert any("HYPERLINK" in w for w in preview.context["plan"].warnings)
    client.post(reverse("roadmap:workbook-import-confirm", args=[mission.pk]), {"token": preview.context["token"]})
    mission_data["first"].refresh_from_db()
    assert "HYPERLINK" not in mission_data["first"].context


def test_a_zip_bomb_is_refused_by_the_guard(client, tenant_a, mission_data):
    client.force_login(tenant_a.consultant)
    errors = refused(client, mission_data["mission"], hostile.xlsx_bomb(3 * 1024 * 1024))
    assert any("se décompresse" in e for e in errors), errors


def test_a_file_that_is_not_a_workbook_is_refused(client, tenant_a, mission_data):
    client.force_login(tenant_a.consultant)
    errors = refused(client, mission_data["mission"], b"code;titre\nFP-01;x\n")
    assert errors == ["Le classeur est endommagé : ouvrez-le et enregistrez-le à nouveau."]


# --- Import: permissions --------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["staff", "college"])
def test_staff_and_college_may_not_import(client, tenant_a, mission_data, role):
    mission = mission_data["mission"]
    client.force_login(getattr(tenant_a, role))
    assert client.get(reverse("roadmap:workbook-import", args=[mission.pk])).status_code == 403
    data = roadmap_workbook(mission, user=tenant_a.consultant)
    assert upload(client, mission, data).status_code == 403
    assert (
        client.post(reverse("roadmap:workbook-import-confirm", args=[mission.pk]), {"token": "x"}).status_code == 403
    )


def test_another_commune_gets_404(client, tenant_a, tenant_b, mission_data):
    mission = mission_data["mission"]
    client.force_login(tenant_b.consultant)
    assert client.get(reverse("roadmap:workbook-import", args=[mission.pk])).status_code == 404
    assert upload(client, mission, roadmap_workbook(mission, user=tenant_a.consultant)).status_code == 404


def test_a_preview_token_of_another_person_or_mission_is_refused(client, tenant_a, tenant_b, mission_data):
    mission = mission_data["mission"]
    client.force_login(tenant_a.consultant)
    token = upload(client, mission, roadmap_workbook(mission, user=tenant_a.consultant)).context["token"]
    client.force_login(tenant_b.consultant)
    response = client.post(reverse("roadmap:workbook-import-confirm", args=[tenant_b.mission.pk]), {"token": token})
    assert response.status_code == 302 and response["Location"].endswith("/fiches/import/")


def test_a_consultant_who_does_not_score_the_mission_may_not_import_scores(client, tenant_a, mission_data):
    from territoire.models import Role
    from tests.factories import member

    other = member(tenant_a.commune, Role.CONSULTANT)
    mission = mission_data["mission"]
    client.force_login(other)
    errors = refused(client, mission, roadmap_workbook(mission, user=tenant_a.consultant))
    assert errors == ["Onglet « Cotes » : vous ne cotez pas cette mission ; videz cet onglet pour importer le reste."]


def test_the_preview_costs_the_same_queries_whatever_the_number_of_sheets(
    client, tenant_a, mission_data, django_assert_max_num_queries
):
    mission = mission_data["mission"]
    for number in range(20):
        sheet = ProjectSheetFactory(mission=mission, code=f"FP-{number + 10}")
        BudgetLineFactory(sheet=sheet)
        sheet.prerequisites.add(mission_data["first"])
    data = edited(roadmap_workbook(mission, user=tenant_a.consultant), "Budget", {"E2": 25000})
    client.force_login(tenant_a.consultant)
    with django_assert_max_num_queries(25):
        response = upload(client, mission, data)
    assert response.status_code == 200
    assert response.context["plan"].counts == {"create": 0, "update": 1, "unchanged": 21}


def test_the_import_still_works_after_the_sheet_edit_page_built_its_formsets(client, tenant_a, mission_data):
    # Django's inline formsets append « sheet » to the line forms' shared Meta.fields the first time they are built.
    mission = mission_data["mission"]
    client.force_login(tenant_a.consultant)
    edit = reverse("roadmap:sheet-edit", args=[mission.pk, mission_data["first"].pk])
    assert client.get(edit).status_code == 200
    data = edited(roadmap_workbook(mission, user=tenant_a.consultant), "Budget", {"E2": 21000})
    assert import_file(client, mission, data).status_code == 302
    assert mission_data["first"].budget_lines.filter(amount=Decimal("21000")).exists()
