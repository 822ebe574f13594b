"""Forms of a CSC: one per section, a requirement, a lot, the criteria (a formset whose weights sum to 100),
the reuse of a section. Validation only."""

from django import forms
from django.forms import BaseModelFormSet, modelformset_factory
from django.utils.translation import gettext_lazy as _

from projects.models import AwardCriterion, CriterionKind, Lot, Requirement, Specification, SpecSection
from projects.selectors.specifications import reusable_sections
from projects.services.specifications import weights_error


class SpecificationForm(forms.ModelForm):
    class Meta:
        model = Specification
        fields = ["title"]


class SectionForm(forms.ModelForm):
    class Meta:
        model = SpecSection
        fields = ["body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 6})}
        help_texts = {"body": _("Texte simple ; une ligne vide sépare deux paragraphes.")}


class RequirementForm(forms.ModelForm):
    class Meta:
        model = Requirement
        fields = ["section", "text", "priority"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}


class LotForm(forms.ModelForm):
    class Meta:
        model = Lot
        fields = ["title", "estimated_amount", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class CriterionForm(forms.ModelForm):
    """One row of the criteria table: compact widgets, labels read by screen readers only."""

    class Meta:
        model = AwardCriterion
        fields = ["label", "kind", "weight", "price_formula"]
        widgets = {
            "label": forms.TextInput(attrs={"class": "form-control form-control-sm"}),
            "kind": forms.Select(attrs={"class": "form-select form-select-sm"}),
            "weight": forms.NumberInput(attrs={"class": "form-control form-control-sm", "step": "0.01"}),
            "price_formula": forms.Select(attrs={"class": "form-select form-select-sm"}),
        }


class BaseCriteriaFormSet(BaseModelFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kept = [
            form
            for form in self.forms
            if form not in self.deleted_forms and (form.instance.pk or form.has_changed()) and form.cleaned_data
        ]
        error = weights_error(form.cleaned_data["weight"] for form in kept)
        if error:
            raise forms.ValidationError(error)
        if sum(form.cleaned_data["kind"] == CriterionKind.PRICE for form in kept) > 1:
            raise forms.ValidationError(_("Un seul critère de prix par cahier des charges."))


CriteriaFormSet = modelformset_factory(
    AwardCriterion, form=CriterionForm, formset=BaseCriteriaFormSet, extra=1, can_delete=True
)


class ReuseForm(forms.Form):
    source = forms.ModelChoiceField(label=_("Section d’un cahier des charges précédent"), queryset=None)

    def __init__(self, *args, user, specification, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = reusable_sections(user, exclude=specification)
        self.fields["source"].label_from_instance = lambda section: (
            f"{section.specification.project.mission.commune.name} — {section.specification.title} — "
            f"{section.get_kind_display()}"
        )
