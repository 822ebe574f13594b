"""Implementation follow-up of a followed project: milestones, budget committed and spent, indicators and their
measurements, risks, the test phase with a user group, the communication plan and the decision log.

The sheet stays the reference for what was planned (its budget lines, its indicators); these tables record what
happens. The project's health is never typed: ``projects.selectors.health`` computes it from milestones and
budget. Only the pause is a choice of the team, kept in :class:`ProjectStatus` beside the project.

Rules of one row live here (``clean``); rules that read other rows (spending above the committed budget) live
in ``projects.services.implementation``.
"""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from territoire.models import TenantQuerySet, TimeStampedModel


class ProjectChildQuerySet(TenantQuerySet):
    commune_lookup = "project__mission__commune"


class ProjectStatus(TimeStampedModel):
    """What the team decides about the project's course beside the computed health: a pause and its reason."""

    project = models.OneToOneField(
        "projects.FollowedProject",
        on_delete=models.CASCADE,
        related_name="implementation_status",
        verbose_name=_("projet"),
    )
    paused = models.BooleanField(_("en pause"), default=False)
    pause_reason = models.CharField(_("raison de la pause"), max_length=300, blank=True)

    objects = ProjectChildQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("statut du projet")
        verbose_name_plural = _("statuts des projets")

    def __str__(self):
        return str(self.project)

    def clean(self):
        if self.paused and not self.pause_reason.strip():
            raise ValidationError({"pause_reason": _("Indiquez pourquoi le projet est mis en pause.")})


class Milestone(TimeStampedModel):
    """A dated step. The baseline date is the one first agreed; the current date is today's forecast; the done
    date is when it was reached. Late: not done and its current date is past, or slipped beyond its baseline."""

    project = models.ForeignKey(
        "projects.FollowedProject", on_delete=models.CASCADE, related_name="milestones", verbose_name=_("projet")
    )
    label = models.CharField(_("jalon"), max_length=200)
    baseline_date = models.DateField(_("date de référence"))
    current_date = models.DateField(_("date prévue"))
    done_date = models.DateField(_("atteint le"), null=True, blank=True)
    owner = models.CharField(_("responsable"), max_length=120, blank=True)

    objects = ProjectChildQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["current_date", "pk"]
        verbose_name = _("jalon")
        verbose_name_plural = _("jalons")

    def __str__(self):
        return self.label

    def clean(self):
        errors = {}
        today = timezone.localdate()
        if self.done_date and self.done_date > today:
            errors["done_date"] = _("Un jalon ne peut pas être atteint dans le futur (%(date)s).") % {
                "date": self.done_date.strftime("%d/%m/%Y")
            }
        if errors:
            raise ValidationError(errors)

    @property
    def done(self) -> bool:
        return self.done_date is not None

    def overdue_days(self, today: date) -> int:
        """Days since the current date passed without the milestone being done (0 when not overdue)."""
        return 0 if self.done else max((today - self.current_date).days, 0)

    def slip_days(self) -> int:
        """Days the current date moved beyond the baseline, while not done (0 when on or before it)."""
        return 0 if self.done else max((self.current_date - self.baseline_date).days, 0)

    def is_late(self, today: date) -> bool:
        return self.overdue_days(today) > 0 or self.slip_days() > 0


class BudgetEntry(TimeStampedModel):
    """What commitments and spending share: a budget line of the project's sheet, an amount and a date."""

    project = models.ForeignKey("projects.FollowedProject", on_delete=models.CASCADE, verbose_name=_("projet"))
    budget_line = models.ForeignKey("roadmap.BudgetLine", on_delete=models.PROTECT, verbose_name=_("ligne budgétaire"))
    amount = models.DecimalField(
        _("montant HTVA (€)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    date = models.DateField(_("date"))

    objects = ProjectChildQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["date", "pk"]

    def clean(self):
        if self.budget_line_id and self.project_id and self.budget_line.sheet_id != self.project.sheet_id:
            raise ValidationError({"budget_line": _("Cette ligne budgétaire n’appartient pas à la fiche du projet.")})


class Commitment(BudgetEntry):
    """Budget committed on a line: an order, a contract (supplier and reference)."""

    supplier = models.CharField(_("fournisseur"), max_length=200)
    reference = models.CharField(_("référence (bon de commande, marché)"), max_length=100, blank=True)

    history = HistoricalRecords()

    class Meta(BudgetEntry.Meta):
        default_related_name = "commitments"
        verbose_name = _("engagement")
        verbose_name_plural = _("engagements")
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="commitment_amount_not_negative")]

    def __str__(self):
        return f"{self.supplier} {self.amount}"


