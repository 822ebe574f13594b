"""Export jobs: a file built by a Celery task, then downloaded through a permission-checked view."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from territoire.models.core import Commune, Mission, TenantQuerySet, TimeStampedModel


class ExportKind(models.TextChoices):
    """What a job builds; ``territoire.exports`` maps each kind to its builder and its permission."""

    PST_CSV = "pst_csv", _("PST (CSV)")
    PST_XLSX = "pst_xlsx", _("PST (Excel)")
    PST_XML = "pst_xml", _("PST (XML eComptes)")
    RESPONSES_CSV = "responses_csv", _("Réponses au questionnaire (CSV)")
    RESPONSES_XLSX = "responses_xlsx", _("Réponses au questionnaire (Excel)")
    ROADMAP_XLSX = "roadmap_xlsx", _("Feuille de route : fiches et cotes (Excel)")


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("En attente")
    RUNNING = "running", _("En cours")
    DONE = "done", _("Prêt")
    FAILED = "failed", _("Échec")


ACTIVE_STATUSES = (ExportStatus.PENDING, ExportStatus.RUNNING)


class ExportJobQuerySet(TenantQuerySet):
    def active(self):
        return self.filter(status__in=ACTIVE_STATUSES)

    def expired(self, *, days: int, now=None):
        return self.filter(created_at__lt=(now or timezone.now()) - timedelta(days=days))


def export_upload_to(job, filename):
    # The job id keeps two exports of the same name apart; the commune keeps a tenant's files together.
    return f"exports/{job.commune_id}/{job.pk or 'new'}/{filename}"


class ExportJob(TimeStampedModel):
    """One export asked by one person: its state while the worker builds it, then its file."""

    commune = models.ForeignKey(
        Commune, on_delete=models.CASCADE, related_name="export_jobs", verbose_name=_("commune")
    )
    mission = models.ForeignKey(
        Mission, on_delete=models.CASCADE, null=True, blank=True, related_name="export_jobs", verbose_name=_("mission")
    )
    kind = models.CharField(_("type d'export"), max_length=30, choices=ExportKind.choices)
    # The object exported and its filters, e.g. {"pst": 12} or {"questionnaire": 3, "audience": "staff"}.
    params = models.JSONField(_("paramètres"), default=dict, blank=True)
    # ``params`` as canonical JSON: what two identical requests have in common.
    params_key = models.CharField(max_length=500, editable=False)
    status = models.CharField(_("état"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.PENDING)
    file = models.FileField(_("fichier"), upload_to=export_upload_to, blank=True, max_length=300)
    filename = models.CharField(_("nom du fichier"), max_length=200, blank=True)
    error = models.TextField(_("erreur"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="export_jobs",
        verbose_name=_("demandé par"),
    )
    started_at = models.DateTimeField(_("commencé le"), null=True, blank=True)
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)

    objects = ExportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ExportStatus.values), name="exportjob_status_valid"),
            models.CheckConstraint(condition=Q(kind__in=ExportKind.values), name="exportjob_kind_valid"),
            # A double click, or a second tab, cannot queue the same export twice.
            models.UniqueConstraint(
                fields=["requested_by", "kind", "params_key"],
                condition=Q(status__in=["pending", "running"]),
                name="exportjob_one_active_per_request",
            ),
        ]
        indexes = [models.Index(fields=["requested_by", "kind", "params_key", "created_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.commune} ({self.get_status_display()})"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES
