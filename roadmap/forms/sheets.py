"""Forms of a project sheet: its content, its lines (budget, funding, risks, indicators), its status.

Validation only. Choices come from the sheet's mission (findings, other sheets) and its commune (PST):
an id of another mission or commune is refused with a French message. The service checks again what
needs several rows at once (prerequisite cycles, funding above the cost).
"""

from django import forms
from django.core.validators import MinValueValidator
from django.forms import inlineformset_factory
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from diagnostics.models import Finding
from roadmap.models import (
    STATUS_TRANSITIONS,
    BudgetLine,
    FundingCall,
    FundingLine,
    FundingSource,
    ProjectSheet,
    SheetIndicator,
    SheetRisk,
    SheetStatus,
)
from territoire.forms import IdsField
from territoire.models import NodeLevel, PSTNode

NEGATIVE = gettext_lazy("Un montant ne peut pas être négatif.")
SHEET_FIELDS = (
    "title",
    "theme",
    "dimension",
    "duration_months",
    "context",
    "objectives",
    "solution_software",
    "solution_equipment",
    "solution_communication",
    "stakeholders",
    "fte_internal",
    "fte_external",
)
SHEET_RELATIONS = ("findings", "pst_links", "prerequisites")


def pst_links_queryset(commune):
    """The operational objectives and actions of the commune's PST."""
    return (
        PSTNode.objects.for_commune(commune)
        .filter(level__in=[NodeLevel.OO, NodeLevel.ACTION])
        .select_related("pst")
        .order_by("pst", "position")
    )


def localized_decimals(form) -> None:
    """Decimal fields read « 0,5 » and « 89 000,50 » as French users type them."""
    for field in form.fields.values():
        if isinstance(field, forms.DecimalField):
            field.localize = True
            field.widget = forms.TextInput(attrs={**field.widget.attrs, "inputmode": "decimal"})
            field.widget.is_localized = True


def not_negative(field, message) -> None:
    """Refuse a negative value in the form with a plain French message (the model's validator, run after the
    form's, would say « Assurez-vous que cette valeur est supérieure ou égale à 0 »)."""
    field.validators.append(MinValueValidator(0))
    field.error_messages["min_value"] = message


class SheetForm(forms.ModelForm):
    class Meta:
        model = ProjectSheet
        fields = [*SHEET_FIELDS, *SHEET_RELATIONS]
        field_classes = {name: IdsField for name in SHEET_RELATIONS}
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in (
                "context",
                "objectives",
                "solution_software",
                "solution_equipment",
                "solution_communication",
                "stakeholders",
            )
        } | {name: forms.SelectMultiple(attrs={"size": 6}) for name in SHEET_RELATIONS}
        help_texts = {
            "prerequisites": gettext_lazy("Les fiches de la mission qui doivent être réalisées avant celle-ci."),
            "pst_links": gettext_lazy(
                "Objectifs opérationnels et actions du PST (Ctrl+clic pour en choisir plusieurs)."
            ),
            "fte_internal": gettext_lazy("Équivalents temps plein du personnel communal, par exemple 0,3."),
        }

    def __init__(self, *args, mission, **kwargs):
        super().__init__(*args, **kwargs)
        self.mission = mission
        localized_decimals(self)
        self.fields["findings"].queryset = Finding.objects.open().filter(mission=mission).order_by("statement")
        if self.instance.pk and "findings" not in kwargs.get("initial", {}):
            # A finding merged before merges moved the sheets along is no choice any more: the form starts
            # from the finding that absorbed it (merges keep pointers one step deep), so saving keeps the
            # sheet answering the surviving finding instead of dropping the link.
            linked = self.instance.findings.select_related("merged_into")
            self.initial["findings"] = list(dict.fromkeys(finding.merged_into or finding for finding in linked))
        self.fields["pst_links"].queryset = pst_links_queryset(mission.commune)
        self.fields["pst_links"].label_from_instance = lambda node: f"{node.get_level_display()} — {node}"
        others = ProjectSheet.objects.for_mission(mission)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        self.fields["prerequisites"].queryset = others.order_by("code")
        for name, message in (
            (
                "findings",
                _("Ce constat n'est pas dans la mission : une fiche ne répond qu'aux constats de sa mission."),
            ),
            (
                "pst_links",
                _("Cet élément n'est pas dans le PST de la commune : une fiche ne se lie qu'au PST de sa commune."),
            ),
            (
                "prerequisites",
                _("Un prérequis est une autre fiche de la même mission (une fiche ne peut dépendre d'elle-même)."),
            ),
        ):
            self.fields[name].required = False
            self.fields[name].error_messages["invalid_choice"] = message
        for name in ("fte_internal", "fte_external"):
            not_negative(self.fields[name], _("Un nombre d'ETP ne peut pas être négatif."))


class LineForm(forms.ModelForm):
    """A row of a line table: compact Bootstrap widgets, rendered without crispy in a table."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        localized_decimals(self)
        for name, field in self.fields.items():
            if name == "DELETE":
                field.widget.attrs["class"] = "form-check-input"
            elif isinstance(field.widget, forms.Select):
                field.widget.attrs["class"] = "form-select form-select-sm"
            else:
                field.widget.attrs["class"] = "form-control form-control-sm"
            field.widget.attrs["aria-label"] = field.label


class BudgetLineForm(LineForm):
    class Meta:
        model = BudgetLine
        fields = ["label", "category", "kind", "amount", "vat_rate", "year"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        not_negative(self.fields["amount"], NEGATIVE)
        not_negative(self.fields["vat_rate"], _("Un taux de TVA ne peut pas être négatif."))


class FundingLineForm(LineForm):
    class Meta:
        model = FundingLine
        fields = ["source", "call", "label", "amount", "status"]
        help_texts = {
            "amount": gettext_lazy("Pour un appel à projets, laissez vide : le subside est calculé (taux, plafond).")
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["call"].queryset = FundingCall.objects.order_by("name")
        not_negative(self.fields["amount"], NEGATIVE)

    def clean(self):
        data = super().clean()
        source, call = data.get("source"), data.get("call")
        if call is not None and source and source != FundingSource.CALL:
            self.add_error("source", _("Un appel à projets est choisi : la source doit être « Appel à projets »."))
        if source == FundingSource.CALL and call is None:
            self.add_error("call", _("Choisissez l'appel à projets."))
        if source in (FundingSource.OWN_FUNDS, FundingSource.OTHER_SUBSIDY) and data.get("amount") is None:
            self.add_error("amount", _("Indiquez le montant."))
        return data


class RiskForm(LineForm):
    class Meta:
        model = SheetRisk
        fields = ["risk", "likelihood", "mitigation"]


class IndicatorForm(LineForm):
    class Meta:
        model = SheetIndicator
        fields = ["indicator", "target", "unit"]


def _formset(model, form, extra):
    return inlineformset_factory(ProjectSheet, model, form=form, extra=extra, can_delete=True)


LINE_FORMSETS = {
    "budget": _formset(BudgetLine, BudgetLineForm, 3),
    "funding": _formset(FundingLine, FundingLineForm, 2),
    "risks": _formset(SheetRisk, RiskForm, 1),
    "indicators": _formset(SheetIndicator, IndicatorForm, 1),
}


def line_formsets(sheet, data=None) -> dict:
    return {prefix: cls(data, instance=sheet, prefix=prefix) for prefix, cls in LINE_FORMSETS.items()}


def formset_rows(formset) -> list[tuple]:
    """(existing row or None, cleaned values, to delete) for each filled form of a valid formset."""
    rows = []
    for form in formset.forms:
        if not form.has_changed() and not form.instance.pk:
            continue
        data = {name: form.cleaned_data.get(name) for name in form._meta.fields if name not in ("id", "sheet")}
        rows.append((form.instance if form.instance.pk else None, data, formset._should_delete_form(form)))
    return rows


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("Nouveau statut"), choices=SheetStatus.choices)

    def __init__(self, *args, sheet, **kwargs):
        super().__init__(*args, **kwargs)
        self.sheet = sheet
        allowed = STATUS_TRANSITIONS[SheetStatus(sheet.status)]
        self.fields["status"].choices = [(s.value, s.label) for s in allowed]
        self.fields["status"].error_messages["invalid_choice"] = _(
            "Ce changement de statut n'est pas possible depuis « %(status)s »."
        ) % {"status": sheet.get_status_display()}


class TemplateForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Nom du modèle"), max_length=200)
