"""Ideation workshops: facilitator screens, the participants' public link, votes, selection."""

import pytest
from django.urls import reverse

from diagnostics.models import CardVote, ChallengeCard, Workshop
from territoire.models import Role
from tests.diagnostics.factories_fieldwork import CardFactory, CardVoteFactory, WorkshopFactory


def url(name, tenant, **kwargs):
    return reverse(f"diagnostics:{name}", kwargs={"mission_id": tenant.mission.pk, **kwargs})


def public_url(workshop, card=None):
    kwargs = {"workshop_token": workshop.public_token}
    if card is not None:
        return reverse("respond:workshop-vote", kwargs={**kwargs, "card_id": card.pk})
    return reverse("respond:workshop", kwargs=kwargs)


def test_consultant_creates_a_card_workshop(client, tenant_a):
    client.force_login(tenant_a.consultant)
    response = client.post(
        url("workshop-create", tenant_a),
        {
            "title": "Midi du Smart",
            "date": "2026-12-10T12:00",
            "location": "Salle du conseil",
            "method": "cards",
            "participant_count": "14",
            "participants": "Anne\nLuc",
            "votes_per_participant": "3",
            "top_count": "5",
        },
    )
    workshop = Workshop.objects.get()
    assert response["Location"] == url("workshop-detail", tenant_a, workshop_id=workshop.pk)
    assert workshop.phase == "writing" and len(workshop.public_token) >= 30
    assert workshop.participant_names == ["Anne", "Luc"]


def test_participant_writes_cards_from_the_public_link_without_account(client, tenant_a):
    workshop = WorkshopFactory(mission=tenant_a.mission)
    assert client.get(public_url(workshop)).status_code == 200
    response = client.post(public_url(workshop), {"text": "Des bancs connectés au wifi", "theme": "living"})
    assert response.status_code == 302
    card = ChallengeCard.objects.get()
    assert card.text == "Des bancs connectés au wifi" and card.participant


def test_public_link_needs_the_right_token(client, tenant_a):
    workshop = WorkshopFactory(mission=tenant_a.mission)
    assert client.get(reverse("respond:workshop", kwargs={"workshop_token": "x" * 32})).status_code == 404
    assert client.get(public_url(workshop)).status_code == 200
    assert public_url(workshop) == f"/atelier/{workshop.public_token}/"  # no mission id in a shared link


def test_participants_vote_within_their_limit(client, tenant_a):
    workshop = WorkshopFactory(mission=tenant_a.mission, voting=True, votes_per_participant=2)
    cards = [CardFactory(workshop=workshop) for _ in range(3)]
    client.post(public_url(workshop, cards[0]))
    client.post(public_url(workshop, cards[1]))
    response = client.post(public_url(workshop, cards[2]), follow=True)
    assert "Vous avez déjà utilisé vos 2 votes" in response.content.decode()
    assert CardVote.objects.count() == 2
    # Voting again on a card takes the vote back.
    client.post(public_url(workshop, cards[0]))
    assert CardVote.objects.count() == 1


def test_vote_after_closing_is_refused_with_a_clear_message(client, tenant_a):
    workshop = WorkshopFactory(mission=tenant_a.mission, closed=True)
    card = CardFactory(workshop=workshop)
    response = client.post(public_url(workshop, card), follow=True)
    assert "L&#x27;atelier est clôturé : les votes ne sont plus acceptés." in response.content.decode()
    assert not CardVote.objects.exists()


def test_cards_are_refused_from_participants_after_the_writing_phase(client, tenant_a):
    workshop = WorkshopFactory(mission=tenant_a.mission, voting=True)
    response = client.post(public_url(workshop), {"text": "Trop tard"}, follow=True)
    assert "L&#x27;écriture des cartes est terminée" in response.content.decode()
    assert not ChallengeCard.objects.exists()


