"""A respondent's personal data on request (GDPR): found, exported, erased without moving the results."""

import json
import re

import pytest
from django.urls import reverse

from diagnostics.models import Answer, Audience, ChallengeCard, Erasure, Invitation, Response, Workshop
from diagnostics.selectors.results import questionnaire_results
from diagnostics.services.results import result_tally_rebuild
from tests.diagnostics.factories import CampaignFactory, InvitationFactory, full_questionnaire
from tests.diagnostics.factories_fieldwork import CardFactory, CardVoteFactory, WorkshopFactory
from tests.diagnostics.results_pages import whole_results
from tests.diagnostics.test_results import fill


@pytest.fixture
def world(tenant_a):
    questionnaire, q = full_questionnaire(tenant_a.mission)
    campaign = CampaignFactory(questionnaire=questionnaire, audience=Audience.CITIZENS, title="Habitants")
    InvitationFactory(campaign=campaign, email="lea.dupont@example.org", name="Léa Dupont")
    InvitationFactory.create_batch(3, campaign=campaign)
    fill(campaign, q, 4)
    invitation = Invitation.objects.get(email="lea.dupont@example.org")
    # Léa wrote something of her own, and chose « autre » with a text of her own.
    Answer.objects.filter(response=invitation.response, question=q["long_text"]).update(
        value="Je suis Léa, rue des Lilas 3", text="Je suis Léa, rue des Lilas 3"
    )
    other = q["single"].choices.create(label="Autre", is_other=True, position=9)
    Answer.objects.filter(response=invitation.response, question=q["single"]).update(
        value={"choice": other.pk, "other": "voisine de Léa"}, choice=other, text="voisine de Léa"
    )
    result_tally_rebuild(campaign_ids=[campaign.pk])  # answers rewritten in bulk: counted again
    return questionnaire, campaign, invitation


def url(name, tenant, invitation=None, *, response_id=None):
    """privacy, privacy-export or privacy-erase, of an invitation or (``response_id``) of a response."""
    if invitation is not None:
        name, args = name.replace("privacy-", "privacy-invitation-"), [tenant.mission.pk, invitation.pk]
    elif response_id is not None:
        name, args = name.replace("privacy-", "privacy-response-"), [tenant.mission.pk, response_id]
    else:
        args = [tenant.mission.pk]
    return reverse(f"diagnostics:{name}", args=args)


def test_a_consultant_finds_a_respondent_by_email_or_response_number(client, tenant_a, world):
    _, campaign, invitation = world
    client.force_login(tenant_a.consultant)
    page = client.get(url("privacy", tenant_a), {"q": "LEA.dupont@example.org"}).content.decode()
    assert "1 répondant trouvé" in page and "Léa Dupont" in page and "Habitants" in page
    assert f"n° {invitation.response.pk}" in page
    page = client.get(url("privacy", tenant_a), {"q": f"#{invitation.response.pk}"}).content.decode()
    assert "lea.dupont@example.org" in page
    assert (
        "Aucune invitation ni réponse"
        in client.get(url("privacy", tenant_a), {"q": "personne@example.org"}).content.decode()
    )


def test_a_member_who_answered_logged_in_is_found_by_the_email_of_their_account(client, tenant_a, world):
    _, campaign, _ = world
    Response.objects.create(campaign=campaign, user=tenant_a.staff)
    client.force_login(tenant_a.consultant)
    page = client.get(url("privacy", tenant_a), {"q": tenant_a.staff.email}).content.decode()
    assert "1 répondant trouvé" in page and "pas de réponse" not in page


def test_the_export_holds_what_they_answered_when_and_to_which_campaign(client, tenant_a, world):
    _, campaign, invitation = world
    client.force_login(tenant_a.consultant)
    response = client.get(url("privacy-export", tenant_a, invitation))
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["campagne"] == "Habitants" and data["invitation"]["e_mail"] == "lea.dupont@example.org"
    assert data["reponse"]["envoyee_le"] and len(data["reponses_aux_questions"]) == 10
    texts = {a["question"]: a["texte"] for a in data["reponses_aux_questions"]}
    assert texts["Une idée ?"] == "Je suis Léa, rue des Lilas 3"
    by_response = client.get(url("privacy-export", tenant_a, response_id=invitation.response.pk))
    assert json.loads(by_response.content)["invitation"]["nom"] == "Léa Dupont"


