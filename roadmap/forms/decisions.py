"""Forms of the Collège's decision: the consultant's note when submitting, a member's decision."""

from django import forms
from django.utils.translation import gettext_lazy as _

from roadmap.models import DecisionChoice


class SubmitForm(forms.Form):
    note = forms.CharField(
        label=_("Note au Collège"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Ce qui a changé depuis la version précédente, ce que vous attendez du Collège…"),
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Décision"), choices=DecisionChoice.choices, widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("Commentaire"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Obligatoire si la feuille de route est à revoir."),
    )
