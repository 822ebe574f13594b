"""Browsing, filtering, tagging and exporting the PST; who may do what."""

import csv
import io

import pytest
from django.urls import reverse
from lxml import etree
from openpyxl import load_workbook

from territoire.models import NodeLevel, PSTNode, PSTNodeTag
from tests.exports import download_export
from tests.territoire.factories import PSTFactory, PSTNodeFactory, pst_tree
from tests.territoire.pst_files import SAMPLES, XSD, action_rows, csv_bytes
from tests.territoire.test_pst_import import confirm, last_import, upload


def detail_url(tenant, pst):
    return reverse("territoire:pst-detail", args=[tenant.mission.pk, pst.pk])


def test_every_member_sees_the_tree_with_counts(client, tenant_a):
    pst, os_node, oos, actions = pst_tree(tenant_a.commune)
    client.force_login(tenant_a.college)
    page = client.get(detail_url(tenant_a, pst)).content.decode()
    assert "1 OS, 2 OO, 4 actions" in page
    assert "Mobilité douce" in page and "Action 2.2" in page
    assert "<details" in page
    assert "Réimporter" not in page, "the Collège does not import"


def test_filters_and_search_keep_matching_actions_and_their_objectives(client, tenant_a):
    pst, os_node, oos, actions = pst_tree(tenant_a.commune)
    PSTNodeTag.objects.create(node=actions[0], kind="theme", value="mobility")
    client.force_login(tenant_a.staff)
    url = detail_url(tenant_a, pst)
    page = client.get(url, {"state": "done"}).content.decode()
    assert "Action 1.2" in page and "Action 1.1" not in page
    assert "2 actions correspondent aux filtres" in page
    page = client.get(url, {"service": "Travaux", "q": "2.1"}).content.decode()
    assert "Action 2.1" in page and "Action 1.1" not in page
    page = client.get(url, {"theme": "mobility"}).content.decode()
    assert "Action 1.1" in page and "Action 2.1" not in page
    page = client.get(url, {"volet": "interne"}).content.decode()
    assert "Aucun élément ne correspond" in page
    assert client.get(url, {"state": "n'importe quoi"}).status_code == 200


def test_tree_page_queries_do_not_grow_with_the_pst(client, tenant_a, django_assert_max_num_queries):
    pst, os_node, oos, actions = pst_tree(tenant_a.commune, actions_per_oo=30)
    for action in actions[:20]:
        PSTNodeTag.objects.create(node=action, kind="theme", value="energy")
    client.force_login(tenant_a.consultant)
    with django_assert_max_num_queries(12):
        response = client.get(detail_url(tenant_a, pst))
    assert response.status_code == 200


def test_node_page_shows_the_action_and_its_objectives(client, tenant_a, django_assert_max_num_queries):
    pst, os_node, oos, actions = pst_tree(tenant_a.commune)
    actions[0].objectives.add(oos[1])
    client.force_login(tenant_a.college)
    with django_assert_max_num_queries(16):
        page = client.get(reverse("territoire:pst-node", args=[tenant_a.mission.pk, actions[0].pk]))
    html = page.content.decode()
    assert "OO.1.1" in html and "OO.1.2" in html and "Travaux" in html
    assert "Enregistrer les thèmes" not in html


