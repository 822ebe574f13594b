"""Public pages as a citizen meets them: no way to a login page, a real empty theme, dead links explained."""

import pytest
from django.urls import reverse

from diagnostics.models import ChallengeCard
from tests.diagnostics.factories import CampaignFactory, full_questionnaire
from tests.diagnostics.factories_fieldwork import WorkshopFactory

pytestmark = pytest.mark.django_db


def test_the_logo_does_not_lead_a_citizen_to_login(client, tenant_a):
    questionnaire, _ = full_questionnaire(tenant_a.mission)
    campaign = CampaignFactory(questionnaire=questionnaire, public_token="lien-citoyen")
    workshop = WorkshopFactory(mission=tenant_a.mission)
    login = reverse("login")
    for page in (
        reverse("respond:public", args=[campaign.public_token]),
        reverse("respond:workshop", args=[workshop.public_token]),
    ):
        response = client.get(page, follow=True)
        assert response.status_code == 200
        assert f'href="{login}' not in response.content.decode()
        assert '<span class="navbar-brand' in response.content.decode()


def test_members_keep_a_logo_leading_to_their_communes(client, tenant_a):
    client.force_login(tenant_a.staff)
    page = client.get(reverse("territoire:dashboard")).content.decode()
    assert f'<a class="navbar-brand d-flex align-items-center gap-2" href="{reverse("territoire:dashboard")}"' in page


def test_workshop_theme_has_a_real_empty_choice(client, tenant_a):
    workshop = WorkshopFactory(mission=tenant_a.mission)
    url = reverse("respond:workshop", args=[workshop.public_token])
    page = client.get(url).content.decode()
    assert '<option value="" selected>— aucun thème —</option>' in page
    assert "---------" not in page
    client.post(url, {"text": "Un parking vélo à la gare", "theme": "", "author": ""})
    assert ChallengeCard.objects.get().theme == ""


def test_a_dead_public_link_says_why_in_plain_french(client):
    response = client.get(reverse("respond:workshop", args=["jeton-inconnu"]))
    assert response.status_code == 404
    text = response.content.decode()
    assert "Ce lien ne mène à rien" in text
    assert "Demandez le bon lien" in text
    assert reverse("territoire:dashboard") + '"' not in text.split("</nav>")[1]  # no way to a members' page


def test_a_member_meeting_a_missing_page_is_led_back_to_their_communes(client, tenant_a):
    client.force_login(tenant_a.staff)
    response = client.get(reverse("respond:workshop", args=["jeton-inconnu"]))
    assert response.status_code == 404
    assert "Retour à mes communes" in response.content.decode()
