"""Writes of the scoring: default criteria, criteria edits, a consultant's grid, its submission, consensus values.

Every function takes its author (``by``), kept in the history of criteria, scores and consensus values, and
logs ``key=value``. Scores outside their criterion's scale and criteria whose weights are all zero are refused
with the engine's French messages (``roadmap.ranking.errors``), raised as ``ValidationError``.
"""

import logging
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from roadmap import ranking
from roadmap.models import (
    Consensus,
    Criterion,
    CriterionDirection,
    MatrixRole,
    ProjectSheet,
    RankingSettings,
    Score,
    ScoringSubmission,
)

logger = logging.getLogger(__name__)

HIGHER, LOWER = CriterionDirection.HIGHER_IS_BETTER, CriterionDirection.LOWER_IS_BETTER


def _guide(*descriptions):
    return [{"level": level, "description": str(text)} for level, text in enumerate(descriptions, 1)]


# code → (label, direction, matrix role, guide from 1 to 5)
DEFAULT_CRITERIA = {
    "budget": (
        gettext_lazy("Budget"),
        LOWER,
        MatrixRole.EFFORT,
        (
            gettext_lazy("moins de 10 000 €"),
            gettext_lazy("de 10 000 à 50 000 €"),
            gettext_lazy("de 50 000 à 150 000 €"),
            gettext_lazy("de 150 000 à 500 000 €"),
            gettext_lazy("plus de 500 000 €"),
        ),
    ),
    "faisabilite": (
        gettext_lazy("Faisabilité technique"),
        HIGHER,
        MatrixRole.EFFORT,
        (
            gettext_lazy("technologie non éprouvée, prérequis absents"),
            gettext_lazy("développement spécifique, prérequis à construire"),
            gettext_lazy("solution existante à adapter"),
            gettext_lazy("solution du marché, quelques prérequis à compléter"),
            gettext_lazy("solution éprouvée, prérequis en place"),
        ),
    ),
    "ressources": (
        gettext_lazy("Ressources disponibles et nécessaires"),
        HIGHER,
        MatrixRole.EFFORT,
        (
            gettext_lazy("compétences et temps absents, recrutement nécessaire"),
            gettext_lazy("appui externe important nécessaire"),
            gettext_lazy("équipe à renforcer ponctuellement"),
            gettext_lazy("l'équipe actuelle suffit avec un peu d'aide"),
            gettext_lazy("l'équipe actuelle suffit"),
        ),
    ),
    "impact": (
        gettext_lazy("Impact sur la population"),
        HIGHER,
        MatrixRole.IMPACT,
        (
            gettext_lazy("aucun effet visible pour les habitants"),
            gettext_lazy("quelques usagers concernés"),
            gettext_lazy("un public cible entier concerné"),
            gettext_lazy("une large part de la population concernée"),
            gettext_lazy("toute la population en profite au quotidien"),
        ),
    ),
    "pst": (
        gettext_lazy("Alignement PST"),
        HIGHER,
        MatrixRole.IMPACT,
        (
            gettext_lazy("sans lien avec le PST"),
            gettext_lazy("lien indirect"),
            gettext_lazy("sert un objectif opérationnel"),
            gettext_lazy("sert plusieurs objectifs opérationnels"),
            gettext_lazy("réalise une action du PST"),
        ),
    ),
}

OPTIONAL_CRITERIA = {
    "quick_win": (
        gettext_lazy("Gain rapide (quick win)"),
        HIGHER,
        MatrixRole.NONE,
        (
            gettext_lazy("résultats après plus de deux ans"),
            gettext_lazy("résultats en un à deux ans"),
            gettext_lazy("résultats en un an"),
            gettext_lazy("résultats en six mois"),
            gettext_lazy("résultats en quelques semaines"),
        ),
    ),
    "subsides": (
        gettext_lazy("Éligibilité aux subsides"),
        HIGHER,
        MatrixRole.NONE,
        (
            gettext_lazy("aucun appel connu"),
            gettext_lazy("éligibilité incertaine"),
            gettext_lazy("un appel possible"),
            gettext_lazy("éligible à un appel ouvert"),
            gettext_lazy("éligible, taux élevé et appel proche"),
        ),
    ),
    "ouverture": (
        gettext_lazy("Interopérabilité et ouverture"),
        HIGHER,
        MatrixRole.NONE,
        (
            gettext_lazy("solution fermée, données captives"),
            gettext_lazy("export manuel des données"),
            gettext_lazy("API propriétaire documentée"),
            gettext_lazy("standards ouverts"),
            gettext_lazy("standards ouverts, données ouvertes, code libre"),
        ),
    ),
}