def test_facilitator_types_cards_and_paper_votes_then_selects_the_top(client, tenant_a):
    workshop = WorkshopFactory(mission=tenant_a.mission, top_count=2)
    client.force_login(tenant_a.consultant)
    for text in ("Mobilité douce", "Guichet en ligne", "Éclairage intelligent"):
        client.post(url("card-add", tenant_a, workshop_id=workshop.pk), {"text": text, "theme": "mobility"})
    cards = {c.text: c for c in ChallengeCard.objects.all()}
    action = lambda card, **data: client.post(  # noqa: E731
        url("card-action", tenant_a, workshop_id=workshop.pk, card_id=card.pk), data
    )
    action(cards["Guichet en ligne"], action="paper_votes", paper_votes="7")
    CardVoteFactory(card=cards["Éclairage intelligent"])
    # Selecting before the selection phase is refused.
    response = action(cards["Mobilité douce"], action="select")
    assert not ChallengeCard.objects.filter(selected=True).exists()
    client.post(url("workshop-phase", tenant_a, workshop_id=workshop.pk), {"phase": "voting"})
    client.post(url("workshop-phase", tenant_a, workshop_id=workshop.pk), {"phase": "selection"})
    client.post(url("workshop-select-top", tenant_a, workshop_id=workshop.pk))
    top = list(ChallengeCard.objects.selected().values_list("text", "rank"))
    assert top == [("Guichet en ligne", 1), ("Éclairage intelligent", 2)]
    # The group may not keep more than top_count challenges.
    response = action(cards["Mobilité douce"], action="select")
    assert response.status_code == 302
    assert ChallengeCard.objects.filter(selected=True).count() == 2
    action(cards["Guichet en ligne"], action="unselect")
    action(cards["Mobilité douce"], action="select")
    assert list(ChallengeCard.objects.selected().values_list("text", "rank")) == [
        ("Éclairage intelligent", 1),
        ("Mobilité douce", 2),
    ]


def test_brainstorm_has_no_vote_phase(client, tenant_a):
    workshop = WorkshopFactory(mission=tenant_a.mission, method="brainstorm")
    assert workshop.next_phase == "selection"
    client.force_login(tenant_a.consultant)
    client.post(url("workshop-phase", tenant_a, workshop_id=workshop.pk), {"phase": "voting"})
    workshop.refresh_from_db()
    assert workshop.phase == "writing"


def test_detail_query_count_is_constant(client, tenant_a, django_assert_max_num_queries):
    workshop = WorkshopFactory(mission=tenant_a.mission, voting=True)
    for _ in range(20):
        CardVoteFactory(card=CardFactory(workshop=workshop))
    client.force_login(tenant_a.consultant)
    with django_assert_max_num_queries(10):
        assert client.get(url("workshop-detail", tenant_a, workshop_id=workshop.pk)).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(url("workshops", tenant_a)).status_code == 200


@pytest.mark.parametrize("role", [Role.STAFF, Role.COLLEGE])
def test_members_read_workshops_but_only_consultants_run_them(client, tenant_a, role):
    workshop = WorkshopFactory(mission=tenant_a.mission)
    card = CardFactory(workshop=workshop)
    client.force_login(tenant_a.user(role))
    assert client.get(url("workshop-detail", tenant_a, workshop_id=workshop.pk)).status_code == 200
    assert client.get(url("workshop-edit", tenant_a, workshop_id=workshop.pk)).status_code == 403
    assert (
        client.post(url("workshop-phase", tenant_a, workshop_id=workshop.pk), {"phase": "voting"}).status_code == 403
    )
    assert client.post(url("card-add", tenant_a, workshop_id=workshop.pk), {"text": "x"}).status_code == 403
    assert (
        client.post(
            url("card-action", tenant_a, workshop_id=workshop.pk, card_id=card.pk), {"action": "delete"}
        ).status_code
        == 403
    )


def test_other_commune_gets_404(client, tenant_a, tenant_b):
    workshop = WorkshopFactory(mission=tenant_a.mission)
    client.force_login(tenant_b.consultant)
    assert client.get(url("workshop-detail", tenant_a, workshop_id=workshop.pk)).status_code == 404
    assert client.get(url("workshop-detail", tenant_b, workshop_id=workshop.pk)).status_code == 404


