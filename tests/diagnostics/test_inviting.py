"""Inviting: bad lines are named and handed back while the good ones go; French plurals; the public link's
copy button, QR code and A4 poster."""

import pytest
from django.urls import reverse

from diagnostics.models import Invitation
from tests.diagnostics.factories import CampaignFactory, full_questionnaire

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(tenant_a):
    questionnaire, _ = full_questionnaire(tenant_a.mission)
    return CampaignFactory(questionnaire=questionnaire, title="Enquête du personnel")


def url(name, campaign):
    return reverse(f"diagnostics:{name}", args=[campaign.mission_id, campaign.pk])


def test_bad_lines_are_named_and_kept_while_the_good_ones_are_invited(
    client, tenant_a, campaign, django_capture_on_commit_callbacks
):
    client.force_login(tenant_a.consultant)
    people = "marie@example.org; Marie\nmarie.example.org; Marie bis\n\njean@example.org\n; Sans adresse; Travaux"
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(url("campaign-invite", campaign), {"people": people})
    assert page.status_code == 200
    text = page.content.decode()
    assert sorted(Invitation.objects.values_list("email", flat=True)) == ["jean@example.org", "marie@example.org"]
    assert "2 invitations envoyées." in text
    assert "Ligne 2 : « marie.example.org » n&#x27;est pas une adresse e-mail." in text
    assert "Ligne 5 : l&#x27;adresse e-mail manque en début de ligne." in text
    assert "Ces 2 lignes n'ont pas été envoyées" in text
    field = page.context["form"]["people"].value()
    assert field == "marie.example.org; Marie bis\n; Sans adresse; Travaux"  # only the bad lines, to correct


def test_when_no_line_is_good_nothing_is_written_and_the_text_stays(client, tenant_a, campaign):
    client.force_login(tenant_a.consultant)
    people = "pas-une-adresse\nautre chose"
    page = client.post(url("campaign-invite", campaign), {"people": people})
    text = page.content.decode()
    assert not Invitation.objects.exists()
    assert "Rien n'a été envoyé ; votre texte est conservé ci-dessous." in text
    assert "Ligne 1 : « pas-une-adresse » n&#x27;est pas une adresse e-mail." in text
    assert "Ligne 2 : « autre chose »" in text
    assert page.context["form"]["people"].value() == people


def test_one_invitation_is_singular(client, tenant_a, campaign):
    client.force_login(tenant_a.consultant)
    page = client.post(url("campaign-invite", campaign), {"people": "solo@example.org"}, follow=True)
    assert "1 invitation envoyée." in page.content.decode()
    assert "(s)" not in page.content.decode()


def test_public_link_has_a_copy_button_a_qr_code_and_a_poster(client, tenant_a, campaign):
    client.force_login(tenant_a.consultant)
    client.post(url("campaign-publish", campaign))
    campaign.refresh_from_db()
    page = client.get(url("campaign-detail", campaign)).content.decode()
    assert 'data-copy="#public-link"' in page
    assert '<svg role="img"' in page and "QR code du lien public" in page
    assert url("campaign-poster", campaign) in page
    poster = client.get(url("campaign-poster", campaign)).content.decode()
    assert '<html lang="fr">' in poster
    assert "Donnez votre avis" in poster and "Enquête du personnel" in poster
    assert reverse("respond:public", args=[campaign.public_token]) in poster
    assert "<svg" in poster
    assert "<script>" not in poster  # CSP: no inline script, the print button is wired in static/js


def test_poster_without_public_link_explains_what_to_do(client, tenant_a, campaign):
    client.force_login(tenant_a.consultant)
    page = client.get(url("campaign-poster", campaign), follow=True).content.decode()
    assert "Créez d&#x27;abord le lien public" in page


@pytest.mark.parametrize("who", ["staff", "college"])
def test_only_consultants_print_the_poster(client, tenant_a, tenant_b, campaign, who):
    campaign.public_token = "jeton-public"
    campaign.save()
    client.force_login(getattr(tenant_a, who))
    assert client.get(url("campaign-poster", campaign)).status_code == 403
    client.force_login(tenant_b.consultant)
    assert client.get(url("campaign-poster", campaign)).status_code == 404
