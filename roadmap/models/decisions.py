"""What the Collège decides on: frozen versions of the ranked roadmap and each member's decision.

A ``RoadmapVersion`` keeps, as plain JSON taken when the consultant submits it, the ranking rows and the
timeline (placements and budget per year): later edits of sheets, scores or the timeline never change it.
Each Collège member records one ``RoadmapDecision`` per version (validée / à revoir, with a comment).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from territoire.models import TenantQuerySet, TimeStampedModel


class RoadmapVersionQuerySet(TenantQuerySet):
    commune_lookup = "mission__commune"


class RoadmapVersion(TimeStampedModel):
    mission = models.ForeignKey(
        "territoire.Mission", on_delete=models.CASCADE, related_name="roadmap_versions", verbose_name=_("mission")
    )
    number = models.PositiveIntegerField(_("numéro"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("soumise par"),
    )
    submitted_at = models.DateTimeField(_("soumise le"))
    note = models.TextField(_("note au Collège"), blank=True)
    snapshot = models.JSONField(_("feuille de route figée"), default=dict)

    objects = RoadmapVersionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("version soumise au Collège")
        verbose_name_plural = _("versions soumises au Collège")
        ordering = ["mission", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["mission", "number"], name="roadmapversion_number_unique"),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="roadmapversion_number_positive"),
        ]

    def __str__(self):
        return f"{self.mission_id}: v{self.number}"


class DecisionChoice(models.TextChoices):
    VALIDATED = "validated", _("Validée")
    TO_REVISE = "to_revise", _("À revoir")


class RoadmapDecisionQuerySet(TenantQuerySet):
    commune_lookup = "version__mission__commune"


class RoadmapDecision(TimeStampedModel):
    version = models.ForeignKey(
        RoadmapVersion, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("version")
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="roadmap_decisions",
        verbose_name=_("membre du Collège"),
    )
    decision = models.CharField(_("décision"), max_length=12, choices=DecisionChoice.choices)
    comment = models.TextField(_("commentaire"), blank=True)
    decided_at = models.DateTimeField(_("décidée le"))

    objects = RoadmapDecisionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("décision du Collège")
        verbose_name_plural = _("décisions du Collège")
        ordering = ["version", "decided_at"]
        constraints = [
            models.UniqueConstraint(fields=["version", "member"], name="roadmapdecision_one_per_member"),
            models.CheckConstraint(
                condition=models.Q(decision__in=DecisionChoice.values), name="roadmapdecision_decision_valid"
            ),
        ]

    def __str__(self):
        return f"{self.version}: {self.member_id} {self.decision}"
