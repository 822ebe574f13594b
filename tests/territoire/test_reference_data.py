"""Reference data seeded by data migrations comes back after a flush (what every transactional test does)."""

from django.core.management import call_command

from diagnostics.models import InterviewGuide
from projects.models import ChecklistQuestion, ProcurementThreshold
from roadmap.models import FundingCall, SheetTemplate

SEEDED = (FundingCall, SheetTemplate, InterviewGuide, ChecklistQuestion, ProcurementThreshold)


def test_a_flush_leaves_the_reference_data_in_place(transactional_db):
    counts = {model: model.objects.count() for model in SEEDED}
    assert all(counts.values()), counts
    call_command("flush", interactive=False, verbosity=0)
    assert {model: model.objects.count() for model in SEEDED} == counts


def test_a_trimmed_table_is_left_as_the_operator_left_it(db):
    FundingCall.objects.exclude(pk=FundingCall.objects.order_by("pk").first().pk).delete()
    call_command("migrate", verbosity=0)
    assert FundingCall.objects.count() == 1
