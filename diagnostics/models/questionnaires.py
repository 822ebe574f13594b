"""Questionnaires: sections, questions and their choices.

A questionnaire belongs to a mission. A consultant's own templates are questionnaires with no
mission and an ``owner``: they are listed only to that owner, and loading one into a mission copies
it. The built-in templates are data in :mod:`diagnostics.builtin`, not rows.

Structural edits once answered: as soon as one response exists for one of its campaigns, a
questionnaire is *locked*: questions, sections and choices can no longer be deleted, a question's
type, choices count, matrix rows or show-if condition can no longer change. Wording, help texts,
the required flag, order, and new questions stay editable. We chose locking over silent
versioning because a consultant must see at once which answers a change would invalidate; the
builder shows the lock and offers "Dupliquer pour modifier", which creates a new version
(``source`` points to the original) that can be sent in a new campaign.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from territoire.models import SmartDimension, SmartTheme, TenantQuerySet, TimeStampedModel


def delete_templates_else_set_null(collector, field, sub_objs, using):
    """``on_delete`` of ``Questionnaire.owner``: a deleted user's personal templates go with them.

    A template (no mission) exists only through its owner (check constraint ``mission_or_owner``),
    so it is deleted; a mission's questionnaire keeps living without an owner. Copies loaded into
    missions are independent questionnaires (their ``source`` is set to null).
    """
    templates = sub_objs.filter(mission__isnull=True)
    others = sub_objs.filter(mission__isnull=False)
    if templates:
        models.CASCADE(collector, field, templates, using)
    if others:
        models.SET_NULL(collector, field, others, using)


class QuestionnaireQuerySet(TenantQuerySet):
    commune_lookup = "mission__commune"

    def templates_of(self, user):
        """The consultant's own templates (no mission): never another person's, never a commune's."""
        return self.filter(mission__isnull=True, owner=user)


class Questionnaire(TimeStampedModel):
    mission = models.ForeignKey(
        "territoire.Mission",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="questionnaires",
        verbose_name=_("mission"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=delete_templates_else_set_null,
        null=True,
        blank=True,
        related_name="questionnaire_templates",
        verbose_name=_("propriétaire"),
    )
    title = models.CharField(_("titre"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    source = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="copies", verbose_name=_("copié de")
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    builtin_key = models.CharField(_("modèle intégré d'origine"), max_length=40, blank=True)

    objects = QuestionnaireQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        constraints = [
            models.CheckConstraint(
                condition=Q(mission__isnull=False) | Q(owner__isnull=False), name="questionnaire_mission_or_owner"
            ),
        ]

    def __str__(self):
        return self.title

    def is_locked(self) -> bool:
        """True once any campaign of this questionnaire has a response (see the module docstring)."""
        from diagnostics.models.campaigns import Response

        return Response.objects.filter(campaign__questionnaire=self).exists()


class SectionQuerySet(TenantQuerySet):
    commune_lookup = "questionnaire__mission__commune"


class Section(TimeStampedModel):
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="sections", verbose_name=_("questionnaire")
    )
    title = models.CharField(_("titre"), max_length=200)
    description = models.TextField(_("introduction"), blank=True)
    position = models.PositiveIntegerField(_("ordre"), default=0)

    objects = SectionQuerySet.as_manager()

    class Meta:
        ordering = ["questionnaire", "position", "pk"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self):
        return self.title


class QuestionType(models.TextChoices):
    SHORT_TEXT = "short_text", _("Texte court")
    LONG_TEXT = "long_text", _("Texte long")
    SINGLE = "single", _("Choix unique")
    MULTIPLE = "multiple", _("Choix multiple")
    LIKERT = "likert", _("Accord (1 à 5)")
    RATING = "rating", _("Note (0 à 10)")
    NUMBER = "number", _("Nombre")
    YES_NO = "yes_no", _("Oui / non")
    RANKING = "ranking", _("Classement")
    MATRIX = "matrix", _("Matrice (lignes × échelle)")


CHOICE_TYPES = {QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.RANKING}
SCORED_TYPES = {QuestionType.LIKERT, QuestionType.RATING, QuestionType.YES_NO, QuestionType.MATRIX}
TEXT_TYPES = {QuestionType.SHORT_TEXT, QuestionType.LONG_TEXT}
LIKERT_LABELS = [
    _("Pas du tout d'accord"),
    _("Plutôt pas d'accord"),
    _("Ni d'accord ni pas d'accord"),
    _("Plutôt d'accord"),
    _("Tout à fait d'accord"),
]


class QuestionQuerySet(TenantQuerySet):
    commune_lookup = "questionnaire__mission__commune"


class Question(TimeStampedModel):
    """One question. ``config`` holds what depends on the type.

    number: ``{"unit": "€", "min": 0, "max": 100}``; matrix: ``{"rows": ["…", "…"]}`` (the scale is
    the Likert 1–5 one; answers refer to rows by index, which is why rows are locked once
    answered); likert/rating may carry ``{"low": "…", "high": "…"}`` labels for the ends.
    ``questionnaire`` repeats ``section.questionnaire`` so results aggregate without a join.
    """

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="questions", verbose_name=_("questionnaire")
    )
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions", verbose_name=_("section"))
    position = models.PositiveIntegerField(_("ordre"), default=0)
    type = models.CharField(_("type"), max_length=20, choices=QuestionType.choices, default=QuestionType.SHORT_TEXT)
    text = models.CharField(_("intitulé"), max_length=500)
    help_text = models.TextField(_("aide"), blank=True)
    required = models.BooleanField(_("réponse obligatoire"), default=False)
    config = models.JSONField(_("paramètres"), default=dict, blank=True)
    dimension = models.CharField(_("dimension"), max_length=20, choices=SmartDimension.choices, blank=True)
    theme = models.CharField(_("thématique"), max_length=20, choices=SmartTheme.choices, blank=True)
    counts_for_maturity = models.BooleanField(_("compte pour la maturité"), default=False)
    show_if_choice = models.ForeignKey(
        "Choice",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("afficher seulement si la réponse est"),
    )

    objects = QuestionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["section__position", "position", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.CheckConstraint(condition=Q(type__in=QuestionType.values), name="question_type_valid"),
            models.CheckConstraint(
                condition=Q(counts_for_maturity=False) | Q(type__in=sorted(t.value for t in SCORED_TYPES)),
                name="question_only_scored_types_count",
            ),
        ]

    def __str__(self):
        return self.text

    @property
    def rows(self) -> list[str]:
        return list(self.config.get("rows", []))

    @property
    def scale(self) -> list[tuple[int, str]]:
        """The points a respondent picks from for scale types: (value, label)."""
        if self.type in (QuestionType.LIKERT, QuestionType.MATRIX):
            return list(zip(range(1, 6), LIKERT_LABELS, strict=True))
        if self.type == QuestionType.RATING:
            return [(n, str(n)) for n in range(11)]
        return []


class ChoiceQuerySet(TenantQuerySet):
    commune_lookup = "question__questionnaire__mission__commune"


class Choice(models.Model):
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="choices", verbose_name=_("question")
    )
    label = models.CharField(_("libellé"), max_length=300)
    position = models.PositiveIntegerField(_("ordre"), default=0)
    is_other = models.BooleanField(_("« autre, précisez »"), default=False)

    objects = ChoiceQuerySet.as_manager()

    class Meta:
        ordering = ["question", "position", "pk"]
        verbose_name = _("choix")
        verbose_name_plural = _("choix")

    def __str__(self):
        return self.label
