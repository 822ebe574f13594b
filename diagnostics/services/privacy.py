"""A respondent's personal data on request (GDPR): find them, export what they gave, erase it.

What identifies a respondent: the invitation's e-mail and name, the link to their account (members answering
logged in), their personal links (tokens), and what they wrote in free text. Erasing removes exactly that and
keeps the rest, emptied of the person:

* the invitation stays, with a placeholder e-mail, no name and a dead link: the campaign still counts one
  invited person, so the response rate does not move;
* the response stays, without account or link, with its submission date and its service (a department,
  which the results show only for groups large enough in anonymous campaigns);
* answers to choices, scales, numbers, rankings and matrices stay: every figure of the results page (answered,
  distributions, averages, maturity scores) is unchanged. Free-text answers (and « autre, précisez » texts) are
  emptied: the answer still counts as given, its words are gone from the results and the exports.

A workshop participant is known by the name written on their cards (``author``) or in the workshop's list of
participants. Erasing takes that name out of both, history included; the cards (the commune's challenges), their
votes and the selection stay, so the workshop's results do not move.

An :class:`~diagnostics.models.Erasure` row records who erased and when, without any of the erased data.
"""

import logging
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from diagnostics.models import TEXT_TYPES, Answer, Campaign, ChallengeCard, Erasure, Invitation, Response, Workshop
from diagnostics.models.campaigns import new_token
from diagnostics.services.results import result_tally_rebuild

logger = logging.getLogger(__name__)

ERASED_EMAIL = "effacee-{pk}@invalid.invalid"


@dataclass
class Respondent:
    """One person's trace in one campaign: their invitation, their response, or both."""

    campaign: Campaign
    invitation: Invitation | None = None
    response: Response | None = None

    @property
    def erased(self) -> bool:
        return self.invitation is not None and self.invitation.email == ERASED_EMAIL.format(pk=self.invitation.pk)


def respondent_of(*, invitation: Invitation | None = None, response: Response | None = None) -> Respondent:
    if invitation is not None and response is None:
        response = Response.objects.filter(invitation=invitation).first()
    if response is not None and invitation is None:
        invitation = response.invitation
    campaign = (invitation or response).campaign
    return Respondent(campaign=campaign, invitation=invitation, response=response)


def respondent_find(*, mission, query: str) -> list[Respondent]:
    """The respondents of the mission's campaigns matching an e-mail (invitation or member's account) or a
    response number."""
    query = query.strip()
    if not query:
        return []
    if query.lstrip("#").isdigit():
        responses = Response.objects.filter(campaign__mission=mission, pk=int(query.lstrip("#")))
        invitations = Invitation.objects.none()
    else:
        responses = Response.objects.filter(campaign__mission=mission, user__email__iexact=query)
        invitations = Invitation.objects.filter(campaign__mission=mission, email__iexact=query)
    found = {}
    for invitation in invitations.select_related("campaign__questionnaire"):
        found[("i", invitation.pk)] = Respondent(campaign=invitation.campaign, invitation=invitation)
    for response in responses.select_related("campaign__questionnaire", "invitation"):
        if response.invitation_id and ("i", response.invitation_id) in found:
            found[("i", response.invitation_id)].response = response
        else:
            found[("r", response.pk)] = Respondent(
                campaign=response.campaign, invitation=response.invitation, response=response
            )
    for respondent in found.values():
        if respondent.invitation is not None and respondent.response is None:
            respondent.response = Response.objects.filter(invitation=respondent.invitation).first()
    return sorted(found.values(), key=lambda r: (r.campaign.opens_at, r.campaign.pk))


def respondent_export(*, respondent: Respondent) -> dict:
    """Everything the platform holds about the respondent in this campaign, as plain data (JSON-ready)."""
    campaign, invitation, response = respondent.campaign, respondent.invitation, respondent.response
    data = {
        "commune": campaign.mission.commune.name,
        "mission": campaign.mission.title,
        "campagne": campaign.title,
        "questionnaire": campaign.questionnaire.title,
        "public": campaign.get_audience_display(),
        "anonyme": campaign.anonymous,
        "exporte_le": timezone.now(),
        "invitation": None,
        "reponse": None,
        "reponses_aux_questions": [],
    }
    if invitation is not None:
        data["invitation"] = {
            "e_mail": invitation.email,
            "nom": invitation.name,
            "service": invitation.service,
            "envoyee_le": invitation.sent_at,
            "relancee_le": invitation.reminded_at,
        }
    if response is not None:
        data["reponse"] = {
            "numero": response.pk,
            "compte": response.user.get_username() if response.user_id else None,
            "service": response.service,
            "commencee_le": response.started_at,
            "derniere_activite": response.last_activity_at,
            "envoyee_le": response.submitted_at,
        }
        answers = (
            Answer.objects.filter(response=response)
            .select_related("question__section", "choice")
            .prefetch_related("items__choice")
            .order_by("question__section__position", "question__position", "pk")
        )
        data["reponses_aux_questions"] = [
            {
                "section": answer.question.section.title,
                "question": answer.question.text,
                "valeur": answer.value,
                "choix": answer.choice.label if answer.choice_id else None,
                "options": [item.choice.label for item in answer.items.all() if item.choice_id],
                "texte": answer.text,
                "modifiee_le": answer.updated_at,
            }
            for answer in answers
        ]
    return data


