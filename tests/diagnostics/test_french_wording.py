"""French that fits people: roles as each person writes them, commas, plurals, interviews left « Planifié »."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from diagnostics.models import Response
from territoire.models import Membership
from tests.diagnostics.factories import CampaignFactory, QuestionnaireFactory
from tests.diagnostics.factories_fieldwork import IntervieweeFactory, InterviewFactory, SystemFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_a_role_is_written_as_the_person_wants_it(client, tenant_a):
    membership = Membership.objects.get(user=tenant_a.consultant, commune=tenant_a.commune)
    membership.role_title = "Consultante référente"
    membership.save(update_fields=["role_title"])
    client.force_login(tenant_a.consultant)
    assert "Consultante référente" in client.get(reverse("territoire:dashboard")).content.decode()
    page = client.get(reverse("territoire:commune-detail", args=[tenant_a.commune.pk])).content.decode()
    assert "Consultante référente" in page


def test_without_a_written_role_the_label_is_epicene(client, tenant_a):
    client.force_login(tenant_a.staff)
    page = client.get(reverse("territoire:dashboard")).content.decode()
    assert "Personnel communal" in page
    assert "Agent communal" not in page
    page = client.get(reverse("territoire:commune-detail", args=[tenant_a.commune.pk])).content.decode()
    assert "Consultance référente" in page and "Membre du Collège" in page


def test_lists_of_names_have_no_space_before_commas(client, tenant_a):
    second = UserFactory(first_name="Luc", last_name="Martin")
    tenant_a.mission.referents.add(second)
    interview = InterviewFactory(mission=tenant_a.mission)
    IntervieweeFactory(interview=interview, name="Anne Dubois")
    IntervieweeFactory(interview=interview, name="Marc Lenoir")
    client.force_login(tenant_a.consultant)
    pages = [
        client.get(reverse("territoire:commune-detail", args=[tenant_a.commune.pk])),
        client.get(reverse("diagnostics:interviews", args=[tenant_a.mission.pk])),
        client.get(reverse("diagnostics:interview-detail", args=[tenant_a.mission.pk, interview.pk])),
    ]
    for page in pages:
        text = _text(page.content.decode())
        assert " ," not in text, page.request["PATH_INFO"]
    assert "Anne Dubois, Marc Lenoir" in _text(pages[2].content.decode())


def test_responses_are_counted_with_their_campaigns(client, tenant_a):
    questionnaire = QuestionnaireFactory(mission=tenant_a.mission)
    campaigns = [CampaignFactory(questionnaire=questionnaire) for _ in range(3)]
    for n in range(26):
        Response.objects.create(campaign=campaigns[n % 3], submitted_at=timezone.now())
    client.force_login(tenant_a.consultant)
    text = _text(client.get(reverse("diagnostics:index", args=[tenant_a.mission.pk])).content.decode())
    assert "26 réponses reçues pour 3 campagnes" in text
    Response.objects.all().exclude(pk=Response.objects.first().pk).delete()
    text = _text(client.get(reverse("diagnostics:index", args=[tenant_a.mission.pk])).content.decode())
    assert "1 réponse reçue pour 3 campagnes" in text


def test_the_synthesis_counts_each_thing_with_its_own_plural(client, tenant_a):
    questionnaire = QuestionnaireFactory(mission=tenant_a.mission)
    campaign = CampaignFactory(questionnaire=questionnaire)
    Response.objects.create(campaign=campaign, submitted_at=timezone.now())
    InterviewFactory(mission=tenant_a.mission, done=True)
    SystemFactory(commune=tenant_a.commune)
    client.force_login(tenant_a.consultant)
    url = reverse("diagnostics:synthesis", args=[tenant_a.mission.pk])
    text = _text(client.get(url).content.decode())
    assert "1 réponse reçue pour 1 campagne." in text
    assert "1 entretien réalisé sur un objectif de" in text
    assert "1 outil inventorié, " in text
    for _ in range(2):
        extra = CampaignFactory(questionnaire=questionnaire)
        for _ in range(12):
            Response.objects.create(campaign=extra, submitted_at=timezone.now())
    InterviewFactory(mission=tenant_a.mission, done=True)
    text = _text(client.get(url).content.decode())
    assert "25 réponses reçues pour 3 campagnes." in text
    assert "2 entretiens réalisés sur un objectif de" in text
    assert "(s)" not in text


def test_interviews_past_their_date_still_planned_are_flagged(client, tenant_a):
    late = InterviewFactory(mission=tenant_a.mission, scheduled_at=timezone.now() - dt.timedelta(days=1))
    IntervieweeFactory(interview=late, name="Anne Dubois")
    coming = InterviewFactory(mission=tenant_a.mission)
    client.force_login(tenant_a.consultant)
    listing = client.get(reverse("diagnostics:interviews", args=[tenant_a.mission.pk])).content.decode()
    assert listing.count("data-overdue") == 1
    assert "Date passée : a-t-il eu lieu ?" in listing
    detail = reverse("diagnostics:interview-detail", args=[tenant_a.mission.pk, late.pk])
    assert "data-overdue" in client.get(detail).content.decode()
    detail = reverse("diagnostics:interview-detail", args=[tenant_a.mission.pk, coming.pk])
    assert "data-overdue" not in client.get(detail).content.decode()
    late.status = late.Status.DONE
    late.save(update_fields=["status"])
    listing = client.get(reverse("diagnostics:interviews", args=[tenant_a.mission.pk])).content.decode()
    assert "data-overdue" not in listing
