"""Project sheets (fiches projets): candidate smart projects of a mission, answering its findings.

A sheet belongs to one mission; its code (« FP-01 ») is unique in the mission. Prerequisites are
other sheets of the same mission (a graph: cycles are refused by the service that edits them, with
the cycle named, see ``roadmap.ranking``). Amounts, funding, scores and the timeline hang off the sheet.
"""

from django.core.validators import MinValueValidator
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


# Which status a consultant may move a sheet to from each status (draft → proposed → retained / set aside,
# and back one step when the Collège or the scoring sends it back).
STATUS_TRANSITIONS = {
    SheetStatus.DRAFT: (SheetStatus.PROPOSED,),
    SheetStatus.PROPOSED: (SheetStatus.RETAINED, SheetStatus.SET_ASIDE, SheetStatus.DRAFT),
    SheetStatus.RETAINED: (SheetStatus.PROPOSED, SheetStatus.SET_ASIDE),
    SheetStatus.SET_ASIDE: (SheetStatus.PROPOSED,),
}


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
    # The sheet's content, in the order of the printed sheet.
    context = models.TextField(_("contexte"), blank=True)
    objectives = models.TextField(_("objectifs"), blank=True)
    solution_software = models.TextField(_("solution : application / logiciel"), blank=True)
    solution_equipment = models.TextField(_("solution : équipement / infrastructure"), blank=True)
    solution_communication = models.TextField(_("solution : communication / accompagnement"), blank=True)
    stakeholders = models.TextField(_("acteurs et partenaires"), blank=True)
    fte_internal = models.DecimalField(
        _("ETP internes"), max_digits=5, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    fte_external = models.DecimalField(
        _("ETP externes"), max_digits=5, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    pst_links = models.ManyToManyField(
        "territoire.PSTNode", blank=True, related_name="project_sheets", verbose_name=_("objectifs et actions du PST")
    )

    objects = ProjectSheetQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("fiche projet")
        verbose_name_plural = _("fiches projets")
        constraints = [
            models.UniqueConstraint(fields=["mission", "code"], name="projectsheet_code_unique_in_mission"),
            models.CheckConstraint(condition=Q(status__in=SheetStatus.values), name="projectsheet_status_valid"),
            models.CheckConstraint(
                condition=Q(fte_internal__gte=0) | Q(fte_internal__isnull=True),
                name="projectsheet_fte_internal_positive",
            ),
            models.CheckConstraint(
                condition=Q(fte_external__gte=0) | Q(fte_external__isnull=True),
                name="projectsheet_fte_external_positive",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"
