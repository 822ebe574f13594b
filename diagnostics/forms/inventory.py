"""Forms of the inventory of digital systems and of the existing initiatives: validation only."""

from django import forms
from django.utils.translation import gettext_lazy as _

from diagnostics.models import DataFlow, DigitalSystem, Initiative, Need
from territoire.forms import DateInput, check_dates

SELF_FLOW_ERROR = _("Un flux relie deux outils différents : un outil ne s'envoie pas de données à lui-même.")


def duplicate_name_error(name):
    return _("Un outil nommé « %(name)s » existe déjà dans l'inventaire de la commune.") % {"name": name}


class SystemForm(forms.ModelForm):
    class Meta:
        model = DigitalSystem
        fields = [
            "name",
            "category",
            "vendor",
            "services",
            "yearly_cost",
            "contract_end",
            "hosting",
            "personal_data",
            "open_standards",
            "notes",
        ]
        widgets = {"contract_end": DateInput(), "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, commune, **kwargs):
        super().__init__(*args, **kwargs)
        self.commune = commune
        self.fields["yearly_cost"].widget.attrs.update({"min": 0, "step": "0.01"})
        check_dates(self, "contract_end")

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        others = DigitalSystem.objects.for_commune(self.commune).filter(name__iexact=name)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(duplicate_name_error(name))
        return name

    def clean_yearly_cost(self):
        cost = self.cleaned_data["yearly_cost"]
        if cost is not None and cost < 0:
            raise forms.ValidationError(_("Le coût annuel ne peut pas être négatif."))
        return cost


class FlowForm(forms.ModelForm):
    class Meta:
        model = DataFlow
        fields = ["source", "target", "external_party", "data", "mode", "frequency"]

    def __init__(self, *args, commune, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the commune's own tools; the empty choice is the outside.
        systems = DigitalSystem.objects.for_commune(commune).order_by("name")
        for name in ("source", "target"):
            self.fields[name].queryset = systems
            self.fields[name].empty_label = _("— Extérieur —")

    def clean(self):
        cleaned = super().clean()
        source, target = cleaned.get("source"), cleaned.get("target")
        if "source" in self.errors or "target" in self.errors:
            return cleaned
        if source is None and target is None:
            raise forms.ValidationError(
                _("Un flux part d'un outil de la commune ou y arrive : choisissez au moins un outil.")
            )
        if source is not None and source == target:
            self.add_error("target", SELF_FLOW_ERROR)
        if source is not None and target is not None:
            cleaned["external_party"] = ""
        return cleaned


class NeedsForm(forms.Form):
    needs = forms.MultipleChoiceField(
        label=_("Fonctions prévues ou souhaitées"),
        choices=Need.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("La plateforme vérifie que leurs fondations existent dans l'inventaire."),
    )


class InitiativeForm(forms.ModelForm):
    class Meta:
        model = Initiative
        fields = ["title", "kind", "theme", "description", "service", "year", "status"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def clean_year(self):
        year = self.cleaned_data["year"]
        if year is not None and not 1990 <= year <= 2100:
            raise forms.ValidationError(_("Indiquez une année entre 1990 et 2100."))
        return year
