"""The final report's content and look: the snapshot (``collect``), its HTML (``render_html``) and the tagged PDF.

PDFs are read back with the poppler tools (``pdftotext``, ``pdfinfo``) and pypdf (outline, page texts), the
way a reader's software would. Renders are kept to a few small missions: WeasyPrint takes about a second a page
on a busy machine.
"""

import io
import json
import re
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from PIL import Image
from pypdf import PdfReader

from diagnostics.models import Finding, FindingSource, SourceKind
from roadmap.models import BudgetLine, DecisionChoice, SheetIndicator, SheetStatus
from roadmap.report.content import collect
from roadmap.report.document import render_html
from roadmap.selectors.ranking import mission_ranking
from roadmap.services.decisions import roadmap_decide, roadmap_submit
from territoire.models import Mission
from territoire.pdf import html_to_pdf
from tests.diagnostics.factories_fieldwork import IntervieweeFactory, InterviewFactory
from tests.diagnostics.factories_findings import FindingFactory
from tests.roadmap.factories import BudgetLineFactory, FundingLineFactory, ProjectSheetFactory

PARTS = ("Remise en contexte", "Diagnostic smart", "Fiches projets", "Classement des projets par priorité")
VERSION = {"number": 3, "date": "2026-11-22T10:00:00+01:00", "author": "Claire Dubois"}

# The synthesis (about 20), the ranking and the timeline (about 15), the sheets with their lines (9), the
# chronology, the decision with its members and the annexes: a constant, whatever the number of sheets, lines
# and interviews.
QUERIES = 56

needs_poppler = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils missing")


def snapshot_of(mission) -> dict:
    """The snapshot as the pipeline stores it: through JSON and back."""
    return json.loads(json.dumps(collect(mission)))


def render(mission, version=VERSION):
    return html_to_pdf(render_html(snapshot_of(mission), version=version))


