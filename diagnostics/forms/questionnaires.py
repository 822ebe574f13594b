"""Forms of the questionnaire builder: validation only; services do the writes."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from diagnostics.builtin import BUILTIN_TEMPLATES
from diagnostics.models import CHOICE_TYPES, Choice, Questionnaire, QuestionType
from territoire.models import SmartDimension, SmartTheme

NUMBER_LIMIT = Decimal("9999999999")  # answers to a number question stay below 1e10


class QuestionnaireForm(forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class TemplateChoiceForm(forms.Form):
    """One of the consultant's own templates (never another person's): an id that is not one is refused."""

    template_id = forms.ModelChoiceField(
        label=_("Modèle"),
        queryset=Questionnaire.objects.none(),
        error_messages={"invalid_choice": _("Ce modèle n'existe pas ou n'est pas l'un des vôtres.")},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template_id"].queryset = Questionnaire.objects.templates_of(user)


class BuiltinForm(forms.Form):
    key = forms.ChoiceField(label=_("Modèle"), choices=[(k, v["title"]) for k, v in BUILTIN_TEMPLATES.items()])


class SectionForm(forms.Form):
    title = forms.CharField(label=_("Titre de la section"), max_length=200)
    description = forms.CharField(label=_("Introduction"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class QuestionAddForm(forms.Form):
    type = forms.ChoiceField(label=_("Type"), choices=QuestionType.choices)
    text = forms.CharField(label=_("Intitulé de la question"), max_length=500)


def _lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


# The fields that only some types use (the editor shows each only for them); the others serve every type.
TYPE_FIELDS = {
    "choices": CHOICE_TYPES,
    "other_label": CHOICE_TYPES,
    "rows": {QuestionType.MATRIX},
    "unit": {QuestionType.NUMBER},
    "min": {QuestionType.NUMBER},
    "max": {QuestionType.NUMBER},
}


class QuestionForm(forms.Form):
    text = forms.CharField(label=_("Intitulé"), max_length=500)
    help_text = forms.CharField(label=_("Aide"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    type = forms.ChoiceField(label=_("Type"), choices=QuestionType.choices)
    required = forms.BooleanField(label=_("Réponse obligatoire"), required=False)
    choices = forms.CharField(
        label=_("Choix (un par ligne)"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    other_label = forms.CharField(
        label=_("Choix « autre, précisez »"),
        required=False,
        max_length=300,
        help_text=_("Laissez vide pour ne pas proposer de choix « autre »."),
    )
    rows = forms.CharField(
        label=_("Lignes de la matrice (une par ligne)"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    unit = forms.CharField(label=_("Unité"), required=False, max_length=20)
    # Bounds stay within what an answer may hold (see diagnostics.services.respond): 1e400 is refused here,
    # never turned into an infinite float in the question's config.
    min = forms.DecimalField(
        label=_("Minimum"), required=False, min_value=-NUMBER_LIMIT, max_value=NUMBER_LIMIT, decimal_places=4
    )
    max = forms.DecimalField(
        label=_("Maximum"), required=False, min_value=-NUMBER_LIMIT, max_value=NUMBER_LIMIT, decimal_places=4
    )
    dimension = forms.ChoiceField(label=_("Dimension"), required=False, choices=[("", "—"), *SmartDimension.choices])
    theme = forms.ChoiceField(label=_("Thématique"), required=False, choices=[("", "—"), *SmartTheme.choices])
    counts_for_maturity = forms.BooleanField(label=_("Compte pour le score de maturité"), required=False)
    show_if_choice = forms.ModelChoiceField(
        label=_("Afficher seulement si"),
        required=False,
        queryset=Choice.objects.none(),
        empty_label=_("toujours afficher"),
    )

    def __init__(self, *args, question, **kwargs):
        self.question = question
        super().__init__(*args, **kwargs)
        # Conditions refer to a choice of a question placed before this one, in this questionnaire.
        earlier = [
            q.pk
            for q in question.questionnaire.questions.select_related("section").order_by(
                "section__position", "position", "pk"
            )
        ]
        earlier = earlier[: earlier.index(question.pk)] if question.pk in earlier else earlier
        self.fields["show_if_choice"].queryset = Choice.objects.filter(
            question_id__in=earlier, question__type__in=[QuestionType.SINGLE, QuestionType.MULTIPLE]
        ).select_related("question")
        self.fields["show_if_choice"].label_from_instance = lambda c: f"{c.question.text[:60]} → {c.label}"

    def clean(self):
        data = super().clean()
        qtype = data.get("type")
        # A field the chosen type does not use is neither shown nor validated: a bound left over from an
        # earlier type must not block saving a single-choice question.
        for name, types in TYPE_FIELDS.items():
            if qtype not in types:
                self.errors.pop(name, None)
                data[name] = None if name in ("min", "max") else ""
        data["choice_labels"] = _lines(data.get("choices") or "")
        if qtype in CHOICE_TYPES and len(data["choice_labels"]) < 2:
            self.add_error("choices", _("Donnez au moins deux choix."))
        if qtype == QuestionType.MATRIX and len(_lines(data.get("rows") or "")) < 1:
            self.add_error("rows", _("Donnez au moins une ligne."))
        if data.get("min") is not None and data.get("max") is not None and data["min"] > data["max"]:
            self.add_error("max", _("Le maximum doit être supérieur au minimum."))
        if data.get("counts_for_maturity") and qtype not in (
            QuestionType.LIKERT,
            QuestionType.RATING,
            QuestionType.YES_NO,
            QuestionType.MATRIX,
        ):
            self.add_error(
                "counts_for_maturity",
                _("Seules les échelles, notes, oui/non et matrices comptent pour la maturité."),
            )
        config = {}
        if qtype == QuestionType.NUMBER:
            config = {
                k: (float(v) if k != "unit" else v)
                for k, v in (("unit", data.get("unit")), ("min", data.get("min")), ("max", data.get("max")))
                if v not in (None, "")
            }
        if qtype == QuestionType.MATRIX:
            config = {"rows": _lines(data.get("rows") or "")}
        data["config"] = config
        return data
