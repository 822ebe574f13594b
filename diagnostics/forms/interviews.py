"""Forms of the interviews: validation only."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from diagnostics.models import Interview, InterviewAudience, Interviewee, InterviewGuide, InterviewTarget
from diagnostics.models.interviews import MAX_INTERVIEWEES
from territoire.forms import check_dates
from territoire.models import Membership, Role


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class InterviewForm(forms.ModelForm):
    class Meta:
        model = Interview
        fields = ["scheduled_at", "duration_minutes", "location", "remote", "interviewer", "guide", "status", "notes"]
        widgets = {"scheduled_at": DateTimeInput(), "notes": forms.Textarea(attrs={"rows": 10})}

    def __init__(self, *args, mission, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the commune's consultants lead interviews; never list people of another commune.
        self.fields["interviewer"].queryset = (
            get_user_model()
            .objects.filter(memberships__commune=mission.commune_id, memberships__role=Role.CONSULTANT, is_active=True)
            .order_by("last_name", "first_name")
        )
        self.fields["interviewer"].label_from_instance = lambda u: u.get_full_name() or u.get_username()
        self.fields["guide"].queryset = InterviewGuide.objects.usable_by(user)
        self.fields["guide"].empty_label = _("— Sans guide —")
        self.fields["scheduled_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]
        check_dates(self, "scheduled_at")


class IntervieweeForm(forms.ModelForm):
    class Meta:
        model = Interviewee
        fields = ["name", "function", "service", "audience", "member"]

    def __init__(self, *args, mission, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = (
            Membership.objects.filter(commune=mission.commune_id, role__in=[Role.COLLEGE, Role.STAFF])
            .select_related("user")
            .order_by("user__last_name")
        )
        self.fields["member"].label_from_instance = lambda m: (
            f"{m.user.get_full_name() or m.user.get_username()} — {m.role_label}"
        )
        self.fields["member"].required = False
        self.fields["member"].empty_label = _("— Personne extérieure —")
        self.fields["audience"].choices = [("", _("— Celui du membre —")), *InterviewAudience.choices]
        # Name and audience come from the member when one is chosen.
        self.fields["name"].required = False
        self.fields["audience"].required = False

    def clean(self):
        cleaned = super().clean()
        member = cleaned.get("member")
        if member and not cleaned.get("name"):
            cleaned["name"] = member.user.get_full_name() or member.user.get_username()
            cleaned["function"] = cleaned.get("function") or member.function
            cleaned["service"] = cleaned.get("service") or member.service
        if member and not cleaned.get("audience"):
            cleaned["audience"] = member.role
        if self.has_changed():
            if not cleaned.get("name"):
                self.add_error("name", _("Indiquez le nom de la personne ou choisissez un membre de la commune."))
            elif not cleaned.get("audience"):
                self.add_error(
                    "audience",
                    _("Indiquez si la personne fait partie du Collège, du personnel ou de la société civile."),
                )
        return cleaned


class BaseIntervieweeFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        people = [
            f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE") and f.cleaned_data.get("name")
        ]
        if len(people) < 1:
            raise forms.ValidationError(_("Un entretien réunit au moins une personne : indiquez qui est interviewé."))
        if len(people) > MAX_INTERVIEWEES:
            raise forms.ValidationError(
                _("Un entretien réunit au plus %(max)s personnes : répartissez-les en plusieurs entretiens.")
                % {"max": MAX_INTERVIEWEES}
            )


IntervieweeFormSet = forms.inlineformset_factory(
    Interview,
    Interviewee,
    form=IntervieweeForm,
    formset=BaseIntervieweeFormSet,
    extra=3,
    max_num=MAX_INTERVIEWEES,  # shown forms; the count is checked by BaseIntervieweeFormSet.clean, in French words
    can_delete=True,
)


class TargetForm(forms.ModelForm):
    class Meta:
        model = InterviewTarget
        fields = ["target"]
        widgets = {"target": forms.NumberInput(attrs={"min": 1, "max": 100})}

    def clean_target(self):
        target = self.cleaned_data["target"]
        if not 1 <= target <= 100:
            raise forms.ValidationError(_("L'objectif est un nombre d'entretiens entre 1 et 100."))
        return target


class GuideForm(forms.ModelForm):
    """A guide's questions are typed one per line, one box per audience."""

    questions_college = forms.CharField(
        label=_("Questions pour le Collège"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Une question par ligne."),
    )
    questions_staff = forms.CharField(
        label=_("Questions pour le personnel communal"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Une question par ligne."),
    )
    questions_civil_society = forms.CharField(
        label=_("Questions pour la société civile"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Une question par ligne."),
    )

    class Meta:
        model = InterviewGuide
        fields = ["title", "intro"]
        widgets = {"intro": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            for audience in ("college", "staff", "civil_society"):
                lines = [q.text for q in self.instance.questions.all() if q.audience == audience]
                self.fields[f"questions_{audience}"].initial = "\n".join(lines)

    def questions(self) -> dict[str, list[str]]:
        return {
            audience: [
                line.strip() for line in self.cleaned_data[f"questions_{audience}"].splitlines() if line.strip()
            ]
            for audience in ("college", "staff", "civil_society")
        }

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not any(self.questions().values()):
            raise forms.ValidationError(_("Un guide contient au moins une question."))
        return cleaned
