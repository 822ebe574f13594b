"""Writes of the criteria: the defaults of a mission, edits of a criterion, the ranking settings.

Every function takes its author (``by``), kept in the history, and logs ``key=value``. Weights that would all be
zero and thresholds out of order are refused with the engine's French messages, raised as ``ValidationError``.
"""

import logging
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from roadmap import ranking
from roadmap.models import Consensus, Criterion, CriterionDirection, MatrixRole, RankingSettings, Score

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