def _create(mission, code, definition, position, by):
    label, direction, role, guide = definition
    criterion = Criterion(
        mission=mission,
        code=code,
        label=str(label),
        direction=direction,
        matrix_role=role,
        guide=_guide(*guide),
        position=position,
    )
    criterion._history_user = by
    criterion.save()
    return criterion


@transaction.atomic
def criteria_create_defaults(*, mission, by, optional=()) -> list[Criterion]:
    """Create the default criteria the mission lacks, and the optional ones named in ``optional``."""
    existing = set(Criterion.objects.filter(mission=mission).select_for_update().values_list("code", flat=True))
    position = Criterion.objects.filter(mission=mission).count()
    wanted = [*DEFAULT_CRITERIA.items(), *((code, OPTIONAL_CRITERIA[code]) for code in optional)]
    created = []
    for code, definition in wanted:
        if code in existing:
            continue
        position += 1
        created.append(_create(mission, code, definition, position, by))
        existing.add(code)
    logger.info(
        "criteria_created mission=%s codes=%s by=%s", mission.pk, ",".join(c.code for c in created) or "-", by.pk
    )
    return created


def engine_criterion(criterion: Criterion) -> ranking.Criterion:
    """A criterion row as the ranking engine's plain ``Criterion``."""
    return ranking.Criterion(
        code=criterion.code,
        weight=float(criterion.weight),
        scale_min=criterion.scale_min,
        scale_max=criterion.scale_max,
        direction=ranking.Direction(criterion.direction),
        label=criterion.label,
    )


CRITERION_FIELDS = ("label", "weight", "scale_min", "scale_max", "direction", "matrix_role", "position", "guide")


@transaction.atomic
def criterion_update(*, criterion: Criterion, by, **fields) -> Criterion:
    """Save the edited fields of a criterion; refuse weights that would all be zero (the engine's message)."""
    others = list(
        Criterion.objects.filter(mission_id=criterion.mission_id).exclude(pk=criterion.pk).select_for_update()
    )
    for name, value in fields.items():
        setattr(criterion, name, value)
    try:
        ranking.check_criteria([engine_criterion(c) for c in [*others, criterion]])
    except ranking.RankingError as error:
        raise ValidationError(error.message) from error
    outside = (
        Score.objects.filter(criterion=criterion)
        .exclude(value__gte=criterion.scale_min, value__lte=criterion.scale_max)
        .count()
        + Consensus.objects.filter(criterion=criterion)
        .exclude(value__gte=criterion.scale_min, value__lte=criterion.scale_max)
        .count()
    )
    if outside:
        raise ValidationError(
            _(
                "%(count)s note(s) déjà données sortiraient de l'échelle %(min)s à %(max)s : corrigez-les dans les "
                "grilles ou gardez une échelle qui les contient."
            )
            % {"count": outside, "min": criterion.scale_min, "max": criterion.scale_max}
        )
    criterion._history_user = by
    criterion.save(update_fields=[*fields, "updated_at"])
    logger.info("criterion_updated criterion=%s fields=%s by=%s", criterion.pk, ",".join(fields), by.pk)
    return criterion


def ranking_settings_of(mission) -> RankingSettings:
    """The mission's settings, or unsaved defaults (a page that reads them writes nothing)."""
    return RankingSettings.objects.filter(mission=mission).first() or RankingSettings(mission=mission)


@transaction.atomic
def ranking_settings_update(*, mission, by, disagreement_threshold: Decimal, class_thresholds) -> RankingSettings:
    try:
        thresholds = ranking.scoring.check_thresholds(class_thresholds)
    except ranking.RankingError as error:
        raise ValidationError(error.message) from error
    settings, _created = RankingSettings.objects.select_for_update().get_or_create(mission=mission)
    settings.disagreement_threshold = disagreement_threshold
    settings.class_thresholds = [float(t) for t in thresholds]
    settings._history_user = by
    settings.save(update_fields=["disagreement_threshold", "class_thresholds", "updated_at"])
    logger.info(
        "ranking_settings_updated mission=%s threshold=%s classes=%s by=%s",
        mission.pk,
        disagreement_threshold,
        "/".join(str(t) for t in thresholds),
        by.pk,
    )
    return settings


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