def respondent_erase(*, respondent: Respondent, by) -> Erasure:
    """Erase what identifies the respondent, keep what the results count (see the module's docstring)."""
    with transaction.atomic():
        texts = 0
        invitation, response = respondent.invitation, respondent.response
        if invitation is not None:
            invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
            invitation.email, invitation.name, invitation.token = (
                ERASED_EMAIL.format(pk=invitation.pk),
                "",
                new_token(),
            )
            invitation.save(update_fields=["email", "name", "token", "updated_at"])
        if response is not None:
            response = Response.objects.select_for_update().get(pk=response.pk)
            response.user, response.token = None, new_token()
            response.save(update_fields=["user", "token"])
            written = (
                Answer.objects.filter(response=response)
                .filter(~Q(text="") | Q(question__type__in=TEXT_TYPES))
                .select_related("question")
            )
            for answer in written:
                if answer.question.type in TEXT_TYPES:
                    answer.value = ""
                elif isinstance(answer.value, dict) and answer.value.get("other"):
                    answer.value = {**answer.value, "other": ""}
                texts += bool(answer.text)
                answer.text = ""
                answer.save(update_fields=["value", "text"])
        # The results read tallies that keep the latest texts of each question: recount the campaign so the
        # erased texts leave them (the counts and scores do not move).
        if response is not None and response.submitted_at is not None:
            result_tally_rebuild(campaign_ids=[respondent.campaign.pk])
        Campaign.objects.filter(pk=respondent.campaign.pk).update(updated_at=timezone.now())
        erasure = Erasure.objects.create(
            mission_id=respondent.campaign.mission_id,
            campaign=respondent.campaign,
            invitation=invitation,
            response=response,
            by=by,
            texts_erased=texts,
        )
    logger.info(
        "respondent_erased campaign=%s invitation=%s response=%s texts=%s by=%s",
        respondent.campaign.pk,
        invitation.pk if invitation else "-",
        response.pk if response else "-",
        texts,
        by.pk,
    )
    return erasure


# --- Workshop participants ------------------------------------------------------------------------------


@dataclass
class WorkshopParticipant:
    """A name in one workshop: on cards, in the list of participants, or both."""

    workshop: Workshop
    name: str
    cards: list
    listed: bool


def _listed(workshop: Workshop, name: str) -> bool:
    return any(line.strip().casefold() == name.casefold() for line in workshop.participants.splitlines())


def workshop_participant_find(*, mission, name: str) -> list[WorkshopParticipant]:
    """The workshops of the mission where ``name`` signed a card or is listed as a participant."""
    name = name.strip()
    if not name or name.lstrip("#").isdigit():
        return []
    found = []
    for workshop in Workshop.objects.filter(mission=mission).order_by("date"):
        cards = [c for c in workshop.cards.all() if c.author.strip().casefold() == name.casefold()]
        listed = _listed(workshop, name)
        if cards or listed:
            found.append(WorkshopParticipant(workshop=workshop, name=name, cards=cards, listed=listed))
    return found


def workshop_participant_of(*, workshop: Workshop, name: str) -> WorkshopParticipant:
    cards = [c for c in workshop.cards.all() if c.author.strip().casefold() == name.strip().casefold()]
    return WorkshopParticipant(workshop=workshop, name=name.strip(), cards=cards, listed=_listed(workshop, name))


def workshop_participant_export(*, participant: WorkshopParticipant) -> dict:
    workshop = participant.workshop
    return {
        "commune": workshop.mission.commune.name,
        "mission": workshop.mission.title,
        "atelier": workshop.title,
        "date": workshop.date,
        "lieu": workshop.location,
        "nom": participant.name,
        "dans_la_liste_des_participants": participant.listed,
        "cartes": [
            {
                "defi": card.text,
                "theme": card.get_theme_display(),
                "ecrite_le": card.created_at,
                "retenue": card.selected,
            }
            for card in participant.cards
        ],
        "exporte_le": timezone.now(),
    }


def workshop_participant_erase(*, participant: WorkshopParticipant, by) -> Erasure:
    """Take the name out of the workshop's cards and list of participants, and out of their history."""
    workshop, name = participant.workshop, participant.name.casefold()
    card_history = ChallengeCard.history.model
    workshop_history = Workshop.history.model
    with transaction.atomic():
        workshop = Workshop.objects.select_for_update().get(pk=workshop.pk)
        pks = [c.pk for c in participant.cards]
        ChallengeCard.objects.filter(pk__in=pks).update(author="")
        card_history.objects.filter(id__in=pks).update(author="")

        def without(text: str) -> str:
            return "\n".join(line for line in text.splitlines() if line.strip().casefold() != name)

        workshop.participants = without(workshop.participants)
        workshop.save(update_fields=["participants", "updated_at"])
        for row in workshop_history.objects.filter(id=workshop.pk).exclude(participants=""):
            if without(row.participants) != row.participants:
                workshop_history.objects.filter(pk=row.pk).update(participants=without(row.participants))
        erasure = Erasure.objects.create(
            mission_id=workshop.mission_id, workshop=workshop, by=by, texts_erased=len(pks) + participant.listed
        )
    logger.info("workshop_participant_erased workshop=%s cards=%s by=%s", workshop.pk, len(pks), by.pk)
    return erasure
