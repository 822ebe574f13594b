"""Campaigns: creation, invitations by e-mail (after commit), reminders, public link, closing."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from diagnostics.models import Campaign, Invitation, Response
from tests.diagnostics.factories import CampaignFactory, full_questionnaire


@pytest.fixture
def campaign(tenant_a):
    questionnaire, _ = full_questionnaire(tenant_a.mission)
    return CampaignFactory(questionnaire=questionnaire, title="Enquête du personnel")


def url(name, campaign, *extra):
    return reverse(f"diagnostics:{name}", args=[campaign.mission_id, campaign.pk, *extra])


def test_consultant_opens_a_campaign_for_an_audience(client, tenant_a):
    questionnaire, _ = full_questionnaire(tenant_a.mission)
    client.force_login(tenant_a.consultant)
    create = reverse("diagnostics:campaign-create", args=[tenant_a.mission.pk, questionnaire.pk])
    assert client.get(create).status_code == 200
    result = client.post(
        create,
        {
            "title": "Avis des citoyens",
            "audience": "citizens",
            "opens_at": "2026-01-01T08:00",
            "closes_at": "2026-12-31T23:00",
            "anonymous": "on",
            "public": "on",
            "intro": "Merci de votre aide.",
        },
    )
    campaign = Campaign.objects.get()
    assert result["Location"] == url("campaign-detail", campaign)
    assert campaign.public_token and campaign.audience == "citizens"
    page = client.get(result["Location"]).content.decode()
    assert reverse("respond:public", args=[campaign.public_token]) in page


def test_closing_date_must_follow_opening(client, tenant_a):
    questionnaire, _ = full_questionnaire(tenant_a.mission)
    client.force_login(tenant_a.consultant)
    create = reverse("diagnostics:campaign-create", args=[tenant_a.mission.pk, questionnaire.pk])
    page = client.post(
        create, {"title": "X", "audience": "staff", "opens_at": "2026-05-01T08:00", "closes_at": "2026-04-01T08:00"}
    )
    assert "La clôture doit suivre" in page.content.decode()
    assert not Campaign.objects.exists()


def test_pasted_invitations_are_sent_once_with_a_personal_link(
    client, tenant_a, campaign, django_capture_on_commit_callbacks
):
    client.force_login(tenant_a.consultant)
    people = "marie@example.org; Marie Dupont; Travaux\njean@example.org,Jean,Finances\nmarie@example.org"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("campaign-invite", campaign), {"people": people})
    assert Invitation.objects.filter(campaign=campaign).count() == 2
    assert len(mail.outbox) == 2
    marie = Invitation.objects.get(email="marie@example.org")
    assert marie.service == "Travaux" and marie.sent_at is not None
    message = next(m for m in mail.outbox if m.to == ["marie@example.org"])
    assert reverse("respond:fill", args=[marie.token]) in message.body and "Bonjour Marie Dupont" in message.body
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("campaign-invite", campaign), {"people": "marie@example.org"})
    assert len(mail.outbox) == 2  # already invited: nothing sent again


def test_uploaded_csv_and_bad_addresses(client, tenant_a, campaign, django_capture_on_commit_callbacks):
    client.force_login(tenant_a.consultant)
    upload = SimpleUploadedFile("liste.csv", b"email;nom;service\npaul@example.org;Paul;Urbanisme\n")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("campaign-invite", campaign), {"file": upload})
    assert Invitation.objects.get().service == "Urbanisme"
    result = client.post(url("campaign-invite", campaign), {"people": "pas-une-adresse"}, follow=True)
    assert "pas une adresse e-mail" in result.content.decode()
    assert Invitation.objects.count() == 1


def test_reminders_go_only_to_those_who_have_not_submitted(
    client, tenant_a, campaign, django_capture_on_commit_callbacks
):
    client.force_login(tenant_a.consultant)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("campaign-invite", campaign), {"people": "a@example.org\nb@example.org"})
    done = Invitation.objects.get(email="a@example.org")
    Response.objects.create(campaign=campaign, invitation=done, submitted_at=timezone.now())
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("campaign-remind", campaign))
    assert [m.to for m in mail.outbox] == [["b@example.org"]]
    assert "Rappel" in mail.outbox[0].subject
    assert Invitation.objects.get(email="b@example.org").reminded_at is not None


def test_staff_cannot_manage_campaigns_and_other_commune_gets_404(client, tenant_a, tenant_b, campaign):
    client.force_login(tenant_a.staff)
    assert client.post(url("campaign-invite", campaign), {"people": "x@example.org"}).status_code == 403
    client.force_login(tenant_b.consultant)
    assert client.get(url("campaign-detail", campaign)).status_code == 404
    assert not Invitation.objects.exists()


def test_closing_a_campaign_stops_its_links(client, tenant_a, campaign):
    client.force_login(tenant_a.consultant)
    client.post(url("campaign-close", campaign))
    campaign.refresh_from_db()
    assert not campaign.is_open


def test_detail_page_queries_do_not_grow_with_invitations(client, tenant_a, campaign, django_assert_max_num_queries):
    Invitation.objects.bulk_create([Invitation(campaign=campaign, email=f"p{n}@example.org") for n in range(60)])
    client.force_login(tenant_a.consultant)
    client.get(url("campaign-detail", campaign))
    with django_assert_max_num_queries(12):
        client.get(url("campaign-detail", campaign))
