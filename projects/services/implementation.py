"""Writes of the implementation follow-up, each with its author (``by``, kept in the history) and a ``key=value``
log line.

Rules that read other rows live here: spending that takes a budget line above what is committed on it needs a
comment (``ValidationError`` on ``comment``, nothing saved). The daily notification of late milestones is
idempotent: a :class:`~projects.models.Notification` row keyed (project, kind, object, day) is written in the
same transaction as the e-mail is sent, so a second run the same day finds it and sends nothing.
"""

import logging
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from projects.models import (
    Commitment,
    FollowedProject,
    Milestone,
    Notification,
    NotificationKind,
    ProjectStatus,
    Spending,
)
from territoire.templatetags.territoire import money

logger = logging.getLogger(__name__)


def _project_id(record) -> int:
    return record.project_id if hasattr(record, "project_id") else record.indicator.project_id


@transaction.atomic
def record_save(*, record, by):
    """Save a row of the follow-up (milestone, commitment, risk, participant...) after its model's checks."""
    record.full_clean()
    record._history_user = by
    record.save()
    logger.info(
        "implementation_saved model=%s id=%s project=%s by=%s",
        type(record).__name__,
        record.pk,
        _project_id(record),
        by.pk,
    )
    return record


@transaction.atomic
def record_delete(*, record, by) -> None:
    model, pk, project_id = type(record).__name__, record.pk, _project_id(record)
    record._history_user = by
    record.delete()
    logger.info("implementation_deleted model=%s id=%s project=%s by=%s", model, pk, project_id, by.pk)


def line_totals(project, budget_line) -> tuple[Decimal, Decimal]:
    """(committed, spent) on one budget line of the project."""
    committed = Commitment.objects.filter(project=project, budget_line=budget_line).aggregate(t=Sum("amount"))["t"]
    spent = Spending.objects.filter(project=project, budget_line=budget_line).aggregate(t=Sum("amount"))["t"]
    return committed or Decimal("0"), spent or Decimal("0")


@transaction.atomic
def spending_record(*, record: Spending, by) -> Spending:
    """Record a spending (``record``); above the budget committed on its line it needs a comment saying why."""
    spending = record
    spending.full_clean()
    # One spending at a time per project: two invoices typed together must not both pass under the commitment.
    FollowedProject.objects.select_for_update().get(pk=spending.project_id)
    committed, spent = line_totals(spending.project, spending.budget_line)
    if spent + spending.amount > committed and not spending.comment.strip():
        raise ValidationError(
            {
                "comment": _(
                    "Cette dépense porte les dépenses de la ligne « %(line)s » à %(total)s, au-delà du budget engagé "
                    "de %(committed)s : expliquez ce dépassement dans le commentaire pour l’enregistrer."
                )
                % {
                    "line": spending.budget_line.label,
                    "total": money(spent + spending.amount),
                    "committed": money(committed),
                }
            }
        )
    return record_save(record=spending, by=by)


@transaction.atomic
def project_pause_set(*, project, by, paused: bool, pause_reason: str) -> ProjectStatus:
    status, _created = ProjectStatus.objects.select_for_update().get_or_create(project=project)
    status.paused, status.pause_reason = paused, pause_reason.strip() if paused else ""
    status.full_clean()
    status._history_user = by
    status.save(update_fields=["paused", "pause_reason", "updated_at"])
    logger.info("project_pause_set project=%s paused=%s by=%s", project.pk, paused, by.pk)
    return status


def recipients_of(project) -> list[str]:
    """The e-mails of the project's team, leader and consultant (each once, those without an address left out)."""
    people = [*project.team.all(), project.leader, project.consultant]
    return sorted({person.email for person in people if person is not None and person.email and person.is_active})


def _late_text(milestone, today) -> str:
    overdue = milestone.overdue_days(today)
    if overdue:
        return ngettext(
            "Le jalon « %(label)s » devait être atteint le %(date)s : il est en retard de %(days)s jour.",
            "Le jalon « %(label)s » devait être atteint le %(date)s : il est en retard de %(days)s jours.",
            overdue,
        ) % {"label": milestone.label, "date": milestone.current_date.strftime("%d/%m/%Y"), "days": overdue}
    slip = milestone.slip_days()
    return ngettext(
        "Le jalon « %(label)s » est reporté au %(date)s, %(days)s jour après sa date de référence.",
        "Le jalon « %(label)s » est reporté au %(date)s, %(days)s jours après sa date de référence.",
        slip,
    ) % {"label": milestone.label, "date": milestone.current_date.strftime("%d/%m/%Y"), "days": slip}


def late_milestones_notify(*, today: date | None = None) -> int:
    """Send one e-mail per late milestone (not done, and overdue or slipped beyond its baseline) to its project's
    team, leader and consultant, at most once a day per milestone. Paused projects are left alone. Returns the
    number of e-mails sent."""
    today = today or timezone.localdate()
    paused = ProjectStatus.objects.filter(paused=True).values("project_id")
    milestones = (
        Milestone.objects.filter(done_date__isnull=True)
        .filter(Q(current_date__lt=today) | Q(current_date__gt=F("baseline_date")))
        .exclude(project_id__in=paused)
        .select_related("project__leader", "project__consultant", "project__mission__commune")
        .prefetch_related("project__team")
        .order_by("project_id", "current_date", "pk")
    )
    sent = 0
    for milestone in milestones:
        if not milestone.is_late(today):
            continue
        project = milestone.project
        recipients = recipients_of(project)
        if not recipients:
            continue
        try:
            with transaction.atomic():
                Notification.objects.create(
                    project=project,
                    kind=NotificationKind.LATE_MILESTONE,
                    object_id=milestone.pk,
                    day=today,
                    recipients=", ".join(recipients),
                )
                send_mail(
                    _("[%(commune)s] Jalon en retard : %(label)s")
                    % {"commune": project.mission.commune.name, "label": milestone.label},
                    "\n\n".join(
                        [
                            _late_text(milestone, today),
                            _("Projet : %(project)s") % {"project": project.title},
                            _("Ce message est envoyé une fois par jour tant que le jalon est en retard."),
                        ]
                    ),
                    settings.DEFAULT_FROM_EMAIL,
                    recipients,
                )
        except IntegrityError:
            continue  # already sent today (a second run, or two beats at once)
        sent += 1
        logger.info("late_milestone_notified project=%s milestone=%s day=%s", project.pk, milestone.pk, today)
    return sent
