"""What could go wrong with a project (risks) and how its success is measured (indicators with targets)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from territoire.models import TenantQuerySet


class Likelihood(models.TextChoices):
    LOW = "low", _("Faible")
    MEDIUM = "medium", _("Moyenne")
    HIGH = "high", _("Élevée")


class SheetItemQuerySet(TenantQuerySet):
    commune_lookup = "sheet__mission__commune"


class SheetRisk(models.Model):
    sheet = models.ForeignKey(
        "roadmap.ProjectSheet", on_delete=models.CASCADE, related_name="risks", verbose_name=_("fiche projet")
    )
    risk = models.CharField(_("risque"), max_length=300)
    likelihood = models.CharField(
        _("probabilité"), max_length=10, choices=Likelihood.choices, default=Likelihood.MEDIUM
    )
    mitigation = models.CharField(_("mesure d'atténuation"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    objects = SheetItemQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("risque")
        verbose_name_plural = _("risques")
        constraints = [
            models.CheckConstraint(condition=Q(likelihood__in=Likelihood.values), name="sheetrisk_likelihood_valid"),
        ]

    def __str__(self):
        return self.risk


class SheetIndicator(models.Model):
    sheet = models.ForeignKey(
        "roadmap.ProjectSheet", on_delete=models.CASCADE, related_name="indicators", verbose_name=_("fiche projet")
    )
    indicator = models.CharField(_("indicateur"), max_length=300)
    target = models.CharField(_("cible"), max_length=100)
    unit = models.CharField(_("unité"), max_length=50, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    objects = SheetItemQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("indicateur")
        verbose_name_plural = _("indicateurs")

    def __str__(self):
        return self.indicator