class Spending(BudgetEntry):
    """Money spent on a line (an invoice). Above what is committed on the line it needs a comment."""

    invoice_ref = models.CharField(_("référence de facture"), max_length=100)
    comment = models.TextField(_("commentaire"), blank=True)

    history = HistoricalRecords()

    class Meta(BudgetEntry.Meta):
        default_related_name = "spendings"
        verbose_name = _("dépense")
        verbose_name_plural = _("dépenses")
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="spending_amount_not_negative")]

    def __str__(self):
        return f"{self.invoice_ref} {self.amount}"


class ProjectIndicator(TimeStampedModel):
    """An indicator followed on the project: one of the sheet's (``sheet_indicator``) or the project's own."""

    project = models.ForeignKey(
        "projects.FollowedProject", on_delete=models.CASCADE, related_name="indicators", verbose_name=_("projet")
    )
    sheet_indicator = models.ForeignKey(
        "roadmap.SheetIndicator",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("indicateur de la fiche"),
    )
    label = models.CharField(_("indicateur"), max_length=300)
    unit = models.CharField(_("unité"), max_length=50, blank=True)
    target = models.DecimalField(_("cible"), max_digits=14, decimal_places=2, null=True, blank=True)

    objects = ProjectChildQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("indicateur suivi")
        verbose_name_plural = _("indicateurs suivis")

    def __str__(self):
        return self.label


class MeasurementQuerySet(TenantQuerySet):
    commune_lookup = "indicator__project__mission__commune"


class Measurement(TimeStampedModel):
    indicator = models.ForeignKey(
        ProjectIndicator, on_delete=models.CASCADE, related_name="measurements", verbose_name=_("indicateur")
    )
    date = models.DateField(_("date"))
    value = models.DecimalField(_("valeur"), max_digits=14, decimal_places=2)
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = MeasurementQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "pk"]
        verbose_name = _("mesure")
        verbose_name_plural = _("mesures")

    def __str__(self):
        return f"{self.indicator} {self.date}"

    @property
    def project(self):
        """The followed project, for ``access.can_edit_project``."""
        return self.indicator.project

    def clean(self):
        if self.date and self.date > timezone.localdate():
            raise ValidationError({"date": _("Une mesure ne peut pas être datée dans le futur.")})


class RiskStatus(models.TextChoices):
    OPEN = "open", _("Identifié")
    TREATED = "treated", _("En traitement")
    CONTROLLED = "controlled", _("Maîtrisé")
    CLOSED = "closed", _("Clos")


SCALE = [MinValueValidator(1), MaxValueValidator(5)]


class Risk(TimeStampedModel):
    """A risk scored probability × impact (1 to 5 each): criticality 1 to 25."""

    project = models.ForeignKey(
        "projects.FollowedProject", on_delete=models.CASCADE, related_name="risks", verbose_name=_("projet")
    )
    description = models.CharField(_("risque"), max_length=300)
    probability = models.PositiveSmallIntegerField(_("probabilité (1 à 5)"), validators=SCALE)
    impact = models.PositiveSmallIntegerField(_("impact (1 à 5)"), validators=SCALE)
    owner = models.CharField(_("responsable"), max_length=120, blank=True)
    mitigation = models.TextField(_("mesures d’atténuation"), blank=True)
    status = models.CharField(_("statut"), max_length=12, choices=RiskStatus.choices, default=RiskStatus.OPEN)

    objects = ProjectChildQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("risque")
        verbose_name_plural = _("risques")
        constraints = [
            models.CheckConstraint(condition=Q(probability__gte=1, probability__lte=5), name="risk_probability_1_5"),
            models.CheckConstraint(condition=Q(impact__gte=1, impact__lte=5), name="risk_impact_1_5"),
        ]

    def __str__(self):
        return self.description

    @property
    def criticality(self) -> int:
        return self.probability * self.impact

    @property
    def level(self) -> str:
        """« high » from 15, « medium » from 8, « low » below (a 5 × 5 matrix's usual thirds)."""
        return "high" if self.criticality >= 15 else "medium" if self.criticality >= 8 else "low"


