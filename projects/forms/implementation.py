"""Forms of the implementation follow-up: they check one row (types, ranges, the model's ``clean``); the services
check what needs other rows (spending above the committed budget).

Every choice list is built from the project it is bound to and filtered by the user's communes: a budget line of
another sheet, a participant or a feedback of another project is refused like an unknown value.
"""

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from projects.models import (
    Commitment,
    CommunicationAction,
    Feedback,
    Measurement,
    Milestone,
    Participant,
    ProjectDecision,
    ProjectIndicator,
    ProjectStatus,
    Risk,
    Spending,
)
from roadmap.forms.sheets import localized_decimals
from roadmap.forms.timeline import AmountField
from roadmap.models import BudgetLine, SheetIndicator

SCALE_CHOICES = [(n, str(n)) for n in range(1, 6)]


class ImplementationForm(forms.ModelForm):
    """Dates as date pickers, decimals typed the French way (« 4 200,50 »)."""

    def __init__(self, *args, project, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.project, self.user = project, user
        for field in self.fields.values():
            if isinstance(field, forms.DateField):
                field.widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        localized_decimals(self)


class MilestoneForm(ImplementationForm):
    class Meta:
        model = Milestone
        fields = ["label", "owner", "baseline_date", "current_date", "done_date"]
        help_texts = {
            "baseline_date": _("La date convenue au départ ; elle ne change plus et mesure le glissement."),
            "current_date": _("La date prévue aujourd’hui."),
            "done_date": _("Vide tant que le jalon n’est pas atteint."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # The baseline is the reference a slip is measured against: moving it would hide the slip.
            self.fields["baseline_date"].disabled = True
        else:
            self.fields["current_date"].required = False
            self.fields["current_date"].help_text = _("Vide : la date de référence.")

    def clean(self):
        data = super().clean()
        if not data.get("current_date") and data.get("baseline_date"):
            data["current_date"] = data["baseline_date"]
            self.instance.current_date = data["current_date"]
        return data


class BudgetEntryForm(ImplementationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["budget_line"].queryset = BudgetLine.objects.for_user(self.user).filter(
            sheet_id=self.project.sheet_id
        )
        self.fields["amount"].error_messages["min_value"] = _("Un montant ne peut pas être négatif.")


class CommitmentForm(BudgetEntryForm):
    class Meta:
        model = Commitment
        fields = ["budget_line", "amount", "date", "supplier", "reference"]
        field_classes = {"amount": AmountField}


class SpendingForm(BudgetEntryForm):
    class Meta:
        model = Spending
        fields = ["budget_line", "amount", "date", "invoice_ref", "comment"]
        field_classes = {"amount": AmountField}
        widgets = {"comment": forms.Textarea(attrs={"rows": 2})}
        help_texts = {"comment": _("Requis quand la dépense dépasse le budget engagé sur la ligne.")}


def parse_target(text: str) -> Decimal | None:
    """The number in a sheet's target (« 40 % des démarches » → 40), or None when it holds none."""
    digits = ""
    for char in text.replace("\xa0", " "):
        if char.isdigit() or (char in ",." and digits):
            digits += "." if char == "," else char
        elif char == " " and digits:
            continue
        elif digits:
            break
    try:
        return Decimal(digits.rstrip(".")) if digits else None
    except InvalidOperation:
        return None


class IndicatorForm(ImplementationForm):
    class Meta:
        model = ProjectIndicator
        fields = ["sheet_indicator", "label", "unit", "target"]
        field_classes = {"target": AmountField}
        help_texts = {
            "sheet_indicator": _("Un indicateur de la fiche ; vide pour un indicateur propre au projet."),
            "label": _("Vide : celui de la fiche."),
            "target": _("Vide : la cible de la fiche."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sheet_indicator"].queryset = SheetIndicator.objects.for_user(self.user).filter(
            sheet_id=self.project.sheet_id
        )
        self.fields["label"].required = False

    def clean(self):
        data = super().clean()
        source = data.get("sheet_indicator")
        if source is not None:
            data["label"] = data.get("label") or source.indicator
            data["unit"] = data.get("unit") or source.unit
            if data.get("target") is None:
                data["target"] = parse_target(source.target)
            for name in ("label", "unit", "target"):
                setattr(self.instance, name, data[name])
        if not data.get("label"):
            self.add_error("label", _("Nommez l’indicateur ou choisissez-en un de la fiche."))
        return data


class MeasurementForm(ImplementationForm):
    class Meta:
        model = Measurement
        fields = ["date", "value", "note"]
        field_classes = {"value": AmountField}


class RiskForm(ImplementationForm):
    probability = forms.TypedChoiceField(label=_("Probabilité (1 à 5)"), choices=SCALE_CHOICES, coerce=int)
    impact = forms.TypedChoiceField(label=_("Impact (1 à 5)"), choices=SCALE_CHOICES, coerce=int)

    class Meta:
        model = Risk
        fields = ["description", "probability", "impact", "owner", "mitigation", "status"]
        widgets = {"mitigation": forms.Textarea(attrs={"rows": 2})}


class ParticipantForm(ImplementationForm):
    class Meta:
        model = Participant
        fields = ["name", "function", "group"]


class FeedbackForm(ImplementationForm):
    class Meta:
        model = Feedback
        fields = ["participant", "date", "severity", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participant"].queryset = Participant.objects.for_user(self.user).filter(project=self.project)


class CommunicationForm(ImplementationForm):
    class Meta:
        model = CommunicationAction
        fields = ["action", "audience", "channel", "date", "done"]


class DecisionForm(ImplementationForm):
    class Meta:
        model = ProjectDecision
        fields = ["date", "decision", "decided_by", "context", "feedback"]
        widgets = {"decision": forms.Textarea(attrs={"rows": 2}), "context": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["feedback"].queryset = (
            Feedback.objects.for_user(self.user).filter(project=self.project).select_related("participant")
        )


class TestDecisionForm(DecisionForm):
    """A decision taken from the test phase: it answers a feedback."""

    __test__ = False  # not a pytest test class

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["feedback"].required = True


class PauseForm(ImplementationForm):
    class Meta:
        model = ProjectStatus
        fields = ["paused", "pause_reason"]
