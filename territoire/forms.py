from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from territoire.models import MISSION_DEFAULT_WEEKS, Mission, Role

# Dates typed in the forms stay within these years: year 1 or 9999 would overflow once made aware or
# shifted by a duration, and never means anything for a mission, a campaign or an interview.
FIRST_YEAR, LAST_YEAR = 2000, 2100


def validate_plausible_date(value) -> None:
    """Refuse a date (or datetime) outside FIRST_YEAR–LAST_YEAR with a French message."""
    if value is not None and not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValidationError(
            _("Indiquez une date entre %(first)s et %(last)s.") % {"first": FIRST_YEAR, "last": LAST_YEAR},
            code="date_range",
        )


def check_upload(file):
    """Refuse an uploaded file that is empty or above ``MAX_UPLOAD_SIZE``, with a French message; return it."""
    if file.size > settings.MAX_UPLOAD_SIZE:
        raise ValidationError(
            _("Le fichier pèse %(size)s Mo : la taille maximale est de %(max)s Mo.")
            % {"size": round(file.size / 1024 / 1024, 1), "max": settings.MAX_UPLOAD_SIZE // 1024 // 1024},
            code="file_size",
        )
    if file.size == 0:
        raise ValidationError(_("Le fichier est vide."), code="file_empty")
    return file


def check_dates(form, *names) -> None:
    """Add the plausible-date validator to the form's date fields ``names``."""
    for name in names:
        form.fields[name].validators.append(validate_plausible_date)


class IdsField(forms.ModelMultipleChoiceField):
    """A multiple choice of rows by id that refuses an id beyond 64 bits as it refuses "abc".

    Django looks such ids up with ``pk__in``, which SQLite answers with an OverflowError (a 500).
    """

    def clean(self, value):
        for pk in value or ():
            text = str(pk).strip().lstrip("-")
            if text.isascii() and text.isdigit() and int(text) > 2**63 - 1:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super().clean(value)


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
        validators=[validate_plausible_date],
    )

    # The version the editor loaded: a save by someone else in between is refused, not overwritten.
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Mission
        fields = ["title", "description", "start_date", "planned_end_date", "referents", "privacy_notice"]
        field_classes = {"referents": IdsField}
        widgets = {
            "start_date": DateInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
            "privacy_notice": forms.Textarea(attrs={"rows": 6}),
            "referents": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, commune, **kwargs):
        super().__init__(*args, **kwargs)
        check_dates(self, "start_date")
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
