"""Criteria of a mission, the consultants' scores of its sheets, their submissions and the consensus values.

Each consultant scores each proposed or retained sheet on each criterion (``Score``: one row per sheet ×
criterion × consultant); the ranking (``roadmap.selectors.ranking``) aggregates them with the engine
``roadmap.ranking``. A score must lie within its criterion's scale: a ``CheckConstraint`` cannot read the
criterion's row, so the grid's form and ``roadmap.services.scoring`` check it with a French message.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from roadmap.ranking import Direction
from territoire.models import TenantQuerySet, TimeStampedModel


class CriterionDirection(models.TextChoices):
    HIGHER_IS_BETTER = Direction.HIGHER_IS_BETTER.value, _("plus c'est haut, mieux c'est")
    LOWER_IS_BETTER = Direction.LOWER_IS_BETTER.value, _("plus c'est bas, mieux c'est (coût, effort)")


class MatrixRole(models.TextChoices):
    IMPACT = "impact", _("impact")
    EFFORT = "effort", _("effort")
    NONE = "none", _("aucun")


class CriterionQuerySet(TenantQuerySet):
    commune_lookup = "mission__commune"

    def for_mission(self, mission):
        return self.filter(mission=mission)


class Criterion(TimeStampedModel):
    mission = models.ForeignKey(
        "territoire.Mission", on_delete=models.CASCADE, related_name="criteria", verbose_name=_("mission")
    )
    code = models.SlugField(_("code"), max_length=30)
    label = models.CharField(_("libellé"), max_length=120)
    weight = models.DecimalField(_("poids"), max_digits=6, decimal_places=2, default=1)
    scale_min = models.SmallIntegerField(_("note minimale"), default=1)
    scale_max = models.SmallIntegerField(_("note maximale"), default=5)
    direction = models.CharField(
        _("sens"), max_length=10, choices=CriterionDirection.choices, default=CriterionDirection.HIGHER_IS_BETTER
    )
    # [{"level": 1, "description": "…"}, …]: shown in the grid so that two consultants score alike.
    guide = models.JSONField(_("guide de cotation"), default=list, blank=True)
    matrix_role = models.CharField(
        _("rôle dans la matrice impact/effort"), max_length=10, choices=MatrixRole.choices, default=MatrixRole.NONE
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = CriterionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("critère")
        verbose_name_plural = _("critères")
        constraints = [
            models.UniqueConstraint(fields=["mission", "code"], name="criterion_code_unique_in_mission"),
            models.CheckConstraint(condition=Q(weight__gte=0), name="criterion_weight_positive"),
            models.CheckConstraint(condition=Q(scale_min__lt=F("scale_max")), name="criterion_scale_ordered"),
            models.CheckConstraint(
                condition=Q(direction__in=CriterionDirection.values), name="criterion_direction_valid"
            ),
            models.CheckConstraint(condition=Q(matrix_role__in=MatrixRole.values), name="criterion_matrix_role_valid"),
        ]

    def __str__(self):
        return self.label

    @property
    def levels(self) -> list[int]:
        return list(range(self.scale_min, self.scale_max + 1))

    def guide_for(self, level: int) -> str:
        """The scoring guide's description of one level, or "" when the guide says nothing of it."""
        for entry in self.guide or []:
            if isinstance(entry, dict) and entry.get("level") == level:
                return str(entry.get("description", ""))
        return ""

    def in_scale(self, value) -> bool:
        return value is not None and self.scale_min <= value <= self.scale_max


class ScoreQuerySet(TenantQuerySet):
    commune_lookup = "sheet__mission__commune"

    def for_mission(self, mission):
        return self.filter(sheet__mission=mission)


