"""Errors of the ranking engine: one base class, one subclass per bad input, each with a French message.

The screens show ``str(error)`` (or ``error.message``) to the user as it is; the attributes carry the
same facts as data (sheet codes, criterion codes, values) for code that wants to point at a field.
"""

from django.utils.translation import gettext as _

from roadmap.ranking.text import format_number


class RankingError(ValueError):
    """Base class: an input the engine refuses. ``message`` is French and meant for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NoCriteria(RankingError):
    def __init__(self):
        super().__init__(_("Aucun critère n'est défini : impossible de classer les fiches."))


class DuplicateCode(RankingError):
    def __init__(self, code: str):
        self.code = code
        super().__init__(_("Le code « %(code)s » est utilisé deux fois.") % {"code": code})


class NegativeWeight(RankingError):
    def __init__(self, criterion: str, weight: float):
        self.criterion, self.weight = criterion, weight
        super().__init__(
            _("Le poids du critère « %(criterion)s » est négatif (%(weight)s) : un poids doit être positif ou nul.")
            % {"criterion": criterion, "weight": format_number(weight, 2)}
        )


class AllWeightsZero(RankingError):
    def __init__(self):
        super().__init__(_("Tous les poids sont nuls : donnez un poids positif à au moins un critère."))


class InvalidScale(RankingError):
    def __init__(self, criterion: str, scale_min: float, scale_max: float):
        self.criterion, self.scale_min, self.scale_max = criterion, scale_min, scale_max
        super().__init__(
            _("L'échelle du critère « %(criterion)s » est invalide (%(min)s à %(max)s) : le minimum doit être "
              "inférieur au maximum.")
            % {"criterion": criterion, "min": format_number(scale_min, 0), "max": format_number(scale_max, 0)}
        )  # fmt: skip


class ScoreOutOfScale(RankingError):
    def __init__(self, sheet: str, criterion: str, score: float, scale_min: float, scale_max: float):
        self.sheet, self.criterion, self.score = sheet, criterion, score
        super().__init__(
            _("La note %(score)s de la fiche %(sheet)s pour le critère « %(criterion)s » est hors de l'échelle "
              "%(min)s à %(max)s.")
            % {
                "score": format_number(score, 1),
                "sheet": sheet,
                "criterion": criterion,
                "min": format_number(scale_min, 0),
                "max": format_number(scale_max, 0),
            }
        )  # fmt: skip


class MissingScore(RankingError):
    def __init__(self, sheet: str, criterion: str):
        self.sheet, self.criterion = sheet, criterion
        super().__init__(
            _("La fiche %(sheet)s n'a encore aucune note pour le critère « %(criterion)s ».")
            % {"sheet": sheet, "criterion": criterion}
        )


class ShapeMismatch(RankingError):
    """Arrays and lists that do not match: a programming error rather than a user's, still reported in French."""

    def __init__(self, detail: str):
        self.detail = detail
        super().__init__(_("Données de classement incohérentes : %(detail)s.") % {"detail": detail})


class InvalidParameter(RankingError):
    def __init__(self, name: str, value, expected: str):
        self.name, self.value = name, value
        super().__init__(
            _("Paramètre « %(name)s » invalide (%(value)s) : %(expected)s.")
            % {"name": name, "value": value, "expected": expected}
        )


class InvalidThresholds(RankingError):
    def __init__(self, thresholds):
        self.thresholds = tuple(thresholds)
        super().__init__(
            _("Les seuils des classes de priorité (%(thresholds)s) doivent être compris entre 0 et 100 et "
              "strictement décroissants.")
            % {"thresholds": " ; ".join(format_number(t, 1) for t in self.thresholds)}
        )  # fmt: skip


class UnknownCriterion(RankingError):
    def __init__(self, criterion: str):
        self.criterion = criterion
        super().__init__(_("Le critère « %(criterion)s » n'existe pas dans cette mission.") % {"criterion": criterion})


class InvalidMatrixAxes(RankingError):
    def __init__(self):
        super().__init__(
            _("La matrice impact/effort demande au moins un critère d'impact et un critère d'effort, distincts.")
        )


class SelfPrerequisite(RankingError):
    def __init__(self, sheet: str):
        self.sheet = sheet
        super().__init__(_("La fiche %(sheet)s ne peut pas être son propre prérequis.") % {"sheet": sheet})


class UnknownPrerequisite(RankingError):
    def __init__(self, sheet: str, prerequisite: str):
        self.sheet, self.prerequisite = sheet, prerequisite
        super().__init__(
            _("Le prérequis %(prerequisite)s de la fiche %(sheet)s n'est pas une fiche de cette mission.")
            % {"prerequisite": prerequisite, "sheet": sheet}
        )


class DependencyCycle(RankingError):
    def __init__(self, cycle):
        self.cycle = tuple(cycle)
        super().__init__(
            _("Les prérequis forment un cycle : %(cycle)s.") % {"cycle": " → ".join([*self.cycle, self.cycle[0]])}
        )


class InvalidPin(RankingError):
    def __init__(self, sheet: str, detail: str):
        self.sheet, self.detail = sheet, detail
        super().__init__(
            _("La date de début fixée pour la fiche %(sheet)s est impossible : %(detail)s.")
            % {"sheet": sheet, "detail": detail}
        )


class InvalidAmount(RankingError):
    def __init__(self, sheet: str, field: str, amount):
        self.sheet, self.field, self.amount = sheet, field, amount
        super().__init__(
            _("Montant invalide pour la fiche %(sheet)s (%(field)s : %(amount)s) : il doit être positif ou nul.")
            % {"sheet": sheet, "field": field, "amount": amount}
        )
