"""Figures that are true, nothing lost by a delete or a GET (issue #8, points 6 and 7)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.urls import reverse
from django.utils import timezone

from diagnostics.models import (
    Answer,
    Audience,
    ChallengeCard,
    FindingSource,
    Interview,
    InterviewGuide,
    Invitation,
    Question,
    Questionnaire,
    Response,
    SourceKind,
)
from diagnostics.services.interviews import guide_ensure_builtin
from diagnostics.tasks import send_invitations_task
from territoire.models import NodeLevel, PSTNodeTag
from tests.diagnostics.factories import CampaignFactory, InvitationFactory, QuestionnaireFactory, full_questionnaire
from tests.diagnostics.factories_fieldwork import CardFactory, InterviewFactory, WorkshopFactory
from tests.diagnostics.factories_findings import CardSourceFactory, FindingFactory, InterviewSourceFactory
from tests.factories import UserFactory
from tests.territoire.factories import PSTNodeFactory, pst_tree

# --- 6. Figures that are true ---------------------------------------------------------------------


def test_hub_pst_card_counts_a_node_with_two_themes_once(client, tenant_a):
    pst, os_node, oos, actions = pst_tree(tenant_a.commune)
    PSTNodeFactory(pst=pst, level=NodeLevel.OS, code="OS.2", key="os.2", title="Énergie")
    for node in (os_node, oos[0], actions[0]):
        PSTNodeTag.objects.create(node=node, kind="theme", value="mobility")
        PSTNodeTag.objects.create(node=node, kind="theme", value="environment")
    client.force_login(tenant_a.consultant)
    page = client.get(reverse("diagnostics:index", args=[tenant_a.mission.pk])).content.decode()
    assert '<span class="stat">2</span> <span class="small">OS</span>' in page
    assert '<span class="stat">2</span> <span class="small">OO</span>' in page
    assert '<span class="stat">4</span> <span class="small">actions</span>' in page
    assert "3 éléments étiquetés par thème" in page


def test_response_rate_counts_invitations_only_and_shows_other_responses_apart(client, tenant_a):
    questionnaire, _q = full_questionnaire(tenant_a.mission)
    campaign = CampaignFactory(questionnaire=questionnaire, public_token="public-rate")
    invited = [InvitationFactory(campaign=campaign) for _ in range(2)]
    Response.objects.create(campaign=campaign, invitation=invited[0], submitted_at=timezone.now())
    for _ in range(3):
        Response.objects.create(campaign=campaign, submitted_at=timezone.now())
    Response.objects.create(campaign=campaign)  # a public response started, not sent
    client.force_login(tenant_a.consultant)
    page = client.get(reverse("diagnostics:campaign-detail", args=[tenant_a.mission.pk, campaign.pk]))
    stats = page.context["stats"]
    assert stats["rate"] == 50  # one of the two invited people, never 200 %
    assert (stats["invited_submitted"], stats["other_submitted"], stats["other_started"]) == (1, 3, 4)
    html = page.content.decode()
    assert "50 %" in html and "200 %" not in html
    assert "hors invitation" in html
    results = client.get(reverse("diagnostics:questionnaire-results", args=[tenant_a.mission.pk, questionnaire.pk]))
    assert "200 %" not in results.content.decode()


def test_synthesis_rate_per_audience_never_exceeds_100(client, tenant_a):
    from diagnostics.selectors.synthesis import questionnaire_section

    questionnaire, _q = full_questionnaire(tenant_a.mission)
    campaign = CampaignFactory(questionnaire=questionnaire, audience=Audience.CITIZENS, public_token="p-synth")
    invitation = InvitationFactory(campaign=campaign)
    Response.objects.create(campaign=campaign, invitation=invitation, submitted_at=timezone.now())
    for _ in range(4):
        Response.objects.create(campaign=campaign, submitted_at=timezone.now())
    row = questionnaire_section(tenant_a.mission)["participation"][0]
    assert row["rate"] == 100 and row["submitted"] == 5


@pytest.fixture
def answered(tenant_a):
    questionnaire, q = full_questionnaire(tenant_a.mission)
    campaign = CampaignFactory(questionnaire=questionnaire)
    answers = {}
    for value, kind in ((4, "likert"), (7, "rating")):
        response = Response.objects.create(campaign=campaign, submitted_at=timezone.now())
        answers[kind] = Answer.objects.create(
            response=response, question=q[kind], value=value, number=value, score=75 if kind == "likert" else 70
        )
    response = Response.objects.create(campaign=campaign, submitted_at=timezone.now())
    answers["matrix"] = Answer.objects.create(response=response, question=q["matrix"], value={"0": 5, "1": 3})
    answers["yes_no"] = Answer.objects.create(response=response, question=q["yes_no"], value=True, number=1)
    return questionnaire, q, answers


def _edit_question(client, tenant, questionnaire, question, **data):
    return client.post(
        reverse("diagnostics:question-edit", args=[tenant.mission.pk, questionnaire.pk, question.pk]),
        {"text": question.text, "type": question.type, **data},
    )


def test_turning_maturity_off_then_on_recomputes_stored_scores(client, tenant_a, answered):
    questionnaire, q, answers = answered
    client.force_login(tenant_a.consultant)
    assert _edit_question(client, tenant_a, questionnaire, q["likert"]).status_code == 302
    answers["likert"].refresh_from_db()
    assert answers["likert"].score is None
    assert _edit_question(client, tenant_a, questionnaire, q["likert"], counts_for_maturity="on").status_code == 302
    answers["likert"].refresh_from_db()
    assert answers["likert"].score == 75


def test_turning_maturity_on_for_matrix_and_yes_no_scores_existing_answers(client, tenant_a, answered):
    questionnaire, q, answers = answered
    Question.objects.filter(pk__in=[q["matrix"].pk, q["yes_no"].pk]).update(counts_for_maturity=False)
    q["matrix"].refresh_from_db()
    q["yes_no"].refresh_from_db()
    client.force_login(tenant_a.consultant)
    matrix = _edit_question(
        client, tenant_a, questionnaire, q["matrix"], rows="Voisins\nEntreprises", counts_for_maturity="on"
    )
    assert matrix.status_code == 302, matrix.content.decode()
    _edit_question(client, tenant_a, questionnaire, q["yes_no"], counts_for_maturity="on")
    answers["matrix"].refresh_from_db()
    answers["yes_no"].refresh_from_db()
    assert answers["matrix"].score == 75  # (100 + 50) / 2
    assert answers["yes_no"].score == 100


def test_maturity_flag_of_another_commune_is_not_reachable(client, tenant_b, answered, tenant_a):
    questionnaire, q, answers = answered
    client.force_login(tenant_b.consultant)
    assert _edit_question(client, tenant_a, questionnaire, q["likert"]).status_code == 404
    answers["likert"].refresh_from_db()
    assert answers["likert"].score == 75


class OverlappingBackend(EmailBackend):
    """Delivers like locmem, but a second run of the task starts while the first one is sending."""

    campaign_id = None

    def send_messages(self, messages):
        if OverlappingBackend.campaign_id is not None:
            campaign_id, OverlappingBackend.campaign_id = OverlappingBackend.campaign_id, None
            send_invitations_task(campaign_id)
        return super().send_messages(messages)


def test_overlapping_invitation_runs_never_mail_a_person_twice(tenant_a, settings):
    questionnaire, _q = full_questionnaire(tenant_a.mission)
    campaign = CampaignFactory(questionnaire=questionnaire)
    for n in range(3):
        InvitationFactory(campaign=campaign, email=f"p{n}@example.org")
    settings.EMAIL_BACKEND = f"{__name__}.OverlappingBackend"
    OverlappingBackend.campaign_id = campaign.pk
    sent = send_invitations_task(campaign.pk)
    assert sorted(m.to[0] for m in mail.outbox) == ["p0@example.org", "p1@example.org", "p2@example.org"]
    assert sent == 3
    assert send_invitations_task(campaign.pk) == 0
    assert len(mail.outbox) == 3
    assert not Invitation.objects.filter(sent_at__isnull=True).exists()


def test_a_failed_delivery_leaves_the_invitations_to_send_again(tenant_a, settings):
    questionnaire, _q = full_questionnaire(tenant_a.mission)
    campaign = CampaignFactory(questionnaire=questionnaire)
    InvitationFactory(campaign=campaign)
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
    with pytest.raises(ConnectionError):
        send_invitations_task(campaign.pk)
    assert Invitation.objects.get().sent_at is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_invitations_task(campaign.pk) == 1


class FailingBackend(EmailBackend):
    def send_messages(self, messages):
        raise ConnectionError("SMTP down")


def test_a_title_with_line_breaks_cannot_break_mail_headers(client, tenant_a, django_capture_on_commit_callbacks):
    questionnaire, _q = full_questionnaire(tenant_a.mission)
    campaign = CampaignFactory(questionnaire=questionnaire, title="Enquête\r\nBcc: victime@example.org\nfin")
    client.force_login(tenant_a.consultant)
    with django_capture_on_commit_callbacks(execute=True):
        result = client.post(
            reverse("diagnostics:campaign-invite", args=[tenant_a.mission.pk, campaign.pk]),
            {"people": "marie@example.org"},
        )
    assert result.status_code == 302
    (message,) = mail.outbox
    assert message.subject == "Votre avis compte : Enquête Bcc: victime@example.org fin"
    assert "victime@example.org" not in message.message().get_all("Bcc", [])
    assert message.recipients() == ["marie@example.org"]


def test_campaign_form_folds_line_breaks_of_the_title(client, tenant_a):
    questionnaire, _q = full_questionnaire(tenant_a.mission)
    client.force_login(tenant_a.consultant)
    client.post(
        reverse("diagnostics:campaign-create", args=[tenant_a.mission.pk, questionnaire.pk]),
        {
            "title": "Avis\r\ndes   citoyens",
            "audience": "citizens",
            "opens_at": "2026-01-01T08:00",
            "closes_at": "2026-12-31T23:00",
        },
    )
    assert questionnaire.campaigns.get().title == "Avis des citoyens"


# --- 7. Nothing lost by a delete ------------------------------------------------------------------


def test_deleting_a_user_who_owns_templates_works(tenant_a):
    owner = UserFactory()
    template = Questionnaire.objects.create(owner=owner, title="Mon modèle")
    in_mission = QuestionnaireFactory(mission=tenant_a.mission, owner=owner)
    owner.delete()
    assert not Questionnaire.objects.filter(pk=template.pk).exists()
    in_mission.refresh_from_db()
    assert in_mission.owner is None


def test_admin_deletes_a_user_who_owns_templates(client, tenant_a):
    owner = UserFactory()
    Questionnaire.objects.create(owner=owner, title="Mon modèle")
    client.force_login(UserFactory(superuser=True))
    url = reverse("admin:auth_user_delete", args=[owner.pk])
    assert client.get(url).status_code == 200
    result = client.post(url, {"post": "yes"})
    assert result.status_code == 302
    assert not Questionnaire.objects.filter(title="Mon modèle").exists()


def test_deleting_a_cited_interview_is_refused_with_the_findings(client, tenant_a):
    source = InterviewSourceFactory(finding=FindingFactory(mission=tenant_a.mission, statement="Pas de GED"))
    client.force_login(tenant_a.consultant)
    result = client.post(
        reverse("diagnostics:interview-delete", args=[tenant_a.mission.pk, source.interview.pk]), follow=True
    )
    html = result.content.decode()
    assert "cité par" in html and "Pas de GED" in html
    assert Interview.objects.filter(pk=source.interview.pk).exists()
    assert FindingSource.objects.filter(pk=source.pk, interview=source.interview).exists()


def test_an_uncited_interview_is_still_deleted(client, tenant_a):
    interview = InterviewFactory(mission=tenant_a.mission, interviewer=tenant_a.consultant)
    client.force_login(tenant_a.consultant)
    client.post(reverse("diagnostics:interview-delete", args=[tenant_a.mission.pk, interview.pk]))
    assert not Interview.objects.filter(pk=interview.pk).exists()


def test_deleting_a_cited_question_is_refused_with_the_findings(client, tenant_a):
    questionnaire, q = full_questionnaire(tenant_a.mission)
    finding = FindingFactory(mission=tenant_a.mission, statement="Vision numérique floue")
    FindingSource.objects.create(finding=finding, kind=SourceKind.QUESTION, question=q["likert"])
    client.force_login(tenant_a.consultant)
    args = [tenant_a.mission.pk, questionnaire.pk]
    result = client.post(reverse("diagnostics:question-delete", args=[*args, q["likert"].pk]), HTTP_HX_REQUEST="true")
    assert "Vision numérique floue" in result.content.decode()
    assert Question.objects.filter(pk=q["likert"].pk).exists()
    # Nor through its section or its questionnaire.
    client.post(reverse("diagnostics:section-delete", args=[*args, q["likert"].section_id]))
    deleted = client.post(reverse("diagnostics:questionnaire-delete", args=args), follow=True)
    assert "Vision numérique floue" in deleted.content.decode()
    assert FindingSource.objects.filter(finding=finding, question=q["likert"]).exists()


def test_deleting_a_cited_card_is_refused_with_the_findings(client, tenant_a):
    source = CardSourceFactory(finding=FindingFactory(mission=tenant_a.mission, statement="Trottoirs"))
    card = source.card
    client.force_login(tenant_a.consultant)
    result = client.post(
        reverse("diagnostics:card-action", args=[tenant_a.mission.pk, card.workshop_id, card.pk]),
        {"action": "delete"},
        follow=True,
    )
    assert "Trottoirs" in result.content.decode()
    assert ChallengeCard.objects.filter(pk=card.pk).exists()
    uncited = CardFactory(workshop=card.workshop)
    client.post(
        reverse("diagnostics:card-action", args=[tenant_a.mission.pk, card.workshop_id, uncited.pk]),
        {"action": "delete"},
    )
    assert not ChallengeCard.objects.filter(pk=uncited.pk).exists()


def test_deleting_the_mission_still_takes_its_findings_and_sources(tenant_a):
    InterviewSourceFactory(finding=FindingFactory(mission=tenant_a.mission))
    CardSourceFactory(finding=FindingFactory(mission=tenant_a.mission), card__workshop=WorkshopFactory())
    tenant_a.mission.delete()
    assert not FindingSource.objects.filter(finding__mission=tenant_a.mission.pk).exists()
    assert not Interview.objects.filter(mission=tenant_a.mission.pk).exists()


# --- 7. Nothing written by a GET ------------------------------------------------------------------


@pytest.fixture
def campaign(tenant_a):
    questionnaire, q = full_questionnaire(tenant_a.mission)
    return CampaignFactory(questionnaire=questionnaire, audience=Audience.STAFF, public_token="pub-get")


def test_opening_an_invitation_link_creates_no_row_until_the_first_post(client, campaign):
    invitation = InvitationFactory(campaign=campaign, service="Travaux")
    url = reverse("respond:fill", args=[invitation.token])
    page = client.get(url)
    assert page.status_code == 200 and "Section 1 sur 2" in page.content.decode()
    client.get(url + "?section=2")
    assert not Response.objects.exists()
    question = campaign.questionnaire.questions.get(type="likert")
    client.post(reverse("respond:answer", args=[invitation.token, question.pk]), {f"q{question.pk}": "4"})
    response = Response.objects.get()
    assert response.invitation == invitation and response.service == "Travaux"
    assert Answer.objects.get().response == response


def test_a_get_on_a_started_response_writes_nothing(client, campaign):
    invitation = InvitationFactory(campaign=campaign)
    response = Response.objects.create(campaign=campaign, invitation=invitation, last_section=1)
    before = response.last_activity_at
    client.get(reverse("respond:fill", args=[invitation.token]) + "?section=2")
    response.refresh_from_db()
    assert (response.last_section, response.last_activity_at) == (1, before)


def test_a_closed_campaign_writes_nothing_on_post(client, campaign):
    campaign.opens_at = timezone.now() - timedelta(days=10)
    campaign.closes_at = timezone.now() - timedelta(days=1)
    campaign.save()
    invitation = InvitationFactory(campaign=campaign)
    question = campaign.questionnaire.questions.get(type="likert")
    assert client.get(reverse("respond:fill", args=[invitation.token])).status_code == 410
    client.post(reverse("respond:fill", args=[invitation.token]), {"section": "1", "go": "next"})
    client.post(reverse("respond:answer", args=[invitation.token, question.pk]), {f"q{question.pk}": "4"})
    client.post(reverse("respond:public", args=["pub-get"]))
    assert not Response.objects.exists() and not Answer.objects.exists()


def test_the_public_link_page_creates_no_row(client, campaign):
    assert client.get(reverse("respond:public", args=["pub-get"])).status_code == 200
    assert not Response.objects.exists()


def test_the_answer_page_of_a_member_creates_its_response_on_post_only(client, tenant_a, campaign):
    client.force_login(tenant_a.staff)
    url = reverse("diagnostics:campaign-answer", args=[tenant_a.mission.pk, campaign.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Commencer le questionnaire" in page.content.decode()
    assert not Response.objects.exists()
    started = client.post(url)
    response = Response.objects.get(user=tenant_a.staff)
    assert started["Location"] == reverse("respond:fill", args=[response.token])
    # Once started, the same page leads back to the response, still without writing.
    assert client.get(url)["Location"] == started["Location"]
    assert client.post(url)["Location"] == started["Location"]
    assert Response.objects.count() == 1


def test_the_answer_page_of_a_closed_campaign_writes_nothing(client, tenant_a, campaign):
    campaign.closes_at = timezone.now() - timedelta(minutes=1)
    campaign.opens_at = timezone.now() - timedelta(days=3)
    campaign.save()
    client.force_login(tenant_a.staff)
    url = reverse("diagnostics:campaign-answer", args=[tenant_a.mission.pk, campaign.pk])
    assert client.get(url).status_code == 410
    assert client.post(url).status_code == 410
    assert not Response.objects.exists()


def test_the_answer_page_refuses_a_member_of_another_commune(client, tenant_b, campaign):
    client.force_login(tenant_b.staff)
    url = reverse("diagnostics:campaign-answer", args=[campaign.mission_id, campaign.pk])
    assert client.post(url).status_code == 404
    assert not Response.objects.exists()


def test_interview_pages_do_not_seed_the_builtin_guide_on_get(client, tenant_a):
    InterviewGuide.objects.filter(author__isnull=True).delete()
    client.force_login(tenant_a.consultant)
    assert client.get(reverse("diagnostics:interview-create", args=[tenant_a.mission.pk])).status_code == 200
    assert client.get(reverse("diagnostics:guides", args=[tenant_a.mission.pk])).status_code == 200
    assert not InterviewGuide.objects.exists()


def test_the_builtin_guide_is_preselected_when_present(client, tenant_a):
    guide = guide_ensure_builtin()  # a flushed test database (browser tests) lost the migration's rows
    assert InterviewGuide.objects.filter(author__isnull=True).count() == 1
    client.force_login(tenant_a.consultant)
    page = client.get(reverse("diagnostics:interview-create", args=[tenant_a.mission.pk])).content.decode()
    assert f'<option value="{guide.pk}" selected>' in page
