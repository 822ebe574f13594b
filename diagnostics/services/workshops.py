"""Writes of the ideation workshops. Refusals raise ``ValidationError`` with a French message.

The facilitator's writes take ``by`` (the author kept in the history of workshops and cards); a participant's
(a card, a vote through the public link) take the participant's token instead.
"""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from diagnostics.forms.workshops import WorkshopForm
from diagnostics.models import CardVote, ChallengeCard, Workshop
from diagnostics.services.findings import citation_refusal

logger = logging.getLogger(__name__)

WORKSHOP_FIELDS = tuple(WorkshopForm.Meta.fields)


def workshop_create(*, mission, by, **fields) -> Workshop:
    workshop = Workshop(mission=mission, **fields)
    workshop._history_user = by
    workshop.save()
    logger.info("workshop_created workshop=%s mission=%s by=%s", workshop.pk, mission.pk, by.pk)
    return workshop


def workshop_update(*, workshop: Workshop, by, **fields) -> Workshop:
    for name, value in fields.items():
        setattr(workshop, name, value)
    if workshop.phase not in workshop.phases:  # a card workshop turned brainstorm while voting
        workshop.phase = Workshop.Phase.SELECTION
        fields = {**fields, "phase": workshop.phase}
    workshop._history_user = by
    workshop.save(update_fields=[*fields, "updated_at"])
    logger.info("workshop_updated workshop=%s by=%s", workshop.pk, by.pk)
    return workshop


def workshop_set_phase(*, workshop: Workshop, phase: str, by) -> Workshop:
    if phase not in workshop.phases:
        raise ValidationError(_("Cette phase n'existe pas pour cette méthode."))
    workshop.phase = phase
    workshop._history_user = by
    workshop.save(update_fields=["phase", "updated_at"])
    logger.info("workshop_phase_set workshop=%s phase=%s by=%s", workshop.pk, phase, by.pk)
    return workshop


def _lock(workshop: Workshop) -> Workshop:
    """Re-read the workshop's phase under a row lock: votes and phase changes do not cross."""
    return Workshop.objects.select_for_update().get(pk=workshop.pk)


def _admit(workshop: Workshop, participant: str) -> None:
    """Let a browser take part unless the workshop already has all its announced participants.

    Called under the workshop's row lock, so two new browsers cannot both take the last place.
    """
    votes = CardVote.objects.filter(card__workshop=workshop)
    cards = ChallengeCard.objects.filter(workshop=workshop).exclude(participant="")
    if votes.filter(participant=participant).exists() or cards.filter(participant=participant).exists():
        return
    known = votes.order_by().values_list("participant").union(cards.order_by().values_list("participant")).count()
    if known >= workshop.online_participants_max:
        logger.warning("workshop_participants_full workshop=%s max=%s", workshop.pk, workshop.online_participants_max)
        raise ValidationError(
            _(
                "Cet atelier a déjà ses %(n)s participants en ligne : demandez à l'animateur d'augmenter "
                "le nombre de participants."
            )
            % {"n": workshop.online_participants_max}
        )


@transaction.atomic
def card_add(
    *, workshop: Workshop, text: str, theme: str = "", author: str = "", participant: str = "", by=None
) -> ChallengeCard:
    """A participant (``participant``, their token) adds a card while the workshop is in its writing phase;
    the facilitator (``by``) until it is closed."""
    if (by is None) == (not participant):
        raise TypeError("card_add takes either the facilitator (by) or the participant's token")
    current = _lock(workshop)
    if current.phase == Workshop.Phase.CLOSED:
        raise ValidationError(_("L'atelier est clôturé : on ne peut plus ajouter de carte."))
    if participant and not current.accepts_cards:
        raise ValidationError(_("L'écriture des cartes est terminée : place au vote et à la sélection."))
    if participant:
        _admit(current, participant)
    card = ChallengeCard(workshop=current, text=text, theme=theme, author=author, participant=participant)
    card._history_user = by
    card.save()
    logger.info(
        "workshop_card_added workshop=%s card=%s participant=%s by=%s",
        current.pk,
        card.pk,
        participant[:8] or "-",
        by.pk if by is not None else "-",
    )
    return card


@transaction.atomic
def card_delete(*, card: ChallengeCard, by) -> None:
    """The facilitator removes a card and its votes (a duplicate, a joke, a stuffed card)."""
    workshop = _lock(card.workshop)
    if workshop.phase == Workshop.Phase.CLOSED:
        raise ValidationError(_("L'atelier est clôturé : ses cartes ne changent plus."))
    refusal = citation_refusal(card.finding_sources.all(), card)
    if refusal:
        raise ValidationError(refusal)
    card_id, votes = card.pk, card.votes.count()
    card._history_user = by
    card.delete()
    _rerank(workshop, by=by)
    logger.info("workshop_card_deleted workshop=%s card=%s votes=%s by=%s", workshop.pk, card_id, votes, by.pk)


@transaction.atomic
def vote_delete(*, workshop: Workshop, by, participant: str = "", card: ChallengeCard | None = None) -> int:
    """The facilitator removes the online votes of one participant, or those on one card. Returns how many."""
    workshop = _lock(workshop)
    if workshop.phase == Workshop.Phase.CLOSED:
        raise ValidationError(_("L'atelier est clôturé : les votes ne changent plus."))
    if not participant and card is None:
        raise ValidationError(_("Choisissez le participant ou la carte dont les votes sont à retirer."))
    votes = CardVote.objects.filter(card__workshop=workshop)
    if participant:
        votes = votes.filter(participant=participant)
    if card is not None:
        votes = votes.filter(card=card)
    count, _deleted = votes.delete()
    logger.info(
        "workshop_votes_deleted workshop=%s participant=%s card=%s count=%s by=%s",
        workshop.pk,
        participant[:8] or "-",
        card.pk if card is not None else "-",
        count,
        by.pk,
    )
    return count