def pdftotext(content: bytes, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def pdfinfo(content: bytes, tmp_path) -> str:
    path = tmp_path / "info.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout


def outline(reader) -> list[tuple[int, str, int]]:
    """(level, title, page number from 1) of every bookmark, in order."""
    found = []

    def walk(items, level):
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                found.append((level, item.title, reader.get_destination_page_number(item) + 1))

    walk(reader.outline, 1)
    return found


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.fixture
def ranked(case):
    """The hand-computed ranking of ``conftest.case`` (FP-01 first, then FP-02, FP-03), all three retained; FP-01
    is renamed FP-30 so that the rank order differs from the code order. FP-02 has money, an indicator."""
    sheets = case["sheets"]
    sheets["FP-01"].code = "FP-30"
    sheets["FP-01"].title = "Guichet numérique unique"
    sheets["FP-02"].title = "Capteurs de qualité de l'air"
    sheets["FP-03"].title = "Portail des données ouvertes"
    for sheet in sheets.values():
        sheet.status = SheetStatus.RETAINED
        sheet.save(update_fields=["code", "title", "status"])
    BudgetLineFactory(sheet=sheets["FP-02"], label="Capteurs", amount=Decimal("12500.00"))
    FundingLineFactory(sheet=sheets["FP-02"])
    SheetIndicator.objects.create(sheet=sheets["FP-02"], indicator="Capteurs en service", target="12")
    tenant = case["tenant"]
    tenant.college.first_name, tenant.college.last_name = "Marc", "Lambert"
    tenant.college.save(update_fields=["first_name", "last_name"])
    version = roadmap_submit(mission=case["mission"], by=tenant.consultant, note="Trois projets pour 2027.")
    roadmap_decide(version=version, by=tenant.college, decision=DecisionChoice.VALIDATED, comment="D'accord.")
    return case


@needs_poppler
def test_the_pdf_has_the_four_parts_the_sheets_in_rank_order_tags_outline_and_true_toc(ranked, tmp_path):
    pdf = render(ranked["mission"])
    text = squash(pdftotext(pdf.content, tmp_path))
    for title in PARTS:
        assert title in text
    titles = ["Guichet numérique unique", "Capteurs de qualité de l'air", "Portail des données ouvertes"]
    headings = [text.index(f"{code} — {title}", text.index("projets ont été retenus"))
                for code, title in zip(("FP-30", "FP-02", "FP-03"), titles, strict=True)]  # fmt: skip
    assert headings == sorted(headings)
    assert "12 500,00 €" in text  # Belgian French amounts
    assert "Version 1 de la feuille de route" in text and "Validée Marc Lambert" in text
    assert "page 2 / " in text
    assert re.search(r"^Tagged:\s+yes$", pdfinfo(pdf.content, tmp_path), re.M)

    reader = PdfReader(io.BytesIO(pdf.content))
    assert len(reader.pages) == pdf.pages
    marks = outline(reader)
    top = [title for level, title, _page in marks if level == 1]
    for title in PARTS:
        assert any(title in mark for mark in top), top
    sheets = [title for level, title, _page in marks if level == 2 and "FP-" in title]
    assert sheets == [f"{code} — {title}" for code, title in zip(("FP-30", "FP-02", "FP-03"), titles, strict=True)]

    # The table of contents (page 2) prints, after each entry, the page where its heading is. Spaces are dropped
    # before comparing: text extraction splits kerned pairs (« T extes »).
    toc = {}
    for line in reader.pages[1].extract_text().splitlines():
        entry = re.match(r"(.*?)[ .]*(\d+)$", line.strip())
        if entry:
            toc[re.sub(r"\s", "", entry.group(1))] = int(entry.group(2))
    for _level, title, page in marks[1:]:  # the first mark is the table of contents itself
        key = re.sub(r"\s", "", title)
        printed = [n for entry, n in toc.items() if entry.endswith(key)]
        assert printed == [page], (title, printed, page)


@needs_poppler
def test_a_mission_with_no_data_yields_a_short_report_that_says_what_is_missing(tenant_a, tmp_path):
    pdf = render(tenant_a.mission, version=None)
    text = squash(pdftotext(pdf.content, tmp_path))
    for title in PARTS:
        assert title in text
    for missing in (
        "le PST de la commune n'a pas encore été importé",
        "aucun questionnaire n'a encore été envoyé",
        "Aucune fiche projet n'est encore retenue",
        "Aucun critère n'est défini",
        "Aucun projet n'est encore planifié",
        "La feuille de route n'a pas encore été soumise au Collège",
        "aperçu",
    ):
        assert missing in text
    assert pdf.pages < 12


@needs_poppler
def test_hostile_text_emoji_huge_texts_and_forty_budget_lines_all_render(tenant_a, tmp_path):
    sheet = ProjectSheetFactory(
        mission=tenant_a.mission,
        status=SheetStatus.RETAINED,
        title='<script>alert("x")</script> Vélos 🚲 partagés',
        context=("Un très long contexte. " * 1500) + "https://exemple.be/" + "x" * 300,
        objectives="<img src=x onerror=alert(1)> <b>gras</b>",
    )
    BudgetLine.objects.bulk_create(
        BudgetLine(sheet=sheet, label=f"Poste budgétaire n° {n}", category="equipment", amount=Decimal(n * 100))
        for n in range(1, 41)
    )
    html = render_html(snapshot_of(tenant_a.mission))
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html

    pdf = html_to_pdf(html)
    text = squash(pdftotext(pdf.content, tmp_path))
    assert '<script>alert("x")</script> Vélos' in text
    for n in (1, 20, 40):
        assert f"Poste budgétaire n° {n} " in text
    assert "82 000,00 €" in text  # 100 × (1 + … + 40), the investment total under the 40 lines
    assert pdf.pages > 10  # the huge context flows over pages instead of being cut


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "#0f5257").save(buffer, format="PNG")
    return buffer.getvalue()


def test_a_corrupt_logo_is_left_out_and_a_real_one_is_embedded(tenant_a):
    commune = tenant_a.commune
    commune.logo = SimpleUploadedFile("logo.png", b"\x89PNG\r\n\x1a\n not an image at all", content_type="image/png")
    commune.save()
    assert collect(tenant_a.mission)["commune"]["logo"] == ""
    assert 'class="cover-logo"' not in render_html(snapshot_of(tenant_a.mission))

    commune.logo = SimpleUploadedFile("logo2.png", png(), content_type="image/png")
    commune.save()
    logo = collect(tenant_a.mission)["commune"]["logo"]
    assert logo.startswith("data:image/png;base64,")
    assert 'class="cover-logo"' in render_html(snapshot_of(tenant_a.mission))

    commune.logo.storage.delete(commune.logo.name)  # the file is gone from the storage
    assert collect(tenant_a.mission)["commune"]["logo"] == ""


