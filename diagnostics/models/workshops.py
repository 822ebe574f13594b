"""Ideation workshops (« ateliers d'idéation »).

The card method of the Walloon « Midi du Smart » sessions: participants write challenge cards,
cards are redistributed and voted on, groups keep their top challenges. The phase says what the
participants' link accepts. A participant is one browser session (``participant`` is a random id
kept in the session), at most ``online_participants_max`` of them per workshop, each with
``votes_per_participant`` votes and one vote per card; votes typed by the facilitator from the paper
cards go to ``paper_votes``.
"""

import secrets

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from territoire.models import SmartTheme, TenantQuerySet, TimeStampedModel

DEFAULT_VOTES_PER_PARTICIPANT = 3
DEFAULT_TOP_COUNT = 5
# How many browsers may take part online when the facilitator did not say how many people come.
DEFAULT_ONLINE_PARTICIPANTS = 30


def new_workshop_token() -> str:
    return secrets.token_urlsafe(24)


class WorkshopQuerySet(TenantQuerySet):
    commune_lookup = "mission__commune"


class Workshop(TimeStampedModel):
    class Method(models.TextChoices):
        CARDS = "cards", _("Méthode des cartes (Midi du Smart)")
        BRAINSTORM = "brainstorm", _("Brainstorming libre")

    class Phase(models.TextChoices):
        WRITING = "writing", _("Écriture des cartes")
        VOTING = "voting", _("Redistribution et vote")
        SELECTION = "selection", _("Sélection des défis")
        CLOSED = "closed", _("Clôturé")

    mission = models.ForeignKey(
        "territoire.Mission", on_delete=models.CASCADE, related_name="workshops", verbose_name=_("mission")
    )
    title = models.CharField(_("intitulé"), max_length=200)
    date = models.DateTimeField(_("date et heure"))
    location = models.CharField(_("lieu"), max_length=200, blank=True)
    method = models.CharField(_("méthode"), max_length=20, choices=Method.choices, default=Method.CARDS)
    phase = models.CharField(_("phase"), max_length=20, choices=Phase.choices, default=Phase.WRITING)
    participant_count = models.PositiveSmallIntegerField(_("nombre de participants"), null=True, blank=True)
    participants = models.TextField(_("participants"), blank=True, help_text=_("Un nom par ligne (facultatif)."))
    votes_per_participant = models.PositiveSmallIntegerField(
        _("votes par participant"), default=DEFAULT_VOTES_PER_PARTICIPANT
    )
    top_count = models.PositiveSmallIntegerField(_("défis retenus"), default=DEFAULT_TOP_COUNT)
    public_token = models.CharField(_("lien des participants"), max_length=64, unique=True, default=new_workshop_token)

    objects = WorkshopQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date"]
        verbose_name = _("atelier d'idéation")
        verbose_name_plural = _("ateliers d'idéation")
        constraints = [
            models.CheckConstraint(condition=Q(method__in=["cards", "brainstorm"]), name="workshop_method_valid"),
            models.CheckConstraint(
                condition=Q(phase__in=["writing", "voting", "selection", "closed"]), name="workshop_phase_valid"
            ),
            models.CheckConstraint(
                condition=Q(votes_per_participant__gte=1, votes_per_participant__lte=20), name="workshop_votes_range"
            ),
            models.CheckConstraint(condition=Q(top_count__gte=1, top_count__lte=20), name="workshop_top_range"),
        ]

    def __str__(self):
        return self.title

    @property
    def phases(self) -> list[str]:
        """The phases this workshop goes through: a brainstorm has no vote."""
        if self.method == self.Method.BRAINSTORM:
            return [self.Phase.WRITING, self.Phase.SELECTION, self.Phase.CLOSED]
        return list(self.Phase.values)

    @property
    def next_phase(self) -> str | None:
        phases = self.phases
        index = phases.index(self.phase) if self.phase in phases else 0
        return phases[index + 1] if index + 1 < len(phases) else None

    @property
    def accepts_cards(self) -> bool:
        return self.phase == self.Phase.WRITING

    @property
    def accepts_votes(self) -> bool:
        return self.phase == self.Phase.VOTING

    @property
    def online_participants_max(self) -> int:
        """How many browsers may write or vote through the link: the announced number of participants.

        A participant is a browser session, and a new private window is a new session: without this
        ceiling, one person opening 25 windows would put 25 votes on their card.
        """
        return self.participant_count or DEFAULT_ONLINE_PARTICIPANTS

    @property
    def participant_names(self) -> list[str]:
        return [line.strip() for line in self.participants.splitlines() if line.strip()]


class ChallengeCardQuerySet(TenantQuerySet):
    commune_lookup = "workshop__mission__commune"

    def with_votes(self):
        return self.annotate(vote_count=models.Count("votes", distinct=True) + models.F("paper_votes")).order_by(
            "-vote_count", "pk"
        )

    def selected(self):
        return self.filter(selected=True).order_by("rank")


class ChallengeCard(TimeStampedModel):
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="cards", verbose_name=_("atelier"))
    text = models.CharField(_("défi"), max_length=500)
    theme = models.CharField(_("thème"), max_length=20, choices=SmartTheme.choices, blank=True)
    author = models.CharField(_("auteur (facultatif)"), max_length=120, blank=True)
    participant = models.CharField(max_length=64, blank=True, editable=False)
    paper_votes = models.PositiveSmallIntegerField(_("votes sur papier"), default=0)
    selected = models.BooleanField(_("retenu"), default=False)
    rank = models.PositiveSmallIntegerField(_("rang"), null=True, blank=True)

    objects = ChallengeCardQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("carte défi")
        verbose_name_plural = _("cartes défis")
        constraints = [
            models.CheckConstraint(
                condition=Q(selected=True, rank__isnull=False) | Q(selected=False, rank__isnull=True),
                name="challengecard_rank_iff_selected",
            ),
            models.UniqueConstraint(
                fields=["workshop", "rank"], condition=Q(rank__isnull=False), name="challengecard_rank_unique"
            ),
        ]

    def __str__(self):
        return self.text


class CardVoteQuerySet(TenantQuerySet):
    commune_lookup = "card__workshop__mission__commune"


class CardVote(models.Model):
    card = models.ForeignKey(ChallengeCard, on_delete=models.CASCADE, related_name="votes")
    participant = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CardVoteQuerySet.as_manager()

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.UniqueConstraint(fields=["card", "participant"], name="cardvote_one_per_participant_and_card"),
        ]

    def __str__(self):
        return f"{self.participant} → {self.card_id}"
