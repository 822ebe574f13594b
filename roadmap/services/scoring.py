"""Writes of the scoring: a consultant's grid, its submission, consensus values.

Every function takes its author (``by``), kept in the history of scores and consensus values, and logs
``key=value``. Scores outside their criterion's scale are refused with the engine's French message
(``roadmap.ranking.errors``), raised as ``ValidationError``.
"""

import logging
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from roadmap import ranking
from roadmap.models import Consensus, Criterion, ProjectSheet, Score, ScoringSubmission

logger = logging.getLogger(__name__)


def score_version(score: Score | None) -> str:
    """What the grid remembers of a cell when it loads: the row's last save ("" for no score yet)."""
    return score.updated_at.isoformat() if score is not None else ""


@dataclass(frozen=True)
class CellEdit:
    """A cell of the grid the consultant changed: ``value`` None clears it; ``version`` is what the page loaded."""

    sheet: ProjectSheet
    criterion: Criterion
    value: int | None
    comment: str
    version: str


@dataclass(frozen=True)
class Conflict:
    """A cell saved elsewhere (another tab) since the page was loaded: this save did not overwrite it."""

    sheet: ProjectSheet
    criterion: Criterion
    theirs: int | None
    mine: int | None


@dataclass(frozen=True)
class GridSave:
    saved: int
    conflicts: list[Conflict]


def check_in_scale(sheet: ProjectSheet, criterion: Criterion, value) -> None:
    if value is not None and not criterion.in_scale(value):
        if abs(value) > 10**6:  # too long to write back in the message (and beyond a float)
            value = 10**6 if value > 0 else -(10**6)
        error = ranking.ScoreOutOfScale(sheet.code, criterion.label, value, criterion.scale_min, criterion.scale_max)
        raise ValidationError(error.message)


@transaction.atomic
def scores_save(*, mission, consultant, edits: list[CellEdit], by) -> GridSave:
    """Save the cells a consultant changed in their grid, each only if nobody saved it since the page loaded.

    A cell saved in between (the same consultant in another tab) is not overwritten: it is returned as a
    ``Conflict`` and the page says so; the other cells are saved. Two consultants never clash: each writes
    only their own rows. A value outside the scale refuses the whole save (``ValidationError``).
    """
    for edit in edits:
        if edit.sheet.mission_id != mission.pk or edit.criterion.mission_id != mission.pk:
            raise ValidationError(_("Cette cellule n'appartient pas à la mission."))
        check_in_scale(edit.sheet, edit.criterion, edit.value)
    current = {
        (s.sheet_id, s.criterion_id): s
        for s in Score.objects.select_for_update().filter(
            sheet__mission=mission, consultant=consultant, sheet_id__in={e.sheet.pk for e in edits}
        )
    }
    saved, conflicts = 0, []
    for edit in edits:
        score = current.get((edit.sheet.pk, edit.criterion.pk))
        if score is not None and (score.value, score.comment) == (edit.value, edit.comment):
            continue  # the other tab already saved the same thing
        if score is None and edit.value is None:
            continue
        if score_version(score) != edit.version:
            conflicts.append(Conflict(edit.sheet, edit.criterion, score.value if score else None, edit.value))
            continue
        if edit.value is None:
            score._history_user = by
            score.delete()
        elif score is None:
            score = Score(sheet=edit.sheet, criterion=edit.criterion, consultant=consultant, value=edit.value)
            score.comment = edit.comment
            score._history_user = by
            try:
                with transaction.atomic():
                    score.save()
            except IntegrityError:  # the other tab created the same cell a moment ago
                conflicts.append(Conflict(edit.sheet, edit.criterion, None, edit.value))
                continue
        else:
            score.value, score.comment = edit.value, edit.comment
            score._history_user = by
            score.save(update_fields=["value", "comment", "updated_at"])
        saved += 1
    logger.info(
        "scores_saved mission=%s consultant=%s saved=%s conflicts=%s by=%s",
        mission.pk,
        consultant.pk,
        saved,
        len(conflicts),
        by.pk,
    )
    return GridSave(saved, conflicts)


def missing_cells(*, mission, consultant) -> int:
    """How many cells (scorable sheet × criterion) the consultant has not scored yet."""
    sheets = ProjectSheet.objects.for_mission(mission).scorable().count()
    criteria = Criterion.objects.for_mission(mission).count()
    scored = Score.objects.filter(
        sheet__in=ProjectSheet.objects.for_mission(mission).scorable(),
        criterion__mission=mission,
        consultant=consultant,
    ).count()
    return sheets * criteria - scored


@transaction.atomic
def scoring_submit(*, mission, consultant, by) -> ScoringSubmission:
    """Mark the consultant's grid submitted; refused while cells are empty (French message with their number)."""
    if not Criterion.objects.for_mission(mission).exists():
        raise ValidationError(_("Aucun critère n'est défini : il n'y a rien à soumettre."))
    missing = missing_cells(mission=mission, consultant=consultant)
    if missing:
        raise ValidationError(
            _("Votre grille n'est pas complète : %(count)s cellule(s) sans note. Complétez-la avant de la soumettre.")
            % {"count": missing}
        )
    submission, created = ScoringSubmission.objects.get_or_create(mission=mission, consultant=consultant)
    logger.info("scoring_submitted mission=%s consultant=%s first=%s by=%s", mission.pk, consultant.pk, created, by.pk)
    return submission


def has_submitted(*, mission, consultant) -> bool:
    return ScoringSubmission.objects.filter(mission=mission, consultant=consultant).exists()


@transaction.atomic
def consensus_record(*, sheet: ProjectSheet, criterion: Criterion, value: Decimal, comment: str, by) -> Consensus:
    """Record (or replace) the agreed value of a cell; it replaces the consultants' mean in the ranking."""
    if sheet.mission_id != criterion.mission_id:
        raise ValidationError(_("Cette cellule n'appartient pas à la mission."))
    if not criterion.in_scale(value):
        error = ranking.ScoreOutOfScale(sheet.code, criterion.label, value, criterion.scale_min, criterion.scale_max)
        raise ValidationError(error.message)
    consensus = Consensus.objects.select_for_update().filter(sheet=sheet, criterion=criterion).first()
    if consensus is None:
        consensus = Consensus(sheet=sheet, criterion=criterion, value=value, comment=comment, by=by)
        consensus._history_user = by
        consensus.save()
    else:
        consensus.value, consensus.comment, consensus.by = value, comment, by
        consensus._history_user = by
        consensus.save(update_fields=["value", "comment", "by", "updated_at"])
    logger.info("consensus_recorded sheet=%s criterion=%s value=%s by=%s", sheet.pk, criterion.pk, value, by.pk)
    return consensus