def test_a_card_of_another_workshop_cannot_be_voted_through_this_link(client, tenant_a):
    workshop = WorkshopFactory(mission=tenant_a.mission, voting=True)
    other = CardFactory(workshop=WorkshopFactory(mission=tenant_a.mission, voting=True))
    assert client.post(public_url(workshop, other)).status_code == 404
    assert not CardVote.objects.exists()


# --- Stuffing: fresh sessions, the participants' ceiling, the facilitator's removals -------------


def fresh_browser():
    from django.test import Client

    return Client()


def test_fresh_sessions_cannot_stuff_a_card_beyond_the_announced_participants(client, tenant_a):
    workshop = WorkshopFactory(mission=tenant_a.mission, voting=True, participant_count=5)
    card = CardFactory(workshop=workshop)
    responses = [fresh_browser().post(public_url(workshop, card), follow=True) for _ in range(25)]
    assert CardVote.objects.filter(card=card).count() == 5
    assert "Cet atelier a déjà ses 5 participants en ligne" in responses[-1].content.decode()
    # The ceiling holds on every card, not only the stuffed one.
    other = CardFactory(workshop=workshop)
    fresh_browser().post(public_url(workshop, other))
    assert not CardVote.objects.filter(card=other).exists()


def test_a_participant_already_in_keeps_voting_when_the_workshop_is_full(client, tenant_a):
    workshop = WorkshopFactory(mission=tenant_a.mission, voting=True, participant_count=1, votes_per_participant=2)
    cards = [CardFactory(workshop=workshop) for _ in range(2)]
    client.post(public_url(workshop, cards[0]))
    assert fresh_browser().post(public_url(workshop, cards[0])).status_code == 302
    client.post(public_url(workshop, cards[1]))
    assert list(CardVote.objects.values_list("card_id", flat=True).order_by("card_id")) == [c.pk for c in cards]


def test_writing_a_card_takes_a_place_among_the_participants(client, tenant_a):
    workshop = WorkshopFactory(mission=tenant_a.mission, participant_count=2)
    for n in range(3):
        fresh_browser().post(public_url(workshop), {"text": f"Défi numéro {n}"})
    assert ChallengeCard.objects.count() == 2
    client.post(public_url(workshop), {"text": "Encore un"})
    client.post(public_url(workshop), {"text": "Et un autre"})  # refused: the workshop is full
    assert ChallengeCard.objects.count() == 2


def test_without_announced_count_thirty_browsers_take_part_at_most(tenant_a):
    workshop = WorkshopFactory(mission=tenant_a.mission, voting=True)
    assert workshop.participant_count is None and workshop.online_participants_max == 30


def test_facilitator_sees_participants_and_removes_the_votes_of_one(client, tenant_a, caplog):
    workshop = WorkshopFactory(mission=tenant_a.mission, voting=True, votes_per_participant=2)
    cards = [CardFactory(workshop=workshop) for _ in range(2)]
    stuffer, honest = fresh_browser(), fresh_browser()
    stuffer.post(public_url(workshop, cards[0]))
    stuffer.post(public_url(workshop, cards[1]))
    honest.post(public_url(workshop, cards[1]))
    client.force_login(tenant_a.consultant)
    page = client.get(url("workshop-detail", tenant_a, workshop_id=workshop.pk)).content.decode()
    assert "Participant n° 1" in page and "Participant n° 2" in page
    assert "2 participants sur 30 au plus." in page and "Chacun a 2 votes." in page
    key = CardVote.objects.filter(card=cards[0]).get().participant
    response = client.post(url("votes-delete", tenant_a, workshop_id=workshop.pk), {"participant": key}, follow=True)
    assert "2 votes en ligne sont retirés." in response.content.decode()
    assert list(CardVote.objects.values_list("card_id", flat=True)) == [cards[1].pk]
    assert f"workshop_votes_deleted workshop={workshop.pk}" in caplog.text
    assert f"by={tenant_a.consultant.pk}" in caplog.text


