"""Writes on a project's SPMM phases: checklist answers, notes, documents, and moving between phases.

Moving forward goes to the next phase only; going back goes to any earlier phase and needs a comment. Each
move is recorded (``PhaseTransition``: who, when, why, how many questions were still open) and announced by
:func:`on_phase_changed`, whose e-mail leaves after the commit through a Celery task.
"""

import logging
import secrets
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from projects.models import (
    PHASE_ORDER,
    ChecklistAnswer,
    FollowedProject,
    PhaseDocument,
    PhaseNote,
    PhaseTransition,
    ProjectPhase,
    next_phase,
)
from projects.selectors.phases import open_rows
from territoire import queueing

logger = logging.getLogger(__name__)


def answer_save(*, project, question, status: str, note: str, by) -> ChecklistAnswer:
    """Record (or change) the project's answer to one question of the checklist."""
    values = {"status": status, "note": note, "answered_by": by, "answered_at": timezone.now()}
    with transaction.atomic():
        answer = ChecklistAnswer.objects.select_for_update().filter(project=project, question=question).first()
        if answer is None:
            answer = ChecklistAnswer(project=project, question=question)
        for name, value in values.items():
            setattr(answer, name, value)
        answer._history_user = by
        try:
            with transaction.atomic():
                answer.save()
        except IntegrityError:  # a teammate answered first at the same moment: ours, the later one, wins
            answer = ChecklistAnswer.objects.select_for_update().get(project=project, question=question)
            for name, value in values.items():
                setattr(answer, name, value)
            answer._history_user = by
            answer.save(update_fields=[*values, "updated_at"])
    logger.info("checklist_answered project=%s question=%s status=%s by=%s", project.pk, question.pk, status, by.pk)
    return answer


def note_add(*, project, phase: str, text: str, by) -> PhaseNote:
    note = PhaseNote(project=project, phase=phase, text=text, author=by)
    note._history_user = by
    note.save()
    logger.info("phase_note_added project=%s phase=%s by=%s", project.pk, phase, by.pk)
    return note


def document_add(*, project, phase: str, title: str, file, by) -> PhaseDocument:
    """Store the file through Django's storage under a random name (the original name is kept for the
    download only, so nothing a user types ends up in a path)."""
    original = PurePath(file.name).name
    document = PhaseDocument(
        project=project,
        phase=phase,
        title=title or original,
        file_name=original,
        size=file.size,
        stored_name=secrets.token_hex(16),
        uploaded_by=by,
    )
    document._history_user = by
    document.file.save(original, file, save=False)
    document.save()
    logger.info("phase_document_added project=%s phase=%s document=%s by=%s", project.pk, phase, document.pk, by.pk)
    return document


def phase_move(*, project: FollowedProject, from_phase: str, to_phase: str, comment: str, by) -> PhaseTransition:
    """Move the project from ``from_phase`` (the phase the person saw) to ``to_phase`` and record it.

    Refused in French: a phase that changed meanwhile, a jump forward past the next phase, staying put, going
    back without a comment.
    """
    if to_phase not in ProjectPhase.values:
        raise ValidationError(_("Phase inconnue."))
    with transaction.atomic():
        locked = FollowedProject.objects.select_for_update().get(pk=project.pk)
        if locked.phase != from_phase:
            raise ValidationError(
                _("Le projet a changé de phase entre-temps (il est en %(phase)s) : vérifiez puis recommencez.")
                % {"phase": locked.get_phase_display()}
            )
        if to_phase == from_phase:
            raise ValidationError(_("Le projet est déjà dans cette phase."))
        backward = PHASE_ORDER.index(to_phase) < PHASE_ORDER.index(from_phase)
        if not backward and to_phase != next_phase(from_phase):
            raise ValidationError(_("Un projet passe à la phase suivante : on ne saute pas de phase."))
        if backward and not comment.strip():
            raise ValidationError(_("Expliquez en commentaire pourquoi le projet revient à une phase antérieure."))
        transition = PhaseTransition.objects.create(
            project=locked,
            from_phase=from_phase,
            to_phase=to_phase,
            decided_by=by,
            decided_at=timezone.now(),
            comment=comment.strip(),
            open_items=len(open_rows(locked, from_phase)),
        )
        locked.phase = to_phase
        locked._history_user = by
        locked.save(update_fields=["phase", "updated_at"])
        project.phase = to_phase
        on_phase_changed(locked, transition)
    logger.info(
        "phase_moved project=%s from=%s to=%s open_items=%s by=%s",
        project.pk,
        from_phase,
        to_phase,
        transition.open_items,
        by.pk,
    )
    return transition


def on_phase_changed(project, transition) -> None:
    """Hook called by every phase change: for now one e-mail to the team, the leader and the consultant, sent
    by a task once the change is committed (a rolled-back change announces nothing; with the broker down, the
    e-mail leaves when it is back: ``territoire.queueing``)."""
    from projects.tasks_phases import notify_phase_change_task

    queueing.send_on_commit(notify_phase_change_task, transition.pk)
