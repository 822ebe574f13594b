"""Interviews of the diagnostic: guides, interviews and the people met.

A guide belongs to the consultant who wrote it (not to a commune): they reuse it across their
missions. Built-in guides (``author`` empty) are offered to every consultant and copied to edit.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from territoire.models import TenantQuerySet, TimeStampedModel

DEFAULT_INTERVIEW_TARGET = 10
DEFAULT_DURATION_MINUTES = 60
MAX_INTERVIEWEES = 3


class InterviewAudience(models.TextChoices):
    COLLEGE = "college", _("Collège")
    STAFF = "staff", _("Personnel communal")
    CIVIL_SOCIETY = "civil_society", _("Société civile")


class InterviewGuideQuerySet(models.QuerySet):
    def usable_by(self, user):
        """The guides a consultant may attach: their own and the built-in ones."""
        return self.filter(Q(author=user) | Q(author__isnull=True))


class InterviewGuide(TimeStampedModel):
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="interview_guides",
        verbose_name=_("auteur"),
    )
    title = models.CharField(_("intitulé"), max_length=200)
    intro = models.TextField(_("introduction"), blank=True, help_text=_("Ce que l'on dit en début d'entretien."))

    objects = InterviewGuideQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name = _("guide d'entretien")
        verbose_name_plural = _("guides d'entretien")

    def __str__(self):
        return self.title

    @property
    def is_builtin(self) -> bool:
        return self.author_id is None


class GuideQuestion(models.Model):
    guide = models.ForeignKey(InterviewGuide, on_delete=models.CASCADE, related_name="questions")
    audience = models.CharField(_("public"), max_length=20, choices=InterviewAudience.choices)
    text = models.CharField(_("question"), max_length=500)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        ordering = ["audience", "position", "pk"]
        verbose_name = _("question du guide")
        verbose_name_plural = _("questions du guide")

    def __str__(self):
        return self.text


class MissionScopedQuerySet(TenantQuerySet):
    commune_lookup = "mission__commune"


class InterviewTarget(models.Model):
    """How many interviews the mission aims for (10 unless the consultant says otherwise)."""

    mission = models.OneToOneField(
        "territoire.Mission", on_delete=models.CASCADE, related_name="interview_target", verbose_name=_("mission")
    )
    target = models.PositiveSmallIntegerField(_("objectif d'entretiens"), default=DEFAULT_INTERVIEW_TARGET)

    objects = MissionScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("objectif d'entretiens")
        verbose_name_plural = _("objectifs d'entretiens")
        constraints = [
            models.CheckConstraint(condition=Q(target__gte=1, target__lte=100), name="interviewtarget_range"),
        ]

    def __str__(self):
        return f"{self.mission} : {self.target}"


class InterviewQuerySet(MissionScopedQuerySet):
    def done(self):
        return self.filter(status=Interview.Status.DONE)

    def active(self):
        return self.exclude(status=Interview.Status.CANCELLED)


class Interview(TimeStampedModel):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planifié")
        DONE = "done", _("Réalisé")
        CANCELLED = "cancelled", _("Annulé")

    mission = models.ForeignKey(
        "territoire.Mission", on_delete=models.CASCADE, related_name="interviews", verbose_name=_("mission")
    )
    scheduled_at = models.DateTimeField(_("date et heure"))
    duration_minutes = models.PositiveSmallIntegerField(_("durée (minutes)"), default=DEFAULT_DURATION_MINUTES)
    location = models.CharField(_("lieu"), max_length=200, blank=True)
    remote = models.BooleanField(_("en visioconférence"), default=False)
    interviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="interviews_led",
        verbose_name=_("consultant qui mène l'entretien"),
    )
    guide = models.ForeignKey(
        InterviewGuide,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="interviews",
        verbose_name=_("guide d'entretien"),
    )
    status = models.CharField(_("état"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    notes = models.TextField(
        _("notes"),
        blank=True,
        help_text=_(
            "Mise en forme simple : **gras**, *italique*, « - » en début de ligne pour une liste, « # » pour un titre."
        ),
    )

    objects = InterviewQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["scheduled_at", "pk"]
        verbose_name = _("entretien")
        verbose_name_plural = _("entretiens")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["planned", "done", "cancelled"]), name="interview_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=5, duration_minutes__lte=600), name="interview_duration_range"
            ),
        ]

    def __str__(self):
        names = ", ".join(p.name for p in self.interviewees.all())
        return names or str(_("Entretien"))

    @property
    def is_overdue(self) -> bool:
        """Its date has passed but it is still « Planifié »: the consultant should say whether it took place."""
        return self.status == self.Status.PLANNED and self.scheduled_at < timezone.now()


class IntervieweeQuerySet(TenantQuerySet):
    commune_lookup = "interview__mission__commune"


class Interviewee(models.Model):
    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="interviewees")
    name = models.CharField(_("nom"), max_length=120)
    function = models.CharField(_("fonction"), max_length=120, blank=True)
    service = models.CharField(_("service / organisation"), max_length=120, blank=True)
    audience = models.CharField(_("public"), max_length=20, choices=InterviewAudience.choices)
    member = models.ForeignKey(
        "territoire.Membership",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="interviewees",
        verbose_name=_("membre de la commune"),
    )

    objects = IntervieweeQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("personne interviewée")
        verbose_name_plural = _("personnes interviewées")
        constraints = [
            models.CheckConstraint(
                condition=Q(audience__in=["college", "staff", "civil_society"]), name="interviewee_audience_valid"
            ),
        ]

    def __str__(self):
        return self.name
