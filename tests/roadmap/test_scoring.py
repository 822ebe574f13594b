"""The consultant's scoring grid: save, scale, submission, two tabs, two consultants, permissions, history."""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from roadmap.models import Score, ScoringSubmission
from territoire.models import Role
from tests.factories import UserFactory, member
from tests.roadmap.factories import CriterionFactory, ProjectSheetFactory, ScoreFactory


def grid_url(mission):
    return reverse("roadmap:scoring-grid", kwargs={"mission_id": mission.pk})


def grid_data(response):
    """The grid's form as the browser would post it back unchanged (values, comments, hidden inputs)."""
    form = response.context["form"]
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        data[name] = "" if value is None else str(value)
        if field.show_hidden_initial:
            initial = form[name].initial
            data[f"initial-{name}"] = "" if initial is None else str(initial)
    return data


def key(sheet, criterion):
    return f"{sheet.pk}_{criterion.pk}"


# --- The grid -------------------------------------------------------------------------------------


@pytest.fixture
def grid(tenant_a):
    sheets = [ProjectSheetFactory(mission=tenant_a.mission, code=f"FP-0{i}") for i in (1, 2)]
    ProjectSheetFactory(mission=tenant_a.mission, code="FP-09", status="draft")  # not scored
    criteria = [CriterionFactory(mission=tenant_a.mission, label=label) for label in ("Budget", "Impact")]
    return tenant_a, sheets, criteria


def test_the_grid_saves_every_cell_at_once_with_comments_and_history(client, grid):
    tenant, sheets, criteria = grid
    client.force_login(tenant.consultant)
    page = client.get(grid_url(tenant.mission))
    assert page.status_code == 200
    assert "FP-09" not in page.content.decode()
    data = grid_data(page)
    for sheet in sheets:
        for criterion in criteria:
            data[f"value_{key(sheet, criterion)}"] = "4"
    data[f"comment_{key(sheets[0], criteria[0])}"] = "Devis reçu"
    response = client.post(grid_url(tenant.mission), data)
    assert response.status_code == 302
    assert Score.objects.filter(consultant=tenant.consultant, value=4).count() == 4
    score = Score.objects.get(sheet=sheets[0], criterion=criteria[0])
    assert score.comment == "Devis reçu"
    assert score.history.first().history_user == tenant.consultant

    # Clearing a cell deletes the score; the deletion is in the history too.
    data = grid_data(client.get(grid_url(tenant.mission)))
    data[f"value_{key(sheets[0], criteria[0])}"] = ""
    data[f"comment_{key(sheets[0], criteria[0])}"] = ""
    assert client.post(grid_url(tenant.mission), data).status_code == 302
    assert not Score.objects.filter(sheet=sheets[0], criterion=criteria[0]).exists()
    assert Score.history.filter(sheet_id=sheets[0].pk, history_type="-").get().history_user == tenant.consultant


