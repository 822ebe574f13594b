"""Celery tasks the broker refused (Redis down), kept until ``territoire.queueing.resend_unsent`` sends them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class UnsentTask(models.Model):
    """One task to send again: its registered name and its arguments (ids, as JSON text, so that "is this job's
    task waiting?" is one exact lookup). At most one row per task and arguments: the tasks are idempotent."""

    name = models.CharField(_("tâche"), max_length=200)
    args = models.CharField(_("arguments"), max_length=500)
    error = models.TextField(_("erreur"), blank=True)
    created_at = models.DateTimeField(_("refusée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("tâche en attente d'envoi")
        verbose_name_plural = _("tâches en attente d'envoi")
        constraints = [models.UniqueConstraint(fields=["name", "args"], name="unsent_task_once")]

    def __str__(self):
        return f"{self.name}({self.args})"
