"""Versions of the final report: each generation is a numbered PDF rendered by a worker from a frozen snapshot.

A version is created ``queued`` with the snapshot of the mission's data taken at that moment
(``roadmap.report.content.collect``), then the worker moves it to ``rendering`` (with a stage and a percentage
the page polls) and publishes it ``done`` with its file, size, page count and SHA-256 in one update, or marks it
``failed`` with a message for the consultant. The file lives behind Django's storage API under a private path
and is only ever served by a permission-checked view. The consultant marks one version "remise au Collège".
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from territoire.models import TenantQuerySet, TimeStampedModel


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("En file d'attente")
    RENDERING = "rendering", _("En cours de rendu")
    DONE = "done", _("Prêt")
    FAILED = "failed", _("Échec")


ACTIVE_STATUSES = (ReportStatus.QUEUED, ReportStatus.RENDERING)
# The stage of a queued version whose task could not be handed to the broker (Redis down): sent again by
# ``roadmap.report.pipeline.resend_unsent`` (the page's polling and a periodic task) once it is back.
STAGE_UNSENT = "unsent"


def report_upload_to(version, filename):
    # Never under a public URL: the commune and the version keep a tenant's attempts together, so that the
    # leftovers of an interrupted render can be found and removed (``roadmap.report.pipeline``).
    return f"{report_folder(version)}/{filename}"


def report_folder(version) -> str:
    return f"reports/{version.mission.commune_id}/{version.mission_id}/{version.pk}"


class ReportVersionQuerySet(TenantQuerySet):
    commune_lookup = "mission__commune"

    def active(self):
        return self.filter(status__in=ACTIVE_STATUSES)

    def done(self):
        return self.filter(status=ReportStatus.DONE)

    def delivered(self):
        return self.filter(delivered=True, status=ReportStatus.DONE)

    def listing(self):
        """The columns a list of versions shows: the snapshot (the whole report's data) stays in the database."""
        return self.defer("snapshot", "annex").select_related("requested_by", "delivered_by")


class ReportVersion(TimeStampedModel):
    mission = models.ForeignKey(
        "territoire.Mission", on_delete=models.CASCADE, related_name="report_versions", verbose_name=_("mission")
    )
    number = models.PositiveIntegerField(_("numéro"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("demandé par")
    )
    status = models.CharField(_("état"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("avancement (%)"), default=0)
    stage = models.CharField(_("étape"), max_length=100, blank=True)
    snapshot = models.JSONField(_("données figées"), default=dict)
    file = models.FileField(_("fichier"), upload_to=report_upload_to, blank=True, max_length=300)
    # The spreadsheet annex (ranking and sheets): its rows frozen with the snapshot, its file published with the PDF.
    annex = models.JSONField(_("annexe figée"), default=dict)
    annex_file = models.FileField(_("annexe (Excel)"), upload_to=report_upload_to, blank=True, max_length=300)
    size = models.PositiveBigIntegerField(_("taille (octets)"), null=True, blank=True)
    pages = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64, blank=True)
    error = models.TextField(_("message d'erreur"), blank=True)
    # Renders started for this version since it was asked (or retried): a render that kills its worker (memory)
    # is delivered again, and this stops the loop.
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    started_at = models.DateTimeField(_("commencé le"), null=True, blank=True)
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)
    delivered = models.BooleanField(_("remise au Collège"), default=False)
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("remise par"),
    )
    delivered_at = models.DateTimeField(_("remise le"), null=True, blank=True)

    objects = ReportVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("version du rapport")
        verbose_name_plural = _("versions du rapport")
        ordering = ["mission", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["mission", "number"], name="reportversion_number_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="reportversion_number_positive"),
            models.CheckConstraint(condition=Q(status__in=ReportStatus.values), name="reportversion_status_valid"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="reportversion_progress_percent"),
            # Only a rendered file can be handed to the Collège, and only one per mission at a time.
            models.CheckConstraint(
                condition=Q(delivered=False) | Q(status=ReportStatus.DONE), name="reportversion_delivered_is_done"
            ),
            models.UniqueConstraint(
                fields=["mission"], condition=Q(delivered=True), name="reportversion_one_delivered_per_mission"
            ),
        ]

    def __str__(self):
        return f"{self.mission_id}: v{self.number} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def is_stuck(self) -> bool:
        """Rendering for longer than the hard time limit (the worker was killed), or queued for so long that the
        broker lost the task: shown as failed, and retryable."""
        now = timezone.now()
        if self.status == ReportStatus.RENDERING:
            return (self.started_at or self.created_at) < now - stuck_after()
        if self.status == ReportStatus.QUEUED:
            return self.updated_at < now - lost_after()  # queued (or queued again by a retry) that long ago
        return False

    @property
    def is_unsent(self) -> bool:
        return self.status == ReportStatus.QUEUED and self.stage == STAGE_UNSENT

    @property
    def shows_failed(self) -> bool:
        return self.status == ReportStatus.FAILED or self.is_stuck

    @property
    def sha256_short(self) -> str:
        return self.sha256[:12]


def stuck_after() -> timedelta:
    """A render still under way after the hard time limit (and a margin) was killed with its worker."""
    return timedelta(seconds=settings.REPORT_RENDER_TIME_LIMIT + 60)


def lost_after() -> timedelta:
    """A version still queued after the broker's visibility timeout was lost (broker purged): renders of other
    communes may be ahead of it on the one PDF worker, so this is generous."""
    return timedelta(seconds=settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"])
