"""Project sheets (fiches projets): candidate smart projects of a mission, answering its findings.

A sheet belongs to one mission; its code (« FP-01 ») is unique in the mission. Prerequisites are
other sheets of the same mission (a graph: cycles are refused by the service that edits them, with
the cycle named, see ``roadmap.ranking``). Amounts, funding, scores and the timeline hang off the sheet.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from territoire.models import SmartDimension, SmartTheme, TenantQuerySet, TimeStampedModel


class SheetStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    PROPOSED = "proposed", _("Proposée")
    RETAINED = "retained", _("Retenue")
    SET_ASIDE = "set_aside", _("Écartée")


class ProjectSheetQuerySet(TenantQuerySet):
    commune_lookup = "mission__commune"

    def for_mission(self, mission):
        return self.filter(mission=mission)

    def scorable(self):
        """Sheets the consultants score and rank: proposed or retained."""
        return self.filter(status__in=[SheetStatus.PROPOSED, SheetStatus.RETAINED])


class ProjectSheet(TimeStampedModel):
    mission = models.ForeignKey(
        "territoire.Mission", on_delete=models.CASCADE, related_name="project_sheets", verbose_name=_("mission")
    )
    code = models.CharField(_("code"), max_length=20)
    title = models.CharField(_("intitulé"), max_length=200)
    status = models.CharField(_("statut"), max_length=12, choices=SheetStatus.choices, default=SheetStatus.DRAFT)
    theme = models.CharField(_("thème"), max_length=20, choices=SmartTheme.choices, blank=True)
    dimension = models.CharField(_("dimension"), max_length=20, choices=SmartDimension.choices, blank=True)
    findings = models.ManyToManyField(
        "diagnostics.Finding", blank=True, related_name="project_sheets", verbose_name=_("constats")
    )
    prerequisites = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="dependants", verbose_name=_("prérequis")
    )
    duration_months = models.PositiveSmallIntegerField(_("durée (mois)"), null=True, blank=True)

    objects = ProjectSheetQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("fiche projet")
        verbose_name_plural = _("fiches projets")
        constraints = [
            models.UniqueConstraint(fields=["mission", "code"], name="projectsheet_code_unique_in_mission"),
            models.CheckConstraint(condition=Q(status__in=SheetStatus.values), name="projectsheet_status_valid"),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"
