"""A followed project: a retained project sheet the commune carries out with the agency's help (AMO).

The sheet stays the reference (its budget lines, funding and indicators); the project carries what the
follow-up adds: who leads it, who works on it, and where it stands in the SPMM phases.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from territoire.models import TenantQuerySet, TimeStampedModel


class ProjectPhase(models.TextChoices):
    """The four phases of the Smart Project Management Model (Smart City Institute, ULiège)."""

    PREREQUISITES = "prerequisites", _("Prérequis")
    PLANNING = "planning", _("Planification")
    EXECUTION = "execution", _("Exécution")
    EVALUATION = "evaluation", _("Évaluation")


class FollowedProjectQuerySet(TenantQuerySet):
    commune_lookup = "mission__commune"


class FollowedProject(TimeStampedModel):
    mission = models.ForeignKey(
        "territoire.Mission", on_delete=models.CASCADE, related_name="followed_projects", verbose_name=_("mission")
    )
    sheet = models.OneToOneField(
        "roadmap.ProjectSheet",
        on_delete=models.PROTECT,
        related_name="followed_project",
        verbose_name=_("fiche projet"),
    )
    title = models.CharField(_("intitulé"), max_length=200)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_projects",
        verbose_name=_("chef de projet (commune)"),
    )
    consultant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assisted_projects",
        verbose_name=_("consultant référent"),
    )
    team = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="project_teams", verbose_name=_("équipe communale")
    )
    phase = models.CharField(
        _("phase"), max_length=20, choices=ProjectPhase.choices, default=ProjectPhase.PREREQUISITES
    )

    objects = FollowedProjectQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[team])

    class Meta:
        verbose_name = _("projet suivi")
        verbose_name_plural = _("projets suivis")
        ordering = ["mission", "title"]

    def __str__(self):
        return self.title