def test_consultant_tags_a_node_and_the_pst_counts_per_theme(client, tenant_a):
    pst, os_node, oos, actions = pst_tree(tenant_a.commune)
    client.force_login(tenant_a.consultant)
    url = reverse("territoire:pst-node-tags", args=[tenant_a.mission.pk, actions[0].pk])
    response = client.post(
        url, {"themes": ["mobility", "energy"], "dimensions": ["technology"]}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "Enregistré." in response.content.decode()
    # Its own URL: replacing the id in the string also hits a mission id that contains the same digits.
    client.post(reverse("territoire:pst-node-tags", args=[tenant_a.mission.pk, os_node.pk]), {"themes": ["mobility"]})
    assert set(actions[0].tags.values_list("value", flat=True)) == {"mobility", "energy", "technology"}
    client.post(url, {"themes": ["energy"]})
    assert set(actions[0].tags.values_list("value", flat=True)) == {"energy"}
    page = client.get(detail_url(tenant_a, pst)).content.decode()
    assert "Éléments par thème" in page
    from territoire.pst.selectors import theme_counts

    counts = {row["value"]: row for row in theme_counts(pst)}
    assert (counts["mobility"]["total"], counts["mobility"]["os"]) == (1, 1)
    assert (counts["energy"]["total"], counts["energy"]["actions"]) == (1, 1)


def test_invalid_theme_is_refused(client, tenant_a):
    pst, os_node, oos, actions = pst_tree(tenant_a.commune)
    client.force_login(tenant_a.consultant)
    url = reverse("territoire:pst-node-tags", args=[tenant_a.mission.pk, actions[0].pk])
    response = client.post(url, {"themes": ["piscine"]}, follow=True)
    assert "Ces thèmes n&#x27;existent pas." in response.content.decode()
    assert not PSTNodeTag.objects.exists()


@pytest.mark.parametrize("role", ["staff", "college"])
def test_only_consultants_tag(client, tenant_a, role):
    pst, os_node, oos, actions = pst_tree(tenant_a.commune)
    client.force_login(getattr(tenant_a, role))
    url = reverse("territoire:pst-node-tags", args=[tenant_a.mission.pk, actions[0].pk])
    assert client.post(url, {"themes": ["mobility"]}).status_code == 403
    assert not PSTNodeTag.objects.exists()


def test_staff_of_another_commune_reaches_no_pst_page(client, tenant_a, tenant_b):
    pst, os_node, oos, actions = pst_tree(tenant_a.commune)
    client.force_login(tenant_b.staff)
    urls = [
        detail_url(tenant_b, pst),
        reverse("territoire:pst-node", args=[tenant_b.mission.pk, actions[0].pk]),
        reverse("territoire:pst-export-xlsx", args=[tenant_b.mission.pk, pst.pk]),
        reverse("territoire:pst-export-xml", args=[tenant_b.mission.pk, pst.pk]),
        detail_url(tenant_a, pst),
    ]
    for url in urls:
        assert client.get(url).status_code in (404, 405), url
        assert client.post(url).status_code == 404, url
    assert (
        "Mobilité douce"
        not in client.get(reverse("territoire:pst-index", args=[tenant_b.mission.pk])).content.decode()
    )


def test_csv_export_reimports_unchanged(client, tenant_a):
    client.force_login(tenant_a.consultant)
    upload(client, tenant_a, (SAMPLES / "pst_une_ligne_par_action.csv").read_bytes())
    confirm(client, tenant_a, last_import(tenant_a))
    pst = PSTNode.objects.first().pst
    response = download_export(client, reverse("territoire:pst-export-csv", args=[tenant_a.mission.pk, pst.pk]))
    assert response["Content-Disposition"].endswith('.csv"')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Volet", "Code OS", "Objectif stratégique"]
    assert len(rows) == 1 + 28
    assert "12500,00" in response.content.decode("utf-8-sig")
    upload(client, tenant_a, response.content, name="export.csv")
    counts = last_import(tenant_a).counts
    assert (counts["created"], counts["updated"], counts["removed"]) == (0, 0, 0)
    assert counts["actions"] == 28


def test_xlsx_export_has_one_row_per_action_and_real_dates(client, tenant_a):
    pst, os_node, oos, actions = pst_tree(tenant_a.commune)
    client.force_login(tenant_a.staff)
    response = download_export(client, reverse("territoire:pst-export-xlsx", args=[tenant_a.mission.pk, pst.pk]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][5] == "Code action"
    assert sorted(row[5] for row in values[1:]) == ["A.1.1.1", "A.1.1.2", "A.1.2.1", "A.1.2.2"]


def test_xml_export_validates_against_the_published_schema_and_round_trips(client, tenant_a):
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    client.force_login(tenant_a.consultant)
    upload(client, tenant_a, (SAMPLES / "pst_ecomptes.xml").read_bytes(), name="export.xml")
    confirm(client, tenant_a, last_import(tenant_a))
    pst = PSTNode.objects.first().pst
    PSTNodeFactory(pst=pst, level=NodeLevel.OS, code="OS.9", key="os.9", title="Sans OO", volet="interne")
    response = download_export(client, reverse("territoire:pst-export-xml", args=[tenant_a.mission.pk, pst.pk]))
    document = etree.fromstring(response.content)
    assert schema.validate(document), schema.error_log
    upload(client, tenant_a, response.content, name="retour.xml")
    counts = last_import(tenant_a).counts
    assert (counts["os"], counts["oo"], counts["actions"]) == (3, 4, 12)
    assert counts["created"] == counts["removed"] == 0
    assert counts["updated"] <= 3, "only the volet-level data we do not keep may differ"


def test_xml_export_of_a_spreadsheet_pst_validates_too(client, tenant_a):
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    client.force_login(tenant_a.consultant)
    upload(client, tenant_a, csv_bytes(action_rows()))
    confirm(client, tenant_a, last_import(tenant_a))
    pst = PSTNode.objects.first().pst
    response = download_export(client, reverse("territoire:pst-export-xml", args=[tenant_a.mission.pk, pst.pk]))
    assert schema.validate(etree.fromstring(response.content)), schema.error_log


def test_index_lists_psts_and_hub_card_counts(client, tenant_a):
    pst, os_node, oos, actions = pst_tree(tenant_a.commune)
    PSTFactory(commune=tenant_a.commune, start_year=2018, end_year=2024, title="Ancien PST")
    client.force_login(tenant_a.college)
    page = client.get(reverse("territoire:pst-index", args=[tenant_a.mission.pk])).content.decode()
    assert "Ancien PST" in page and pst.title in page
    assert "Importer un PST" not in page
    hub = client.get(reverse("diagnostics:index", args=[tenant_a.mission.pk])).content.decode()
    assert "Programme stratégique transversal" in hub and "Parcourir le PST" in hub


def test_index_and_preview_pages_have_a_fixed_number_of_queries(client, tenant_a, django_assert_max_num_queries):
    client.force_login(tenant_a.consultant)
    for _ in range(3):
        upload(client, tenant_a, csv_bytes(action_rows()))
    confirm(client, tenant_a, last_import(tenant_a))
    with django_assert_max_num_queries(10):
        assert client.get(reverse("territoire:pst-index", args=[tenant_a.mission.pk])).status_code == 200
    url = reverse("territoire:pst-import-preview", args=[tenant_a.mission.pk, last_import(tenant_a).pk])
    with django_assert_max_num_queries(10):
        assert client.get(url).status_code == 200


def test_xlsx_export_reimports_unchanged(client, tenant_a):
    client.force_login(tenant_a.consultant)
    upload(client, tenant_a, (SAMPLES / "pst_une_ligne_par_action.csv").read_bytes())
    confirm(client, tenant_a, last_import(tenant_a))
    pst = PSTNode.objects.first().pst
    response = download_export(client, reverse("territoire:pst-export-xlsx", args=[tenant_a.mission.pk, pst.pk]))
    upload(client, tenant_a, response.content, name="export.xlsx")
    counts = last_import(tenant_a).counts
    assert (counts["created"], counts["updated"], counts["removed"], counts["unchanged"]) == (0, 0, 0, 43)


def test_node_page_links_to_the_previous_and_next_nodes_of_the_file(client, tenant_a):
    client.force_login(tenant_a.consultant)
    upload(client, tenant_a, csv_bytes(action_rows(n_os=1, n_oo=1, n_actions=3)))
    confirm(client, tenant_a, last_import(tenant_a))
    middle, following = PSTNode.objects.get(code="A.1.1.2"), PSTNode.objects.get(code="A.1.1.3")
    page = client.get(reverse("territoire:pst-node", args=[tenant_a.mission.pk, middle.pk])).content.decode()
    assert reverse("territoire:pst-node", args=[tenant_a.mission.pk, following.pk]) in page
    assert "Précédent" in page and "Suivant" in page


def test_exports_never_turn_a_title_into_a_formula(client, tenant_a):
    pst, os_node, oos, actions = pst_tree(tenant_a.commune)
    actions[0].title = '=HYPERLINK("http://evil.example","clic")'
    actions[0].save(update_fields=["title"])
    client.force_login(tenant_a.consultant)
    response = download_export(client, reverse("territoire:pst-export-xlsx", args=[tenant_a.mission.pk, pst.pk]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [c for row in sheet.iter_rows() for c in row if c.value == actions[0].title]
    assert cells and all(c.data_type == "s" for c in cells)
    response = download_export(client, reverse("territoire:pst-export-csv", args=[tenant_a.mission.pk, pst.pk]))
    assert "'=HYPERLINK" in response.content.decode("utf-8-sig")


def inline_url(tenant, node):
    return reverse("territoire:pst-node-tags-inline", args=[tenant.mission.pk, node.pk])


def test_consultant_tags_from_the_tree_and_gets_the_row_back(client, tenant_a):
    pst, os_node, oos, actions = pst_tree(tenant_a.commune)
    client.force_login(tenant_a.consultant)
    tree = client.get(detail_url(tenant_a, pst)).content.decode()
    # The tagging URL and the control are in the page once; pst.js puts a control in each row.
    any_node = inline_url(tenant_a, oos[0]).replace(f"/{oos[0].pk}/", "/{node}/")
    assert tree.count(f'data-tag-url="{any_node}"') == 1
    assert tree.count('class="pst-tagger') == 1 and '<template id="pst-tag-control">' in tree
    assert inline_url(tenant_a, actions[0]) not in tree
    assert f'id="pst-tags-{actions[0].pk}"' in tree and f'id="pst-tags-{oos[0].pk}"' in tree

    editor = client.get(inline_url(tenant_a, oos[0]), headers={"HX-Request": "true"}).content.decode()
    assert 'name="csrfmiddlewaretoken"' in editor
    assert f'id="tag-{oos[0].pk}-themes_0"' in editor  # ids of one row never collide with another's
    assert f'hx-post="{inline_url(tenant_a, oos[0])}"' in editor

    saved = client.post(
        inline_url(tenant_a, oos[0]),
        {"themes": ["mobility"], "dimensions": ["people"]},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert set(oos[0].tags.values_list("value", flat=True)) == {"mobility", "people"}
    assert f'id="pst-tags-{oos[0].pk}" hx-swap-oob="true"' in saved
    assert "Mobilité" in saved and "Humain" in saved
    assert "Thèmes enregistrés." in saved and 'class="pst-tagger' in saved
    assert f'data-node="{oos[0].pk}" aria-label="Thèmes de OO.1.1" autofocus' in saved
    # Removing: the same form without the box.
    client.post(inline_url(tenant_a, oos[0]), {"dimensions": ["people"]}, headers={"HX-Request": "true"})
    assert set(oos[0].tags.values_list("value", flat=True)) == {"people"}
    closed = client.get(inline_url(tenant_a, oos[0]), {"fermer": "1"}, headers={"HX-Request": "true"})
    assert "<form" not in closed.content.decode() and f'data-node="{oos[0].pk}"' in closed.content.decode()
    # Without htmx: the tree again, with a message; a GET goes to the node's own form.
    response = client.post(inline_url(tenant_a, actions[1]), {"themes": ["energy"]}, follow=True)
    assert response.redirect_chain[-1][0] == detail_url(tenant_a, pst)
    assert "Les thèmes sont enregistrés." in response.content.decode()
    assert client.get(inline_url(tenant_a, actions[1])).url.endswith("#node-tags")
    refused = client.post(inline_url(tenant_a, actions[1]), {"themes": ["piscine"]}, headers={"HX-Request": "true"})
    assert "Ces thèmes n'existent pas." in refused.content.decode()
    assert set(actions[1].tags.values_list("value", flat=True)) == {"energy"}


@pytest.mark.parametrize("role", ["staff", "college"])
def test_only_consultants_tag_from_the_tree(client, tenant_a, role):
    pst, os_node, oos, actions = pst_tree(tenant_a.commune)
    client.force_login(getattr(tenant_a, role))
    assert "pst-node-tags-inline" not in client.get(detail_url(tenant_a, pst)).content.decode()
    assert "pst-tagger" not in client.get(detail_url(tenant_a, pst)).content.decode()
    hx = {"HX-Request": "true"}
    assert client.get(inline_url(tenant_a, os_node), headers=hx).status_code == 403
    assert client.post(inline_url(tenant_a, os_node), {"themes": ["mobility"]}, headers=hx).status_code == 403
    assert not PSTNodeTag.objects.exists()


def test_tree_tagging_of_another_commune_is_404(client, tenant_a, tenant_b):
    pst, os_node, oos, actions = pst_tree(tenant_a.commune)
    client.force_login(tenant_b.consultant)
    foreign = reverse("territoire:pst-node-tags-inline", args=[tenant_b.mission.pk, os_node.pk])
    assert client.post(foreign, {"themes": ["mobility"]}, headers={"HX-Request": "true"}).status_code == 404
    assert client.post(inline_url(tenant_a, os_node), {"themes": ["mobility"]}).status_code == 404
    assert not PSTNodeTag.objects.exists()


def test_tree_rows_stay_light_and_the_consultants_tree_weighs_what_the_colleges_does(client, tenant_a):
    """A large PST's tree has 5 000 action rows: a byte more per row is 5 kB more per page (benchmarks/README.md,
    « PST tree »). The themes control is in the consultant's page once, whatever the size of the PST."""
    pst, os_node, oos, actions = pst_tree(tenant_a.commune)
    PSTNodeTag.objects.create(node=actions[0], kind="theme", value="mobility")

    def sizes():
        pages = {}
        for role in ("college", "consultant"):
            client.force_login(getattr(tenant_a, role))
            pages[role] = len(client.get(detail_url(tenant_a, pst)).content)
        return pages

    before = sizes()
    added = 200
    for i in range(added):
        PSTNodeFactory(
            pst=pst,
            code=f"A.1.1.{i + 10}",
            title=f"Action 1.1.{i + 10}",
            objectives=[oos[i % 2]],
            service="Travaux",
            state="in_progress",
        )
    after = sizes()
    for role in ("college", "consultant"):
        per_row = (after[role] - before[role]) / added
        assert per_row < 300, f"{role}: {per_row:.0f} bytes per action row"  # 950 and 1 300 before
    assert 0 < after["consultant"] - after["college"] < 1000
    assert after["consultant"] - after["college"] == before["consultant"] - before["college"]


def test_no_link_inside_what_collapses(client, tenant_a):
    """axe's nested-interactive: a <summary> holds no link or button; « Fiche » and the themes sit beside it."""
    pst, *_ = pst_tree(tenant_a.commune)
    client.force_login(tenant_a.consultant)
    html = client.get(detail_url(tenant_a, pst)).content.decode()
    summaries = html.split("<summary")[1:]
    assert len(summaries) == 3
    for summary in summaries:
        inside = summary.split("</summary>")[0]
        assert "<a " not in inside and "<button" not in inside
    assert html.count(">Fiche<") == 3
