"""One document model, three renderers: the CSC reopened as DOCX (python-docx), ODT (odfdo) and PDF
(pdftotext) holds every section title and requirement; user text stays inert; the award report recomputes
the scores from the stored data."""

import io
import subprocess
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document as WordDocument
from odfdo import Document as OdfDocument

from projects.documents.jobs import LOST_AFTER
from projects.models import DocumentRender, EvaluationScore, Requirement, SectionKind, SpecSection
from tests.projects.factories import FollowedProjectFactory
from tests.projects.factories_csc import OfferFactory, ProcurementFactory, SpecificationFactory
from tests.roadmap.factories import ProjectSheetFactory


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):
    """A POST whose on-commit callbacks run when it is done, as after a real request: the render task (eager)."""

    def do(url, data=None):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data or {})

    return do


NASTY = "<script>alert('x')</script> =cmd|' /C calc'!A0"


@pytest.fixture
def specification(tenant_a):
    project = FollowedProjectFactory(sheet=ProjectSheetFactory(mission=tenant_a.mission, status="retained"))
    specification = SpecificationFactory(project=project, title="CSC du guichet")
    SpecSection.objects.filter(specification=specification, kind="context").update(body=f"Contexte.\n\n{NASTY}")
    Requirement.objects.create(
        specification=specification, section="functional", text="Paiement en ligne", priority="must"
    )
    Requirement.objects.create(
        specification=specification, section="technical", text="API REST documentée", priority="should"
    )
    Requirement.objects.create(specification=specification, section="technical", text=NASTY, priority="could")
    return specification


def _render(client, post, specification, fmt) -> bytes:
    project = specification.project
    response = post(
        reverse("projects:specification-render", args=[project.mission_id, project.pk, specification.pk]),
        {"format": fmt},
    )
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert "Le document est prêt." in page.text
    download = client.get(response["Location"] + "fichier/")
    assert download.status_code == 200
    return b"".join(download.streaming_content)


def _pdf_text(content: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()


def _expected(specification):
    titles = [str(kind.label) for kind in SectionKind]
    return titles, ["Paiement en ligne", "API REST documentée", "EF-01", "ET-02"]


def test_the_docx_holds_every_section_and_requirement(client, post, tenant_a, specification):
    client.force_login(tenant_a.consultant)
    word = WordDocument(io.BytesIO(_render(client, post, specification, "docx")))
    headings = [p.text for p in word.paragraphs if p.style.name.startswith("Heading")]
    cells = [cell.text for table in word.tables for row in table.rows for cell in row.cells]
    titles, requirements = _expected(specification)
    for number, title in enumerate(titles, start=1):
        assert f"{number}. {title}" in headings
    for text in requirements:
        assert text in cells
    assert NASTY in [p.text for p in word.paragraphs] and NASTY in cells
    assert "Souhaitable" in cells


def test_the_odt_holds_every_section_and_requirement(client, post, tenant_a, specification):
    client.force_login(tenant_a.consultant)
    odt = OdfDocument(io.BytesIO(_render(client, post, specification, "odt")))
    headings = [header.text for header in odt.body.get_headers()]
    text = odt.get_formatted_text()
    titles, requirements = _expected(specification)
    for number, title in enumerate(titles, start=1):
        assert f"{number}. {title}" in headings
    for requirement in requirements:
        assert requirement in text
    assert NASTY in text
    assert "table:formula" not in odt.body.serialize()


def test_the_pdf_holds_every_section_and_requirement(client, post, tenant_a, specification):
    client.force_login(tenant_a.consultant)
    content = _render(client, post, specification, "pdf")
    assert content.startswith(b"%PDF")
    text = " ".join(_pdf_text(content).split())
    titles, requirements = _expected(specification)
    for number, title in enumerate(titles, start=1):
        assert f"{number}. {title}".replace("’", "'") in text.replace("’", "'")
    for requirement in requirements:
        assert requirement in text
    assert "<script>alert('x')</script>" in text  # printed as text, not run


def test_the_college_downloads_the_csc(client, post, tenant_a, specification):
    client.force_login(tenant_a.college)
    assert _render(client, post, specification, "docx").startswith(b"PK")
    assert DocumentRender.objects.get().requested_by == tenant_a.college


def test_the_award_report_recomputes_the_scores(client, post, tenant_a, specification):
    project = specification.project
    procurement = ProcurementFactory(specification=specification, project=project, title="Guichet en ligne")
    quality = specification.criteria.get(kind="quality")
    alpha = OfferFactory(procurement=procurement, provider="Alpha SA", price=Decimal("80000"))
    beta = OfferFactory(procurement=procurement, provider="Bêta SRL", price=Decimal("100000"))
    EvaluationScore.objects.create(offer=alpha, criterion=quality, evaluator=tenant_a.consultant, points=10)
    score = EvaluationScore.objects.create(offer=beta, criterion=quality, evaluator=tenant_a.consultant, points=38)
    client.force_login(tenant_a.consultant)
    url = reverse("projects:award-report", args=[project.mission_id, project.pk, procurement.pk])

    def report():
        response = post(url)
        return " ".join(_pdf_text(b"".join(client.get(response["Location"] + "fichier/").streaming_content)).split())

    text = report()
    assert "Rapport d’attribution — Guichet en ligne" in text
    # Alpha: 60 + 10 = 70; Bêta: 48 + 38 = 86.
    assert "1 Bêta SRL 48,00 38,00 86,00" in text
    assert "2 Alpha SA 60,00 10,00 70,00" in text
    EvaluationScore.objects.filter(pk=score.pk).update(points=5)
    text = report()
    assert "1 Alpha SA 60,00 10,00 70,00" in text
    assert "2 Bêta SRL 48,00 5,00 53,00" in text


def test_a_second_ask_while_a_render_waits_joins_it(client, tenant_a, specification):
    """A double click, a second tab or another reader asking for the same file while it waits for the worker gets
    the render already queued: repeated clicks never pile renders up in the PDF queue."""
    project = specification.project
    url = reverse("projects:specification-render", args=[project.mission_id, project.pk, specification.pk])
    waiting = DocumentRender.objects.create(
        project=project, specification=specification, format="pdf", requested_by=tenant_a.consultant
    )  # pending: the worker has not taken it yet
    client.force_login(tenant_a.college)
    for _ in range(3):
        response = client.post(url, {"format": "pdf"})
        assert response.status_code == 302 and response["Location"].endswith(f"/{waiting.pk}/")
    assert DocumentRender.objects.count() == 1

    # Another format is another file.
    client.post(url, {"format": "docx"})
    assert set(DocumentRender.objects.values_list("format", flat=True)) == {"pdf", "docx"}

    # A render pending past the task's time limit was lost: asking again queues a new one.
    DocumentRender.objects.filter(pk=waiting.pk).update(created_at=timezone.now() - LOST_AFTER - timedelta(minutes=1))
    response = client.post(url, {"format": "pdf"})
    assert not response["Location"].endswith(f"/{waiting.pk}/")
    assert DocumentRender.objects.filter(format="pdf").count() == 2


def test_a_done_render_does_not_stop_a_new_one(client, post, tenant_a, specification):
    """Once a render is done, asking again builds the file anew, from the data of now."""
    client.force_login(tenant_a.consultant)
    _render(client, post, specification, "docx")
    _render(client, post, specification, "docx")
    assert list(DocumentRender.objects.values_list("status", flat=True)) == ["done", "done"]


def test_the_render_task_goes_to_the_pdf_queue():
    from territoire.celery import app, route_task

    assert route_task("projects.render_document", (), {}, {}) == {"queue": app.conf.pdf_queue}