class Participant(TimeStampedModel):
    """A member of the user group of the test phase: no account needed."""

    project = models.ForeignKey(
        "projects.FollowedProject",
        on_delete=models.CASCADE,
        related_name="test_participants",
        verbose_name=_("projet"),
    )
    name = models.CharField(_("nom"), max_length=120)
    function = models.CharField(_("fonction"), max_length=120, blank=True)
    group = models.CharField(_("groupe"), max_length=120, blank=True)

    objects = ProjectChildQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["group", "name", "pk"]
        verbose_name = _("participant au test")
        verbose_name_plural = _("participants au test")

    def __str__(self):
        return self.name


class Severity(models.TextChoices):
    MINOR = "minor", _("Mineur")
    MAJOR = "major", _("Majeur")
    BLOCKING = "blocking", _("Bloquant")


class Feedback(TimeStampedModel):
    project = models.ForeignKey(
        "projects.FollowedProject", on_delete=models.CASCADE, related_name="feedback_items", verbose_name=_("projet")
    )
    participant = models.ForeignKey(
        # RESTRICT rather than PROTECT: deleting the project deletes both; deleting a participant alone is refused.
        Participant,
        on_delete=models.RESTRICT,
        related_name="feedback_items",
        verbose_name=_("participant"),
    )
    date = models.DateField(_("date"))
    text = models.TextField(_("retour"))
    severity = models.CharField(_("gravité"), max_length=10, choices=Severity.choices, default=Severity.MINOR)

    objects = ProjectChildQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "pk"]
        verbose_name = _("retour de test")
        verbose_name_plural = _("retours de test")

    def __str__(self):
        return self.text[:60]

    def clean(self):
        if self.date and self.date > timezone.localdate():
            raise ValidationError({"date": _("Un retour ne peut pas être daté dans le futur.")})


class Channel(models.TextChoices):
    WEBSITE = "website", _("Site internet")
    BULLETIN = "bulletin", _("Bulletin communal")
    SOCIAL = "social", _("Réseaux sociaux")
    MEETING = "meeting", _("Réunion")
    PRESS = "press", _("Presse")
    POSTER = "poster", _("Affichage")
    MAIL = "mail", _("Courrier ou e-mail")
    OTHER = "other", _("Autre")


class CommunicationAction(TimeStampedModel):
    project = models.ForeignKey(
        "projects.FollowedProject",
        on_delete=models.CASCADE,
        related_name="communication_actions",
        verbose_name=_("projet"),
    )
    action = models.CharField(_("action"), max_length=300)
    audience = models.CharField(_("public"), max_length=200)
    channel = models.CharField(_("canal"), max_length=10, choices=Channel.choices)
    date = models.DateField(_("date"))
    done = models.BooleanField(_("réalisée"), default=False)

    objects = ProjectChildQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "pk"]
        verbose_name = _("action de communication")
        verbose_name_plural = _("actions de communication")

    def __str__(self):
        return self.action


class ProjectDecision(TimeStampedModel):
    """An entry of the decision log: appended, never edited in the pages (the admin keeps the history).
    A decision taken from the test phase names the feedback it answers."""

    project = models.ForeignKey(
        "projects.FollowedProject", on_delete=models.CASCADE, related_name="decisions", verbose_name=_("projet")
    )
    date = models.DateField(_("date"))
    decision = models.TextField(_("décision"))
    decided_by = models.CharField(_("décidé par"), max_length=200)
    context = models.TextField(_("contexte"), blank=True)
    feedback = models.ForeignKey(
        Feedback,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name=_("retour de test à l’origine"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("enregistré par"),
    )

    objects = ProjectChildQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("décision")
        verbose_name_plural = _("décisions")

    def __str__(self):
        return self.decision[:60]


class NotificationKind(models.TextChoices):
    LATE_MILESTONE = "late_milestone", _("Jalon en retard")


class Notification(models.Model):
    """One e-mail sent about one object on one day: its unique key makes the daily task idempotent."""

    project = models.ForeignKey(
        "projects.FollowedProject", on_delete=models.CASCADE, related_name="notifications", verbose_name=_("projet")
    )
    kind = models.CharField(_("type"), max_length=20, choices=NotificationKind.choices)
    object_id = models.PositiveBigIntegerField(_("objet"))
    day = models.DateField(_("jour"))
    recipients = models.TextField(_("destinataires"))
    sent_at = models.DateTimeField(_("envoyé le"), default=timezone.now)

    objects = ProjectChildQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(fields=["project", "kind", "object_id", "day"], name="notification_once_a_day")
        ]

    def __str__(self):
        return f"{self.kind} {self.object_id} {self.day}"
