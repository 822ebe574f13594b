"""Findings (needs) of the diagnostic: what the consultant concludes, each backed by its sources.

A finding is mission-scoped. Its sources are rows of ``FindingSource`` pointing at exactly one of a
questionnaire question, an interview, a workshop card, an inventory alert or a PST node (a check
constraint holds it). Inventory alerts are computed, never stored: a source keeps the alert's stable
``key`` and a snapshot of its message, so the finding still reads well once the situation is resolved.

Merging never deletes: the findings merged away keep their row, with ``status=merged`` and a pointer
to the finding that absorbed their sources and PST links.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from territoire.models import NodeLevel, SmartDimension, SmartTheme, TenantQuerySet, TimeStampedModel


class Importance(models.IntegerChoices):
    LOW = 1, _("Faible")
    MEDIUM = 2, _("Moyenne")
    HIGH = 3, _("Forte")
    CRITICAL = 4, _("Critique")


# The tone of each importance in badges and charts (territoire.charts.TONES): the gravest is red everywhere.
IMPORTANCE_TONES = {
    Importance.LOW: "secondary",
    Importance.MEDIUM: "info",
    Importance.HIGH: "warning",
    Importance.CRITICAL: "danger",
}


class FindingQuerySet(TenantQuerySet):
    commune_lookup = "mission__commune"

    def open(self):
        return self.filter(status=Finding.Status.OPEN)


class Finding(TimeStampedModel):
    class Status(models.TextChoices):
        OPEN = "open", _("Ouvert")
        MERGED = "merged", _("Fusionné")

    mission = models.ForeignKey(
        "territoire.Mission", on_delete=models.CASCADE, related_name="findings", verbose_name=_("mission")
    )
    statement = models.CharField(_("constat"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    theme = models.CharField(_("thème"), max_length=20, choices=SmartTheme.choices, blank=True)
    dimension = models.CharField(_("dimension"), max_length=20, choices=SmartDimension.choices, blank=True)
    importance = models.PositiveSmallIntegerField(
        _("importance"), choices=Importance.choices, default=Importance.MEDIUM
    )
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices, default=Status.OPEN)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_findings",
        verbose_name=_("fusionné dans"),
    )
    objectives = models.ManyToManyField(
        "territoire.PSTNode",
        blank=True,
        related_name="findings",
        limit_choices_to={"level__in": [NodeLevel.OS, NodeLevel.OO]},
        verbose_name=_("objectifs du PST"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("créé par")
    )

    objects = FindingQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-importance", "pk"]
        verbose_name = _("constat")
        verbose_name_plural = _("constats")
        constraints = [
            models.CheckConstraint(condition=Q(importance__gte=1, importance__lte=4), name="finding_importance_range"),
            models.CheckConstraint(
                condition=Q(status="open", merged_into__isnull=True) | Q(status="merged", merged_into__isnull=False),
                name="finding_merged_iff_pointer",
            ),
            models.CheckConstraint(condition=Q(theme__in=["", *SmartTheme.values]), name="finding_theme_valid"),
            models.CheckConstraint(
                condition=Q(dimension__in=["", *SmartDimension.values]), name="finding_dimension_valid"
            ),
        ]
        indexes = [models.Index(fields=["mission", "status", "importance"])]

    def __str__(self):
        return self.statement

    @property
    def importance_tone(self) -> str:
        """The tone of the importance badge, the colour of the same importance in charts."""
        return IMPORTANCE_TONES.get(self.importance, "light")

    @property
    def is_merged(self) -> bool:
        return self.status == self.Status.MERGED


class SourceKind(models.TextChoices):
    QUESTION = "question", _("Question de questionnaire")
    INTERVIEW = "interview", _("Entretien")
    CARD = "card", _("Carte défi d'atelier")
    ALERT = "alert", _("Alerte de l'inventaire")
    PST_NODE = "pst_node", _("Élément du PST")


# The column each kind of source fills; the others stay empty (see the check constraint).
SOURCE_FIELDS = {
    SourceKind.QUESTION: "question",
    SourceKind.INTERVIEW: "interview",
    SourceKind.CARD: "card",
    SourceKind.ALERT: "alert_key",
    SourceKind.PST_NODE: "pst_node",
}


def _exactly_one(kind: str) -> Q:
    wanted = SOURCE_FIELDS[kind]
    condition = Q(kind=kind)
    for name in SOURCE_FIELDS.values():
        if name == "alert_key":
            condition &= ~Q(alert_key="") if name == wanted else Q(alert_key="")
        else:
            condition &= Q(**{f"{name}__isnull": name != wanted})
    return condition


class FindingSourceQuerySet(TenantQuerySet):
    commune_lookup = "finding__mission__commune"


class FindingSource(models.Model):
    """One source cited by a finding.

    A cited question, interview or workshop card cannot be deleted (``RESTRICT``): the services
    refuse with the list of the findings citing it, so no citation silently disappears. Deleting the
    whole mission still takes its findings and their sources with it (that is what RESTRICT allows
    over PROTECT). Inventory alerts keep a snapshot of their message instead; PST nodes follow the
    PST's own life (a re-import keeps matched nodes).
    """

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="sources", verbose_name=_("constat"))
    kind = models.CharField(_("type de source"), max_length=10, choices=SourceKind.choices)
    question = models.ForeignKey(
        "diagnostics.Question", on_delete=models.RESTRICT, null=True, blank=True, related_name="finding_sources"
    )
    interview = models.ForeignKey(
        "diagnostics.Interview", on_delete=models.RESTRICT, null=True, blank=True, related_name="finding_sources"
    )
    card = models.ForeignKey(
        "diagnostics.ChallengeCard", on_delete=models.RESTRICT, null=True, blank=True, related_name="finding_sources"
    )
    pst_node = models.ForeignKey(
        "territoire.PSTNode", on_delete=models.CASCADE, null=True, blank=True, related_name="finding_sources"
    )
    alert_key = models.CharField(_("clé de l'alerte"), max_length=120, blank=True)
    alert_message = models.TextField(_("message de l'alerte"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FindingSourceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "pk"]
        verbose_name = _("source d'un constat")
        verbose_name_plural = _("sources des constats")
        constraints = [
            models.CheckConstraint(
                condition=_exactly_one(SourceKind.QUESTION)
                | _exactly_one(SourceKind.INTERVIEW)
                | _exactly_one(SourceKind.CARD)
                | _exactly_one(SourceKind.ALERT)
                | _exactly_one(SourceKind.PST_NODE),
                name="findingsource_exactly_one_source",
            ),
            models.UniqueConstraint(
                fields=["finding", "question"], condition=Q(question__isnull=False), name="findingsource_question_once"
            ),
            models.UniqueConstraint(
                fields=["finding", "interview"],
                condition=Q(interview__isnull=False),
                name="findingsource_interview_once",
            ),
            models.UniqueConstraint(
                fields=["finding", "card"], condition=Q(card__isnull=False), name="findingsource_card_once"
            ),
            models.UniqueConstraint(
                fields=["finding", "pst_node"], condition=Q(pst_node__isnull=False), name="findingsource_node_once"
            ),
            models.UniqueConstraint(
                fields=["finding", "alert_key"], condition=~Q(alert_key=""), name="findingsource_alert_once"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} : {self.label}"

    @property
    def target(self):
        return getattr(self, SOURCE_FIELDS[self.kind])

    @property
    def label(self) -> str:
        if self.kind == SourceKind.ALERT:
            return self.alert_message or self.alert_key
        return str(self.target)

    @property
    def identity(self) -> tuple:
        """What the source points at, to spot the same source on two findings (merging)."""
        field = SOURCE_FIELDS[self.kind]
        return (self.kind, self.alert_key if field == "alert_key" else getattr(self, f"{field}_id"))