def test_facilitator_removes_the_online_votes_of_a_card_and_the_top_follows(client, tenant_a):
    workshop = WorkshopFactory(mission=tenant_a.mission, selecting=True, top_count=1)
    stuffed, fair = CardFactory(workshop=workshop), CardFactory(workshop=workshop, paper_votes=2)
    for _ in range(3):
        CardVoteFactory(card=stuffed)
    client.force_login(tenant_a.consultant)
    client.post(url("workshop-select-top", tenant_a, workshop_id=workshop.pk))
    assert list(ChallengeCard.objects.selected()) == [stuffed]
    client.post(url("votes-delete", tenant_a, workshop_id=workshop.pk), {"card": stuffed.pk})
    assert not CardVote.objects.exists()
    fair.refresh_from_db()
    assert fair.paper_votes == 2  # paper votes are the facilitator's own count: they stay
    client.post(url("workshop-select-top", tenant_a, workshop_id=workshop.pk))
    assert list(ChallengeCard.objects.selected()) == [fair]


def test_facilitator_deletes_a_card_with_its_votes_and_it_is_logged(client, tenant_a, caplog):
    workshop = WorkshopFactory(mission=tenant_a.mission, voting=True)
    card = CardFactory(workshop=workshop)
    CardVoteFactory(card=card)
    client.force_login(tenant_a.consultant)
    response = client.post(
        url("card-action", tenant_a, workshop_id=workshop.pk, card_id=card.pk), {"action": "delete"}, follow=True
    )
    assert "La carte et ses votes sont supprimés." in response.content.decode()
    assert not ChallengeCard.objects.exists() and not CardVote.objects.exists()
    assert f"workshop_card_deleted workshop={workshop.pk} card={card.pk} votes=1 by={tenant_a.consultant.pk}" in (
        caplog.text
    )


def test_vote_removal_is_refused_once_closed_and_needs_a_target(client, tenant_a):
    workshop = WorkshopFactory(mission=tenant_a.mission, voting=True)
    vote = CardVoteFactory(card=CardFactory(workshop=workshop))
    client.force_login(tenant_a.consultant)
    response = client.post(url("votes-delete", tenant_a, workshop_id=workshop.pk), {}, follow=True)
    assert "Choisissez le participant ou la carte" in response.content.decode()
    workshop.phase = Workshop.Phase.CLOSED
    workshop.save()
    response = client.post(
        url("votes-delete", tenant_a, workshop_id=workshop.pk), {"participant": vote.participant}, follow=True
    )
    assert "L&#x27;atelier est clôturé : les votes ne changent plus." in response.content.decode()
    assert CardVote.objects.count() == 1
    assert client.post(url("votes-delete", tenant_a, workshop_id=workshop.pk), {"card": "abc"}).status_code == 404


@pytest.mark.parametrize("role", [Role.STAFF, Role.COLLEGE])
def test_only_the_consultant_removes_votes(client, tenant_a, role):
    workshop = WorkshopFactory(mission=tenant_a.mission, voting=True)
    vote = CardVoteFactory(card=CardFactory(workshop=workshop))
    client.force_login(tenant_a.user(role))
    page = client.get(url("workshop-detail", tenant_a, workshop_id=workshop.pk)).content.decode()
    assert "Retirer ses votes" not in page and vote.participant not in page
    response = client.post(url("votes-delete", tenant_a, workshop_id=workshop.pk), {"participant": vote.participant})
    assert response.status_code == 403
    assert CardVote.objects.count() == 1


def test_other_commune_cannot_remove_votes(client, tenant_a, tenant_b):
    workshop = WorkshopFactory(mission=tenant_a.mission, voting=True)
    vote = CardVoteFactory(card=CardFactory(workshop=workshop))
    client.force_login(tenant_b.consultant)
    for mission in (tenant_a.mission, tenant_b.mission):
        response = client.post(
            reverse("diagnostics:votes-delete", kwargs={"mission_id": mission.pk, "workshop_id": workshop.pk}),
            {"participant": vote.participant},
        )
        assert response.status_code == 404
    assert CardVote.objects.count() == 1
