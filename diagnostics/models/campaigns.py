"""Campaigns send a questionnaire to one audience; responses and their answers.

Answers are stored so that results aggregate in the database: ``value`` keeps the canonical JSON
of the answer (what the respondent gave, used for exports and to refill the form), and the typed
columns repeat what aggregates need: ``number`` for scales and numbers, ``choice`` for a single
choice, ``score`` (0–100) for questions counting toward maturity. Multiple choices, rankings and
matrix cells are one :class:`AnswerItem` row each.

Anonymous campaigns still link a response to its invitation (to send reminders and count who
finished), but results and exports never show who answered.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from diagnostics.models.questionnaires import Choice, Question, Questionnaire
from territoire.models import TenantQuerySet, TimeStampedModel


def new_token() -> str:
    return secrets.token_urlsafe(32)


class Audience(models.TextChoices):
    COLLEGE = "college", _("Collège communal")
    STAFF = "staff", _("Personnel administratif")
    COMMISSIONS = "commissions", _("Commissions consultatives")
    CITIZENS = "citizens", _("Citoyens")
    OTHER = "other", _("Autre")


class CampaignQuerySet(TenantQuerySet):
    commune_lookup = "mission__commune"


class Campaign(TimeStampedModel):
    class Status(models.TextChoices):
        UPCOMING = "upcoming", _("À venir")
        OPEN = "open", _("Ouverte")
        CLOSED = "closed", _("Clôturée")

    mission = models.ForeignKey(
        "territoire.Mission", on_delete=models.CASCADE, related_name="campaigns", verbose_name=_("mission")
    )
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="campaigns", verbose_name=_("questionnaire")
    )
    title = models.CharField(_("intitulé"), max_length=200)
    audience = models.CharField(_("public"), max_length=20, choices=Audience.choices)
    opens_at = models.DateTimeField(_("ouverture"), default=timezone.now)
    closes_at = models.DateTimeField(_("clôture"))
    anonymous = models.BooleanField(
        _("réponses anonymes"), default=True, help_text=_("Les résultats et exports ne montrent pas qui a répondu.")
    )
    intro = models.TextField(_("texte d'introduction"), blank=True)
    public_token = models.CharField(_("lien public"), max_length=64, unique=True, null=True, blank=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["-opens_at"]
        verbose_name = _("campagne")
        verbose_name_plural = _("campagnes")
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=models.F("opens_at")), name="campaign_closes_after_open"),
            models.CheckConstraint(condition=Q(audience__in=Audience.values), name="campaign_audience_valid"),
        ]

    def __str__(self):
        return self.title

    def status(self, now=None) -> str:
        now = now or timezone.now()
        if now < self.opens_at:
            return self.Status.UPCOMING
        if now >= self.closes_at:
            return self.Status.CLOSED
        return self.Status.OPEN

    def get_status_display(self) -> str:
        return self.Status(self.status()).label

    @property
    def is_open(self) -> bool:
        return self.status() == self.Status.OPEN


class InvitationQuerySet(TenantQuerySet):
    commune_lookup = "campaign__mission__commune"


class Invitation(TimeStampedModel):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail"))
    name = models.CharField(_("nom"), max_length=200, blank=True)
    service = models.CharField(_("service"), max_length=120, blank=True)
    token = models.CharField(max_length=64, unique=True, default=new_token)
    sent_at = models.DateTimeField(_("envoyée le"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("relancée le"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["campaign", "email"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [models.UniqueConstraint(fields=["campaign", "email"], name="invitation_one_per_email")]

    def __str__(self):
        return self.email


class ResponseQuerySet(TenantQuerySet):
    commune_lookup = "campaign__mission__commune"

    def submitted(self):
        return self.filter(submitted_at__isnull=False)


class Response(models.Model):
    """One respondent's answers to one campaign.

    ``token`` is the respondent's resume link (``/r/<token>/``): it works on any device. A public
    response is also remembered in the browser session that started it.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="responses")
    invitation = models.OneToOneField(
        Invitation, on_delete=models.SET_NULL, null=True, blank=True, related_name="response"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    token = models.CharField(max_length=64, unique=True, default=new_token)
    service = models.CharField(_("service"), max_length=120, blank=True)
    started_at = models.DateTimeField(_("commencée le"), default=timezone.now)
    last_activity_at = models.DateTimeField(_("dernière activité"), default=timezone.now)
    submitted_at = models.DateTimeField(_("envoyée le"), null=True, blank=True)
    last_section = models.PositiveIntegerField(_("dernière section vue"), default=1)

    objects = ResponseQuerySet.as_manager()

    class Meta:
        ordering = ["campaign", "started_at"]
        verbose_name = _("réponse")
        verbose_name_plural = _("réponses")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "user"], condition=Q(user__isnull=False), name="response_one_per_user"
            ),
        ]
        indexes = [models.Index(fields=["campaign", "submitted_at"])]

    def __str__(self):
        return f"{self.campaign} #{self.pk}"