def _drawing(chart) -> str:
    """A chart's SVG without pygal's random id: a chart redrawn from the same figures compares equal."""
    return re.sub(r"chart-[0-9a-f-]{36}", "chart", str(chart))


def figures(questionnaire) -> dict:
    """What the results page counts, for every question: campaign counts, answers, scores, maturity."""
    results = questionnaire_results(questionnaire, section=None)
    stats = [(r["invited"], r["started"], r["submitted"], r["rate"]) for r in results["campaigns"]]
    per_question = [
        (r.question.pk, r.answered, r.scores, r.summary, _drawing(r.chart))
        for _, cards, _ in results["sections"]
        for r in cards
    ]
    return {"stats": stats, "questions": per_question, "maturity": results["maturity"]}


def test_erasing_removes_the_person_and_leaves_the_results_figures_as_they_were(client, tenant_a, world):
    questionnaire, campaign, invitation = world
    response = invitation.response
    client.force_login(tenant_a.consultant)
    results_url = reverse("diagnostics:questionnaire-results", args=[tenant_a.mission.pk, questionnaire.pk])
    page_before = whole_results(client, results_url)  # the aggregates are now cached
    before = figures(questionnaire)
    old_token = response.token

    confirm = client.get(url("privacy-erase", tenant_a, invitation))
    assert "Les chiffres des résultats" in confirm.content.decode()
    assert Invitation.objects.get(pk=invitation.pk).email == "lea.dupont@example.org", "a GET changes nothing"

    done = client.post(url("privacy-erase", tenant_a, invitation), follow=True)
    assert "sont effacées" in done.content.decode()

    invitation.refresh_from_db()
    response.refresh_from_db()
    assert (invitation.email, invitation.name) == (f"effacee-{invitation.pk}@invalid.invalid", "")
    assert response.token != old_token and response.submitted_at is not None
    answers = Answer.objects.filter(response=response)
    assert answers.count() == 10 and not answers.exclude(text="").exists()
    assert "Léa" not in json.dumps(list(answers.values_list("value", flat=True)))
    assert figures(questionnaire) == before

    page_after = whole_results(client, results_url)
    assert "rue des Lilas" in page_before and "rue des Lilas" not in page_after  # the cache did not keep it
    assert client.get(reverse("respond:fill", args=[old_token])).status_code == 404


def test_an_erasure_is_recorded_without_the_erased_data(client, tenant_a, world):
    _, campaign, invitation = world
    client.force_login(tenant_a.consultant)
    client.post(url("privacy-erase", tenant_a, invitation))
    erasure = Erasure.objects.get()
    assert (erasure.campaign, erasure.by, erasure.invitation_id, erasure.texts_erased) == (
        campaign,
        tenant_a.consultant,
        invitation.pk,
        3,  # a short text, a long one, an « autre, précisez »
    )
    page = client.get(url("privacy", tenant_a)).content.decode()
    assert "Effacements faits" in page and "lea.dupont" not in page
    found = client.get(url("privacy", tenant_a), {"q": "lea.dupont@example.org"}).content.decode()
    assert "Aucune invitation ni réponse" in found


def test_a_public_response_without_invitation_is_erased_by_its_number(client, tenant_a, world):
    _, campaign, _ = world
    response = Response.objects.filter(campaign=campaign, invitation__isnull=True).first() or Response.objects.create(
        campaign=campaign, user=tenant_a.college
    )
    Answer.objects.create(response=response, question=campaign.questionnaire.questions.first(), value="x", text="x")
    client.force_login(tenant_a.consultant)
    client.post(url("privacy-erase", tenant_a, response_id=response.pk))
    response.refresh_from_db()
    assert response.user is None and not Answer.objects.filter(response=response).exclude(text="").exists()


@pytest.mark.parametrize("who", ["staff", "college"])
def test_staff_and_college_are_refused_and_nothing_is_erased(client, tenant_a, world, who):
    _, _, invitation = world
    client.force_login(getattr(tenant_a, who))
    assert client.get(url("privacy", tenant_a), {"q": "lea.dupont@example.org"}).status_code == 403
    assert client.get(url("privacy-export", tenant_a, invitation)).status_code == 403
    assert client.post(url("privacy-erase", tenant_a, invitation)).status_code == 403
    assert Invitation.objects.get(pk=invitation.pk).email == "lea.dupont@example.org"