def test_a_score_outside_the_scale_is_refused_and_nothing_is_saved(client, grid):
    tenant, sheets, criteria = grid
    client.force_login(tenant.consultant)
    data = grid_data(client.get(grid_url(tenant.mission)))
    data[f"value_{key(sheets[0], criteria[0])}"] = "3"
    data[f"value_{key(sheets[1], criteria[1])}"] = "7"
    response = client.post(grid_url(tenant.mission), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "La note 7,0 de la fiche FP-02 pour le critère « Impact » est hors de l&#x27;échelle 1 à 5." in body
    assert "La grille n&#x27;est pas enregistrée" in body
    assert not Score.objects.exists()
    # What was typed is still in the page.
    assert re.search(r'<option value="3" selected>', body)


def test_submission_needs_a_complete_grid_then_reveals_the_others_scores(client, grid):
    tenant, sheets, criteria = grid
    other = member(tenant.commune, Role.CONSULTANT, user__first_name="Zoé", user__last_name="Zimmer")
    tenant.mission.referents.add(other)
    ScoreFactory(sheet=sheets[0], criterion=criteria[0], consultant=other, value=2, comment="Trop cher pour nous")
    client.force_login(tenant.consultant)
    page = client.get(grid_url(tenant.mission))
    assert "Trop cher pour nous" not in page.content.decode()
    assert "Zimmer" not in page.content.decode()

    data = grid_data(page)
    data[f"value_{key(sheets[0], criteria[0])}"] = "5"
    data["action"] = "submit"
    response = client.post(grid_url(tenant.mission), data, follow=True)
    assert "Votre grille n&#x27;est pas complète : 3 cellule(s) sans note." in response.content.decode()
    assert not ScoringSubmission.objects.exists()
    assert Score.objects.get(consultant=tenant.consultant).value == 5  # the grid itself was saved

    data = grid_data(client.get(grid_url(tenant.mission)))
    for sheet in sheets:
        for criterion in criteria:
            data[f"value_{key(sheet, criterion)}"] = "3"
    data["action"] = "submit"
    response = client.post(grid_url(tenant.mission), data)
    assert response.status_code == 302
    assert response["Location"] == reverse("roadmap:ranking", kwargs={"mission_id": tenant.mission.pk})
    assert ScoringSubmission.objects.filter(mission=tenant.mission, consultant=tenant.consultant).exists()
    body = client.get(grid_url(tenant.mission)).content.decode()
    assert "Trop cher pour nous" in body and "Zimmer" in body


def test_the_same_consultant_in_two_tabs_never_overwrites_silently(client, grid):
    tenant, sheets, criteria = grid
    first, second = key(sheets[0], criteria[0]), key(sheets[1], criteria[1])
    ScoreFactory(sheet=sheets[0], criterion=criteria[0], consultant=tenant.consultant, value=3)
    client.force_login(tenant.consultant)
    tab_one = grid_data(client.get(grid_url(tenant.mission)))
    tab_two = grid_data(client.get(grid_url(tenant.mission)))

    tab_two[f"value_{first}"] = "4"
    assert client.post(grid_url(tenant.mission), tab_two).status_code == 302

    # Tab one changes the same cell and another one: the other is saved, the same cell is not overwritten.
    tab_one[f"value_{first}"] = "1"
    tab_one[f"value_{second}"] = "5"
    response = client.post(grid_url(tenant.mission), tab_one)
    assert response.status_code == 409
    body = response.content.decode()
    assert "modifiées ailleurs" in body
    assert "FP-01 · Budget : enregistré 4, votre saisie 1" in body
    assert Score.objects.get(sheet=sheets[0], criterion=criteria[0]).value == 4
    assert Score.objects.get(sheet=sheets[1], criterion=criteria[1]).value == 5

    # Saving the page again, now knowingly, replaces the other tab's value.
    again = grid_data(response)
    assert again[f"value_{first}"] == "1"
    assert client.post(grid_url(tenant.mission), again).status_code == 302
    assert Score.objects.get(sheet=sheets[0], criterion=criteria[0]).value == 1
    assert Score.objects.get(sheet=sheets[1], criterion=criteria[1]).value == 5


def test_an_untouched_cell_changed_in_another_tab_is_kept(client, grid):
    tenant, sheets, criteria = grid
    first, second = key(sheets[0], criteria[0]), key(sheets[1], criteria[1])
    ScoreFactory(sheet=sheets[0], criterion=criteria[0], consultant=tenant.consultant, value=3)
    client.force_login(tenant.consultant)
    tab_one = grid_data(client.get(grid_url(tenant.mission)))
    tab_two = grid_data(client.get(grid_url(tenant.mission)))
    tab_two[f"value_{first}"] = "4"
    client.post(grid_url(tenant.mission), tab_two)
    tab_one[f"value_{second}"] = "2"
    assert client.post(grid_url(tenant.mission), tab_one).status_code == 302
    assert Score.objects.get(sheet=sheets[0], criterion=criteria[0]).value == 4
    assert Score.objects.get(sheet=sheets[1], criterion=criteria[1]).value == 2


def test_two_consultants_saving_the_same_grid_at_once_each_keep_their_rows(client, grid):
    tenant, sheets, criteria = grid
    other = member(tenant.commune, Role.CONSULTANT)
    tenant.mission.referents.add(other)
    cell = key(sheets[0], criteria[0])
    client.force_login(tenant.consultant)
    mine = grid_data(client.get(grid_url(tenant.mission)))
    client.force_login(other)
    theirs = grid_data(client.get(grid_url(tenant.mission)))
    theirs[f"value_{cell}"] = "2"
    assert client.post(grid_url(tenant.mission), theirs).status_code == 302
    client.force_login(tenant.consultant)
    mine[f"value_{cell}"] = "5"
    assert client.post(grid_url(tenant.mission), mine).status_code == 302
    values = dict(Score.objects.values_list("consultant_id", "value"))
    assert values == {tenant.consultant.pk: 5, other.pk: 2}


@pytest.mark.parametrize("role", [Role.STAFF, Role.COLLEGE])
def test_staff_and_college_cannot_score(client, grid, role):
    tenant, sheets, criteria = grid
    client.force_login(tenant.user(role))
    assert client.get(grid_url(tenant.mission)).status_code == 403
    response = client.post(grid_url(tenant.mission), {f"value_{key(sheets[0], criteria[0])}": "3", "action": "submit"})
    assert response.status_code == 403
    assert not Score.objects.exists() and not ScoringSubmission.objects.exists()


def test_a_consultant_who_is_not_a_referent_of_the_mission_cannot_score(client, grid):
    tenant, _sheets, _criteria = grid
    client.force_login(member(tenant.commune, Role.CONSULTANT))
    assert client.get(grid_url(tenant.mission)).status_code == 403


def test_the_grid_of_another_commune_is_a_404(client, grid, tenant_b):
    tenant, sheets, criteria = grid
    client.force_login(tenant_b.consultant)
    assert client.get(grid_url(tenant.mission)).status_code == 404
    response = client.post(grid_url(tenant.mission), {f"value_{key(sheets[0], criteria[0])}": "3"})
    assert response.status_code == 404
    assert not Score.objects.exists()


def test_a_cell_of_another_mission_cannot_be_smuggled_in(client, grid, tenant_b):
    tenant, _sheets, _criteria = grid
    foreign_sheet = ProjectSheetFactory(mission=tenant_b.mission)
    foreign_criterion = CriterionFactory(mission=tenant_b.mission)
    client.force_login(tenant.consultant)
    data = grid_data(client.get(grid_url(tenant.mission)))
    data[f"value_{key(foreign_sheet, foreign_criterion)}"] = "3"
    client.post(grid_url(tenant.mission), data)
    assert not Score.objects.filter(sheet=foreign_sheet).exists()


def test_an_operator_scores_like_a_consultant(client, grid):
    tenant, sheets, criteria = grid
    client.force_login(UserFactory(superuser=True))
    assert client.get(grid_url(tenant.mission)).status_code == 200


def test_a_large_grid_posts_in_one_request(client, tenant_a):
    """60 sheets × 5 criteria: 1 500 inputs, beyond Django's default limit of 1 000 fields."""
    sheets = [ProjectSheetFactory(mission=tenant_a.mission) for _ in range(60)]
    criteria = [CriterionFactory(mission=tenant_a.mission) for _ in range(5)]
    client.force_login(tenant_a.consultant)
    data = grid_data(client.get(grid_url(tenant_a.mission)))
    assert len(data) == 60 * 5 * 5
    for sheet in sheets:
        for criterion in criteria:
            data[f"value_{key(sheet, criterion)}"] = "2"
    assert client.post(grid_url(tenant_a.mission), data).status_code == 302
    assert Score.objects.count() == 300


class _FormFields(HTMLParser):
    """The name → value pairs a browser would post from the grid's form (inputs, selected options, textareas)."""

    def __init__(self):
        super().__init__()
        self.data, self._select, self._textarea = {}, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("name") and attrs.get("type") != "submit":
            self.data[attrs["name"]] = attrs.get("value", "")
        elif tag == "select":
            self._select = attrs["name"]
            self.data[self._select] = ""
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select] = attrs["value"]
        elif tag == "textarea":
            self._textarea = attrs["name"]
            self.data[self._textarea] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data.removeprefix("\n")


def test_the_grid_html_posted_back_unchanged_changes_nothing(client, grid):
    """The hidden initial values and versions are in the page: a browser posting it back changes no cell."""
    tenant, sheets, criteria = grid
    ScoreFactory(sheet=sheets[0], criterion=criteria[0], consultant=tenant.consultant, value=4, comment="<b>Vu</b>")
    client.force_login(tenant.consultant)
    parser = _FormFields()
    parser.feed(client.get(grid_url(tenant.mission)).content.decode())
    cell = key(sheets[0], criteria[0])
    assert parser.data[f"value_{cell}"] == "4" and parser.data[f"initial-value_{cell}"] == "4"
    assert parser.data[f"comment_{cell}"] == "<b>Vu</b>"
    assert parser.data[f"version_{cell}"]
    response = client.post(grid_url(tenant.mission), parser.data, follow=True)
    assert "0 cellule(s) modifiée(s)" in response.content.decode()
    parser.data[f"value_{key(sheets[1], criteria[1])}"] = "2"
    response = client.post(grid_url(tenant.mission), parser.data, follow=True)
    assert "1 cellule(s) modifiée(s)" in response.content.decode()
    assert Score.objects.get(sheet=sheets[0], criterion=criteria[0]).comment == "<b>Vu</b>"
