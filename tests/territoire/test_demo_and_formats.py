from datetime import date
from decimal import Decimal

from django.core.management import call_command
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import translation

from territoire.models import Commune, Membership, Mission


def test_seed_demo_is_idempotent(db):
    call_command("seed_demo", force=True, verbosity=0)
    counts = (Commune.objects.count(), Membership.objects.count(), Mission.objects.count())
    call_command("seed_demo", force=True, verbosity=0)
    assert (Commune.objects.count(), Membership.objects.count(), Mission.objects.count()) == counts
    assert counts[0] == 3
    assert Commune.objects.get(code="61099").population == 16240


def test_seed_demo_refuses_production_without_force(db, settings):
    import pytest
    from django.core.management.base import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo", verbosity=0)


def render(source, **context):
    request = RequestFactory().get("/")
    return Template(source).render(Context({"request": request, **context}))


def test_amounts_and_dates_the_belgian_way():
    with translation.override("fr-be"):
        assert render("{{ v|money }}", v=Decimal("12500")) == "12\xa0500,00\xa0€"
        assert render("{{ v|money:0 }}", v=1234567) == "1\xa0234\xa0567\xa0€"
        assert render('{{ d|date:"SHORT_DATE_FORMAT" }}', d=date(2026, 11, 21)) == "21/11/2026"
        assert render("{{ v|money }}", v=None) == ""


def test_ids_are_never_grouped_but_counts_can_be():
    """{{ question.pk }} lands in HTML ids and htmx targets: 12345, never « 12 345 »."""
    with translation.override("fr-be"):
        assert render("{{ n }}", n=12345) == "12345"
        assert render("{{ n|number }}", n=12345) == "12\xa0345"
        assert render("{{ n|number }}", n=None) == ""
        # Rounded, never cut: 31,7 reads 32 as the tables' floatformat shows it.
        assert render("{{ n|number:0 }}", n=31.7) == "32"
        assert render("{{ n|number:1 }}", n=Decimal("84.96")) == "85,0"
        assert render("{{ v|money:0 }}", v=Decimal("12500.6")) == "12\xa0501\xa0€"


def test_autosave_targets_survive_ids_past_a_thousand(client, db):
    from tests.diagnostics.factories import CampaignFactory, InvitationFactory, QuestionFactory, SectionFactory

    question = QuestionFactory(pk=12345, section=SectionFactory())
    campaign = CampaignFactory(questionnaire=question.questionnaire, audience="staff")
    page = client.get(f"/r/{InvitationFactory(campaign=campaign).token}/").content.decode()
    assert 'id="status-12345"' in page and 'hx-target="#status-12345"' in page
