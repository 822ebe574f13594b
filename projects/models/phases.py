"""SPMM phases of a followed project: the checklist each phase asks the team to answer (editable data, seeded by a
data migration), the project's answers, notes and documents per phase, and the record of each phase change.

The questions are ours, written in the spirit of the Smart City Institute's Smart Project Management Model: need
and strategic alignment, political will, a cross-service team, stakeholders, objectives and indicators, budget,
risks, data and GDPR, communication, tests with users, evaluation.
"""

from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from projects.models.projects import ProjectPhase
from territoire.models import TenantQuerySet, TimeStampedModel

# Phases in their order; moving forward goes to the next one, going back to any earlier one.
PHASE_ORDER = list(ProjectPhase.values)


def next_phase(phase: str) -> str | None:
    index = PHASE_ORDER.index(phase)
    return PHASE_ORDER[index + 1] if index + 1 < len(PHASE_ORDER) else None


def previous_phase(phase: str) -> str | None:
    index = PHASE_ORDER.index(phase)
    return PHASE_ORDER[index - 1] if index > 0 else None


class ChecklistQuestion(TimeStampedModel):
    """One question of a phase's checklist, the same for every project (admin-editable); an inactive question is
    no longer asked but keeps the answers given to it."""

    phase = models.CharField(_("phase"), max_length=20, choices=ProjectPhase.choices)
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)
    topic = models.CharField(_("thème"), max_length=80)
    text = models.CharField(_("question"), max_length=400)
    help = models.TextField(_("aide"), blank=True)
    active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("question de la check-list")
        verbose_name_plural = _("questions de la check-list")
        ordering = ["phase", "order", "pk"]

    def __str__(self):
        return self.text


class AnswerStatus(models.TextChoices):
    TODO = "todo", _("À traiter")
    YES = "yes", _("Oui")
    PARTIAL = "partial", _("Partiel")
    NO = "no", _("Non")
    NOT_APPLICABLE = "na", _("Sans objet")


# Answers that leave a question open when the phase is left.
OPEN_STATUSES = (AnswerStatus.TODO, AnswerStatus.NO)


class ProjectChildQuerySet(TenantQuerySet):
    commune_lookup = "project__mission__commune"


class ChecklistAnswer(TimeStampedModel):
    project = models.ForeignKey(
        "projects.FollowedProject",
        on_delete=models.CASCADE,
        related_name="checklist_answers",
        verbose_name=_("projet"),
    )
    question = models.ForeignKey(
        ChecklistQuestion, on_delete=models.PROTECT, related_name="answers", verbose_name=_("question")
    )
    status = models.CharField(_("réponse"), max_length=10, choices=AnswerStatus.choices, default=AnswerStatus.TODO)
    note = models.TextField(_("note"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("répondu par")
    )
    answered_at = models.DateTimeField(_("répondu le"), null=True, blank=True)

    objects = ProjectChildQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("réponse à la check-list")
        verbose_name_plural = _("réponses à la check-list")
        constraints = [
            models.UniqueConstraint(fields=["project", "question"], name="checklist_answer_one_per_question"),
            models.CheckConstraint(condition=Q(status__in=AnswerStatus.values), name="checklist_answer_status_valid"),
        ]

    def __str__(self):
        return f"{self.question} — {self.get_status_display()}"


class PhaseNote(TimeStampedModel):
    project = models.ForeignKey(
        "projects.FollowedProject", on_delete=models.CASCADE, related_name="phase_notes", verbose_name=_("projet")
    )
    phase = models.CharField(_("phase"), max_length=20, choices=ProjectPhase.choices)
    text = models.TextField(_("note"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, verbose_name=_("auteur")
    )

    objects = ProjectChildQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("note de phase")
        verbose_name_plural = _("notes de phase")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.text[:60]


def _document_path(instance, filename):
    # The commune and project in the path make a restore readable; the name is kept for the download only.
    suffix = PurePath(filename).suffix.lower()
    return f"projects/{instance.project_id}/phases/{instance.phase}/{instance.stored_name}{suffix}"


class PhaseDocument(TimeStampedModel):
    """A file attached to a phase, stored through Django's storage and served only by a view that checks the
    tenant (never from a public media URL)."""

    project = models.ForeignKey(
        "projects.FollowedProject", on_delete=models.CASCADE, related_name="phase_documents", verbose_name=_("projet")
    )
    phase = models.CharField(_("phase"), max_length=20, choices=ProjectPhase.choices)
    title = models.CharField(_("titre"), max_length=200)
    file = models.FileField(_("fichier"), upload_to=_document_path, max_length=300)
    file_name = models.CharField(_("nom du fichier"), max_length=255)
    size = models.PositiveBigIntegerField(_("taille (octets)"), default=0)
    stored_name = models.CharField(max_length=40, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, verbose_name=_("déposé par")
    )

    objects = ProjectChildQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("document de phase")
        verbose_name_plural = _("documents de phase")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.title


class PhaseTransition(models.Model):
    """Who moved the project from one phase to another, when, why, and how many questions were still open."""

    project = models.ForeignKey(
        "projects.FollowedProject", on_delete=models.CASCADE, related_name="transitions", verbose_name=_("projet")
    )
    from_phase = models.CharField(_("de"), max_length=20, choices=ProjectPhase.choices)
    to_phase = models.CharField(_("vers"), max_length=20, choices=ProjectPhase.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, verbose_name=_("décidé par")
    )
    decided_at = models.DateTimeField(_("le"))
    comment = models.TextField(_("commentaire"), blank=True)
    open_items = models.PositiveSmallIntegerField(_("points encore ouverts"), default=0)
    # Set by the notification task when it claims the e-mail, so that a retried task sends it once.
    notified_at = models.DateTimeField(_("notifié le"), null=True, blank=True, editable=False)

    objects = ProjectChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("changement de phase")
        verbose_name_plural = _("changements de phase")
        ordering = ["-decided_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(from_phase=models.F("to_phase")), name="phase_transition_changes"),
        ]

    def __str__(self):
        return f"{self.get_from_phase_display()} → {self.get_to_phase_display()}"

    @property
    def is_backward(self) -> bool:
        return PHASE_ORDER.index(self.to_phase) < PHASE_ORDER.index(self.from_phase)