class AnswerQuerySet(TenantQuerySet):
    commune_lookup = "response__campaign__mission__commune"


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    value = models.JSONField()
    number = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    choice = models.ForeignKey(Choice, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    text = models.TextField(blank=True)
    score = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = AnswerQuerySet.as_manager()

    class Meta:
        verbose_name = _("réponse à une question")
        verbose_name_plural = _("réponses aux questions")
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="answer_one_per_question"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=100), name="answer_score_0_100"
            ),
        ]
        indexes = [models.Index(fields=["question", "number"])]

    def __str__(self):
        return f"{self.response_id}/{self.question_id}"


class AnswerItem(models.Model):
    """A chosen option (multiple choice), a ranked option (``rank``) or a matrix cell (``row``, ``rank`` = point)."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="items")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    choice = models.ForeignKey(Choice, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    row = models.PositiveSmallIntegerField(null=True, blank=True)
    rank = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["question", "choice"])]

    def __str__(self):
        return f"{self.answer_id}:{self.choice_id or self.row}"


class ResultTally(models.Model):
    """What the results page reads of one campaign's submitted responses from one service: their answers
    counted, never scanned again (``diagnostics.services.results``).

    Kept up to date in the transaction that submits a response (its answers added under the campaign's
    row lock) and rebuilt from the answers by ``manage.py results_rebuild``, the ``diagnostics.results_refresh``
    task and whatever rewrites submitted answers in bulk (rescoring, demo data). Deleting a campaign deletes
    its tallies; submitted responses are never deleted one by one (nor reopened).

    ``answers``: ``[question, number, choice, n, score sum, scores]`` per distinct scalar answer;
    ``items``: ``[question, choice, row, rank, n]`` per distinct item (options, ranks, matrix cells);
    ``texts``: ``[question, updated_at, answer, text]``, the latest texts of each question.
    Numbers and score sums are strings (exact decimals).
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    service = models.CharField(max_length=120, blank=True)
    responses = models.PositiveIntegerField(default=0)
    answers = models.JSONField(default=list)
    items = models.JSONField(default=list)
    texts = models.JSONField(default=list)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "service"], name="result_tally_one_per_service")]

    def __str__(self):
        return f"{self.campaign_id}/{self.service}"


class ErasureQuerySet(TenantQuerySet):
    commune_lookup = "mission__commune"


class Erasure(models.Model):
    """A person's data erased on request (GDPR): who did it, when and where, never what was erased.

    A respondent of a campaign (``campaign``): the invitation and the response stay, emptied of what identifies
    the person, so that the campaign's figures (invited, answered, distributions, scores) do not move. A participant
    of a workshop (``workshop``): their name leaves the cards and the list of participants; cards and votes stay.
    See ``diagnostics.services.privacy``.
    """

    mission = models.ForeignKey("territoire.Mission", on_delete=models.CASCADE, related_name="erasures")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, null=True, blank=True, related_name="erasures")
    workshop = models.ForeignKey(
        "diagnostics.Workshop", on_delete=models.CASCADE, null=True, blank=True, related_name="erasures"
    )
    invitation = models.ForeignKey(Invitation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    response = models.ForeignKey(Response, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("par")
    )
    erased_at = models.DateTimeField(_("effacé le"), default=timezone.now)
    texts_erased = models.PositiveIntegerField(_("textes effacés"), default=0)

    objects = ErasureQuerySet.as_manager()

    class Meta:
        ordering = ["-erased_at"]
        verbose_name = _("effacement de données personnelles")
        verbose_name_plural = _("effacements de données personnelles")
        constraints = [
            models.CheckConstraint(
                condition=Q(campaign__isnull=True) ^ Q(workshop__isnull=True), name="erasure_of_a_campaign_or_workshop"
            ),
        ]

    def __str__(self):
        return f"{self.subject} — {self.erased_at:%Y-%m-%d}"

    @property
    def subject(self) -> str:
        """The title of the campaign or the workshop where the person was erased."""
        return (self.campaign or self.workshop).title
