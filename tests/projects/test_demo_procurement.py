"""The demo's CSC and procurement: drafted from the e-guichet sheet, three offers evaluated, the best awarded;
its CSC and award report render (the PDFs are kept in test-results/ to be looked at)."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from projects.demo import DEMO_SHEET_TITLE
from projects.documents import award, csc, render
from projects.models import Procurement, Specification
from projects.selectors.procurement import evaluate

OUT = Path(__file__).resolve().parents[2] / "test-results" / "pdf"


@pytest.mark.django_db
def test_the_demo_has_a_csc_and_an_awarded_procurement():
    for _ in range(2):  # twice alike
        call_command("seed_demo", force=True, verbosity=0, stdout=StringIO())
    specification = Specification.objects.get(project__sheet__title=DEMO_SHEET_TITLE)
    assert specification.status == "final"
    assert specification.sections.exclude(body="").count() >= 7
    assert specification.lots.exists() and specification.requirements.count() >= 10
    assert sum(specification.criteria.values_list("weight", flat=True)) == 100
    procurement = Procurement.objects.get(specification=specification)
    evaluation = evaluate(procurement)
    assert len(evaluation.results) == 3 and evaluation.complete
    assert procurement.awarded_offer == evaluation.best.offer
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "csc.pdf").write_bytes(render(csc.build(specification), "pdf"))
    (OUT / "award.pdf").write_bytes(render(award.build(procurement), "pdf"))