def test_people_met_appear_by_function_never_by_name(tenant_a):
    interview = InterviewFactory(mission=tenant_a.mission, interviewer=tenant_a.consultant, done=True)
    IntervieweeFactory(interview=interview, name="Jeanne Confidentielle", function="Directrice financière")
    finding = tenant_a.mission.findings.create(statement="Les factures sont encodées deux fois", importance=3)
    FindingSource.objects.create(finding=finding, kind=SourceKind.INTERVIEW, interview=interview)

    snapshot = json.dumps(collect(tenant_a.mission), ensure_ascii=False)
    assert "Jeanne" not in snapshot and "Confidentielle" not in snapshot
    html = render_html(json.loads(snapshot))
    assert "Directrice financière" in html
    assert "Entretien (confidentiel)" in html


def test_a_chart_string_that_is_not_a_drawn_svg_is_never_marked_safe(tenant_a):
    snapshot = snapshot_of(tenant_a.mission)
    snapshot["diagnostic"]["pst"]["figure"] = {"chart": "<script>alert(1)</script>", "caption": "", "numbers": ""}
    snapshot["diagnostic"]["findings"]["figure"] = {
        "chart": '<svg onload="alert(1)"></svg>',
        "caption": "",
        "numbers": "",
    }
    snapshot["diagnostic"]["inventory"]["diagram"] = "<svg><script>alert(1)</script></svg>"
    html = render_html(snapshot)
    assert "alert(1)" not in html


@pytest.mark.parametrize("size", [2, 8])
def test_collect_is_json_serialisable_in_a_constant_number_of_queries(ranked, size, django_assert_num_queries):
    mission = ranked["mission"]
    for n in range(size):
        sheet = ProjectSheetFactory(mission=mission, status=SheetStatus.RETAINED, code=f"FX-{n:02d}")
        BudgetLineFactory(sheet=sheet)
        FundingLineFactory(sheet=sheet)
        SheetIndicator.objects.create(sheet=sheet, indicator="Usagers", target="100")
        IntervieweeFactory(interview__mission=mission, interview__done=True, function=f"Fonction {n}")
    with django_assert_num_queries(QUERIES):
        snapshot = collect(mission)
    assert json.loads(json.dumps(snapshot)) == snapshot
    assert len(snapshot["sheets"]) == 3 + size


@needs_poppler
def test_the_demo_mission_renders_with_its_charts_as_vectors_and_captions(db, tmp_path):
    call_command("seed_demo", force=True, verbosity=0, stdout=io.StringIO())
    mission = Mission.objects.get(phase=Mission.Phase.ROADMAP)
    html = render_html(snapshot_of(mission), version=VERSION)
    # Charts and the inventory diagram are inline SVG, each in a figure with a caption giving its numbers.
    assert html.count("<svg") >= 8
    assert html.count("<figure") == html.count("<figcaption>")
    assert html.count("<img") <= 1  # the commune's logo, nothing else as a bitmap

    pdf = html_to_pdf(html)
    text = squash(pdftotext(pdf.content, tmp_path))
    retained = [r.sheet for r in mission_ranking(mission).ranked if r.sheet.status == SheetStatus.RETAINED]
    assert retained
    start = text.index("projets ont été retenus")
    positions = [text.index(f"{sheet.code} — {sheet.title}", start) for sheet in retained]
    assert positions == sorted(positions)
    assert pdf.pages >= 15


def test_a_sheet_citing_a_finding_merged_earlier_cites_the_one_that_absorbed_it_once(tenant_a):
    mission = tenant_a.mission
    kept = FindingFactory(mission=mission, statement="Les demandes arrivent par trois canaux")
    dead = FindingFactory(mission=mission, statement="Doublon", status=Finding.Status.MERGED, merged_into=kept)
    sheet = ProjectSheetFactory(mission=mission, status=SheetStatus.RETAINED)
    sheet.findings.add(kept, dead)
    snapshot = snapshot_of(mission)
    assert snapshot["sheets"][0]["findings"] == ["Les demandes arrivent par trois canaux"]