def test_a_consultant_of_another_commune_gets_404_and_cannot_reach_them_through_their_mission(
    client, tenant_a, tenant_b, world
):
    _, _, invitation = world
    client.force_login(tenant_b.consultant)
    assert client.get(url("privacy", tenant_a)).status_code == 404
    assert client.post(url("privacy-erase", tenant_a, invitation)).status_code == 404
    # Their own mission in the URL with tenant A's invitation: still 404, and search finds nobody.
    assert client.get(url("privacy-export", tenant_b, invitation)).status_code == 404
    assert client.post(url("privacy-erase", tenant_b, invitation)).status_code == 404
    page = client.get(url("privacy", tenant_b), {"q": "lea.dupont@example.org"}).content.decode()
    assert "Aucune invitation ni réponse" in page
    assert Invitation.objects.get(pk=invitation.pk).email == "lea.dupont@example.org"


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, tenant_a, world):
    response = client.get(url("privacy", tenant_a))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# --- Workshop participants ----------------------------------------------------------------------------------


@pytest.fixture
def workshop(tenant_a):
    workshop = WorkshopFactory(mission=tenant_a.mission, participants="Marc Petit\nLéa Dupont\nAnne Roux")
    signed = CardFactory(workshop=workshop, author="Léa Dupont", text="Des bancs sur la place")
    CardFactory(workshop=workshop, author="Marc Petit")
    CardVoteFactory.create_batch(2, card=signed)
    return workshop


def workshop_url(name, tenant, workshop, person=None):
    address = reverse(f"diagnostics:privacy-workshop-{name}", args=[tenant.mission.pk, workshop.pk])
    return address + (f"?nom={person}" if person else "")


def test_a_workshop_participant_is_found_by_name_exported_and_erased_with_the_history(client, tenant_a, workshop):
    client.force_login(tenant_a.consultant)
    page = client.get(url("privacy", tenant_a), {"q": "léa dupont"}).content.decode()
    assert "Ateliers où ce nom apparaît" in page and workshop.title in page
    data = json.loads(client.get(workshop_url("export", tenant_a, workshop, "Léa Dupont")).content)
    assert data["dans_la_liste_des_participants"] is True and data["cartes"][0]["defi"] == "Des bancs sur la place"
    assert "Effacer son nom" in client.get(workshop_url("erase", tenant_a, workshop, "Léa Dupont")).content.decode()

    client.post(workshop_url("erase", tenant_a, workshop), {"nom": "Léa Dupont"})
    workshop.refresh_from_db()
    assert workshop.participants == "Marc Petit\nAnne Roux"
    cards = ChallengeCard.objects.filter(workshop=workshop)
    assert sorted(cards.values_list("author", flat=True)) == ["", "Marc Petit"]
    assert cards.get(text="Des bancs sur la place").votes.count() == 2, "votes and cards stay"
    history = [*Workshop.history.filter(id=workshop.pk), *ChallengeCard.history.filter(workshop_id=workshop.pk)]
    assert not [row for row in history if "Léa" in (getattr(row, "participants", "") + getattr(row, "author", ""))]
    erasure = Erasure.objects.get()
    assert (erasure.workshop, erasure.campaign, erasure.by) == (workshop, None, tenant_a.consultant)
    assert client.get(workshop_url("export", tenant_a, workshop, "Léa Dupont")).status_code == 404


def test_workshop_requests_are_refused_to_staff_and_to_another_commune(client, tenant_a, tenant_b, workshop):
    client.force_login(tenant_a.staff)
    assert client.get(workshop_url("export", tenant_a, workshop, "Léa Dupont")).status_code == 403
    assert client.post(workshop_url("erase", tenant_a, workshop), {"nom": "Léa Dupont"}).status_code == 403
    client.force_login(tenant_b.consultant)
    assert client.post(workshop_url("erase", tenant_b, workshop), {"nom": "Léa Dupont"}).status_code == 404
    workshop.refresh_from_db()
    assert "Léa Dupont" in workshop.participants
