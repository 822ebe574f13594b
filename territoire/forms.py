from datetime import timedelta

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from territoire.models import MISSION_DEFAULT_WEEKS, Mission, Role


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class MissionForm(forms.ModelForm):
    planned_end_date = forms.DateField(
        label=_("Fin prévue"),
        required=False,
        widget=DateInput(),
        help_text=_("Laissez vide pour %(weeks)s semaines après le début.") % {"weeks": MISSION_DEFAULT_WEEKS},
    )

    # The version the editor loaded: a save by someone else in between is refused, not overwritten.
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Mission
        fields = ["title", "description", "start_date", "planned_end_date", "referents", "privacy_notice"]
        widgets = {
            "start_date": DateInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
            "privacy_notice": forms.Textarea(attrs={"rows": 6}),
            "referents": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, commune, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.updated_at.isoformat()
        # Only the commune's own consultants can be referents: never list people of another commune.
        self.fields["referents"].queryset = (
            get_user_model()
            .objects.filter(memberships__commune=commune, memberships__role=Role.CONSULTANT, is_active=True)
            .order_by("last_name", "first_name")
        )
        self.fields["referents"].label_from_instance = lambda u: u.get_full_name() or u.get_username()
        if self.instance.pk:
            # The default, as respondents read it today: a start to edit from.
            self.fields["privacy_notice"].widget.attrs["placeholder"] = self.instance.default_privacy_notice()

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("planned_end_date")
        if start and not end:
            cleaned["planned_end_date"] = start + timedelta(weeks=MISSION_DEFAULT_WEEKS)
        elif start and end and end < start:
            self.add_error("planned_end_date", _("La fin prévue doit suivre le début de la mission."))
        return cleaned


class PhaseForm(forms.Form):
    phase = forms.ChoiceField(label=_("Phase"), choices=Mission.Phase.choices)