class Score(TimeStampedModel):
    """One consultant's score of one sheet on one criterion, with their comment."""

    sheet = models.ForeignKey(
        "roadmap.ProjectSheet", on_delete=models.CASCADE, related_name="scores", verbose_name=_("fiche")
    )
    criterion = models.ForeignKey(
        Criterion, on_delete=models.CASCADE, related_name="scores", verbose_name=_("critère")
    )
    consultant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roadmap_scores", verbose_name=_("consultant")
    )
    value = models.SmallIntegerField(_("note"))
    comment = models.TextField(_("commentaire"), blank=True)

    objects = ScoreQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        constraints = [
            models.UniqueConstraint(fields=["sheet", "criterion", "consultant"], name="score_unique_per_consultant"),
        ]

    def __str__(self):
        return f"{self.sheet_id}/{self.criterion_id}/{self.consultant_id}: {self.value}"


class ScoringSubmissionQuerySet(TenantQuerySet):
    commune_lookup = "mission__commune"


class ScoringSubmission(models.Model):
    """A consultant declared their grid done: from then on they see the others' scores and the ranking."""

    mission = models.ForeignKey(
        "territoire.Mission", on_delete=models.CASCADE, related_name="scoring_submissions", verbose_name=_("mission")
    )
    consultant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="scoring_submissions",
        verbose_name=_("consultant"),
    )
    submitted_at = models.DateTimeField(_("soumise le"), auto_now_add=True)

    objects = ScoringSubmissionQuerySet.as_manager()

    class Meta:
        verbose_name = _("cotation soumise")
        verbose_name_plural = _("cotations soumises")
        constraints = [
            models.UniqueConstraint(fields=["mission", "consultant"], name="scoringsubmission_unique"),
        ]

    def __str__(self):
        return f"{self.mission_id}/{self.consultant_id}"


class ConsensusQuerySet(TenantQuerySet):
    commune_lookup = "sheet__mission__commune"


class Consensus(TimeStampedModel):
    """The value the consultants agreed on for a cell where their scores diverged; it replaces the mean."""

    sheet = models.ForeignKey(
        "roadmap.ProjectSheet", on_delete=models.CASCADE, related_name="consensus_values", verbose_name=_("fiche")
    )
    criterion = models.ForeignKey(
        Criterion, on_delete=models.CASCADE, related_name="consensus_values", verbose_name=_("critère")
    )
    value = models.DecimalField(_("valeur retenue"), max_digits=4, decimal_places=1)
    comment = models.TextField(_("justification"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="roadmap_consensus_values",
        verbose_name=_("décidé par"),
    )

    objects = ConsensusQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("consensus")
        verbose_name_plural = _("consensus")
        constraints = [
            models.UniqueConstraint(fields=["sheet", "criterion"], name="consensus_unique_per_cell"),
        ]

    def __str__(self):
        return f"{self.sheet_id}/{self.criterion_id}: {self.value}"


class RankingSettingsQuerySet(TenantQuerySet):
    commune_lookup = "mission__commune"


DEFAULT_CLASS_THRESHOLDS = [70, 50]


def default_class_thresholds():
    return list(DEFAULT_CLASS_THRESHOLDS)


class RankingSettings(TimeStampedModel):
    """A mission's ranking settings (kept in the roadmap app: ``territoire`` knows nothing of the roadmap)."""

    mission = models.OneToOneField(
        "territoire.Mission", on_delete=models.CASCADE, related_name="ranking_settings", verbose_name=_("mission")
    )
    disagreement_threshold = models.DecimalField(
        _("seuil de désaccord (écart en points)"), max_digits=4, decimal_places=1, default=2
    )
    # Decreasing totals (0–100) that open priorité 1, 2…: [70, 50] by default.
    class_thresholds = models.JSONField(_("seuils des classes de priorité"), default=default_class_thresholds)

    objects = RankingSettingsQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("réglages du classement")
        verbose_name_plural = _("réglages du classement")
        constraints = [
            models.CheckConstraint(
                condition=Q(disagreement_threshold__gte=0), name="rankingsettings_threshold_positive"
            ),
        ]