@transaction.atomic
def card_vote(*, card: ChallengeCard, participant: str) -> bool:
    """Toggle a participant's vote on a card. Returns True when the vote is now cast."""
    workshop = _lock(card.workshop)
    if workshop.phase == Workshop.Phase.CLOSED:
        raise ValidationError(_("L'atelier est clôturé : les votes ne sont plus acceptés."))
    if not workshop.accepts_votes:
        raise ValidationError(_("Le vote n'est pas ouvert en ce moment."))
    existing = CardVote.objects.filter(card=card, participant=participant)
    if existing.exists():
        existing.delete()
        return False
    used = CardVote.objects.filter(card__workshop=workshop, participant=participant).count()
    if used >= workshop.votes_per_participant:
        raise ValidationError(
            _("Vous avez déjà utilisé vos %(n)s votes : retirez-en un pour voter pour cette carte.")
            % {"n": workshop.votes_per_participant}
        )
    _admit(workshop, participant)
    CardVote.objects.create(card=card, participant=participant)
    return True


@transaction.atomic
def card_set_paper_votes(*, card: ChallengeCard, votes: int, by) -> None:
    """The facilitator types the votes counted on the paper cards."""
    if _lock(card.workshop).phase == Workshop.Phase.CLOSED:
        raise ValidationError(_("L'atelier est clôturé : les votes ne sont plus acceptés."))
    card.paper_votes = votes
    card._history_user = by
    card.save(update_fields=["paper_votes", "updated_at"])
    logger.info("workshop_card_paper_votes card=%s votes=%s by=%s", card.pk, votes, by.pk)


def _check_selectable(workshop):
    if workshop.phase == Workshop.Phase.CLOSED:
        raise ValidationError(_("L'atelier est clôturé : la sélection est définitive."))
    if workshop.phase != Workshop.Phase.SELECTION:
        raise ValidationError(_("Passez l'atelier en phase « Sélection des défis » pour retenir des défis."))


@transaction.atomic
def card_select(*, card: ChallengeCard, by) -> None:
    workshop = _lock(card.workshop)
    _check_selectable(workshop)
    if card.selected:
        return
    selected = ChallengeCard.objects.filter(workshop=workshop, selected=True)
    if selected.count() >= workshop.top_count:
        raise ValidationError(
            _("Le groupe retient %(n)s défis au plus : retirez-en un d'abord.") % {"n": workshop.top_count}
        )
    card.selected = True
    card.rank = (selected.aggregate(m=Max("rank"))["m"] or 0) + 1
    card._history_user = by
    card.save(update_fields=["selected", "rank", "updated_at"])
    logger.info("workshop_card_selected card=%s rank=%s by=%s", card.pk, card.rank, by.pk)


@transaction.atomic
def card_unselect(*, card: ChallengeCard, by) -> None:
    workshop = _lock(card.workshop)
    _check_selectable(workshop)
    card.selected, card.rank = False, None
    card._history_user = by
    card.save(update_fields=["selected", "rank", "updated_at"])
    _rerank(workshop, by=by)
    logger.info("workshop_card_unselected card=%s by=%s", card.pk, by.pk)


@transaction.atomic
def workshop_select_top(*, workshop: Workshop, by) -> list[ChallengeCard]:
    """Keep the ``top_count`` most voted cards (ties: the earliest card first)."""
    workshop = _lock(workshop)
    _check_selectable(workshop)
    cards = list(ChallengeCard.objects.filter(workshop=workshop).with_votes())
    before = {card.pk: (card.selected, card.rank) for card in cards}
    ChallengeCard.objects.filter(workshop=workshop).update(selected=False, rank=None)
    for card in cards:
        card.selected, card.rank = False, None
    top = cards[: workshop.top_count]
    for rank, card in enumerate(top, start=1):
        card.selected, card.rank = True, rank
    ChallengeCard.objects.bulk_update(top, ["selected", "rank"])
    _history(cards, before, by)
    logger.info("workshop_top_selected workshop=%s count=%s by=%s", workshop.pk, len(top), by.pk)
    return top


def _history(cards, before, by) -> None:
    """Bulk updates bypass django-simple-history: record the cards whose selection changed, with their author."""
    changed = [card for card in cards if (card.selected, card.rank) != before[card.pk]]
    if changed:
        ChallengeCard.history.bulk_history_create(changed, update=True, default_user=by)


def _rerank(workshop, *, by):
    """Ranks stay 1..n without holes after a card leaves the selection."""
    cards = list(ChallengeCard.objects.filter(workshop=workshop, selected=True).order_by("rank"))
    before = {card.pk: (card.selected, card.rank) for card in cards}
    ChallengeCard.objects.filter(pk__in=[c.pk for c in cards]).update(rank=None, selected=False)
    for rank, card in enumerate(cards, start=1):
        card.rank = rank
        card.selected = True
    ChallengeCard.objects.bulk_update(cards, ["rank", "selected"])
    _history(cards, before, by)
