"""Forms of the timeline: horizon and capacity, a yearly envelope, a sheet's pinned start quarter.

The forms check types and ranges; the services check the horizon (``ValidationError`` keyed by field),
and the views put their message beside the field.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from roadmap.forms.sheets import localized_decimals
from roadmap.models import ProjectSheet
from roadmap.models.timeline import MAX_YEARS

QUARTERS = [(q, _("T%(quarter)s") % {"quarter": q}) for q in range(1, 5)]


class AmountField(forms.DecimalField):
    """A decimal that reads « 120 000,50 » too: spaces between thousands are dropped."""

    def to_python(self, value):
        if isinstance(value, str):
            value = "".join(value.split())
        return super().to_python(value)


class TimelineSettingsForm(forms.Form):
    start_year = forms.IntegerField(label=_("Année de début"), min_value=2000, max_value=2100)
    start_quarter = forms.TypedChoiceField(label=_("Trimestre de début"), choices=QUARTERS, coerce=int)
    years = forms.IntegerField(label=_("Nombre d'années"), min_value=1, max_value=MAX_YEARS)
    fte_capacity = forms.DecimalField(
        label=_("Capacité interne (ETP)"),
        required=False,
        min_value=0,
        max_digits=5,
        decimal_places=2,
        help_text=_("Vide : pas de limite."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        localized_decimals(self)


class EnvelopeForm(forms.Form):
    year = forms.IntegerField(label=_("Année"), min_value=2000, max_value=2100)
    amount = AmountField(
        label=_("Enveloppe nette (€ HTVA)"),
        required=False,
        max_digits=12,
        decimal_places=2,
        help_text=_("Coût net que la commune peut porter cette année-là ; vide : pas de limite."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        localized_decimals(self)

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        if amount is not None and amount < 0:
            raise forms.ValidationError(_("Une enveloppe ne peut pas être négative."))
        return amount


class PinForm(forms.Form):
    sheet = forms.ModelChoiceField(label=_("Fiche"), queryset=ProjectSheet.objects.none())
    start_year = forms.IntegerField(label=_("Année de début"), min_value=2000, max_value=2100)
    start_quarter = forms.TypedChoiceField(label=_("Trimestre"), choices=QUARTERS, coerce=int)

    def __init__(self, *args, sheets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sheet"].queryset = sheets
