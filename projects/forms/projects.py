"""Forms of followed projects: start one from a sheet (title, people), edit it; the portfolio's filters.

Every choice of a person is limited to the members of the project's commune: a user of another commune is
never offered (and refused if posted).
"""

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from projects.models import FollowedProject, ProjectPhase
from territoire.forms import IdsField
from territoire.models import Commune, Role

HEALTH_CHOICES = [
    ("good", _("Bon")),
    ("risk", _("Risque")),
    ("blocked", _("Blocage")),
    ("paused", _("En pause")),
]


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


class PeopleChoice(IdsField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


def _members(commune, *roles):
    users = get_user_model().objects.filter(is_active=True, memberships__commune=commune)
    if roles:
        users = users.filter(memberships__role__in=roles)
    return users.distinct().order_by("last_name", "first_name", "username")


class ProjectForm(forms.Form):
    title = forms.CharField(label=_("Intitulé du projet"), max_length=200)
    leader = PersonChoice(
        label=_("Chef de projet (commune)"),
        queryset=get_user_model().objects.none(),
        required=False,
        help_text=_("Un agent de la commune, qui porte le projet."),
    )
    consultant = PersonChoice(label=_("Consultant référent"), queryset=get_user_model().objects.none(), required=False)
    team = PeopleChoice(
        label=_("Équipe communale"),
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Les membres de la commune qui travaillent au projet : ils le tiennent à jour."),
    )

    def __init__(self, *args, commune, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = _members(commune, Role.STAFF)
        self.fields["consultant"].queryset = _members(commune, Role.CONSULTANT)
        self.fields["team"].queryset = _members(commune)

    @classmethod
    def initial_for(cls, project: FollowedProject) -> dict:
        return {
            "title": project.title,
            "leader": project.leader_id,
            "consultant": project.consultant_id,
            "team": list(project.team.values_list("pk", flat=True)),
        }


class PortfolioFilter(django_filters.FilterSet):
    """Phase and commune filter the projects; health is computed, so the view filters on it afterwards."""

    phase = django_filters.ChoiceFilter(label=_("Phase"), choices=ProjectPhase.choices)
    health = django_filters.ChoiceFilter(label=_("Santé"), choices=HEALTH_CHOICES, method="computed_later")
    commune = django_filters.ModelChoiceFilter(
        label=_("Commune"), field_name="mission__commune", queryset=Commune.objects.none()
    )

    class Meta:
        model = FollowedProject
        fields = ["phase", "health", "commune"]

    def __init__(self, *args, communes, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["commune"].queryset = communes
        self.form.fields["commune"].queryset = communes

    def computed_later(self, queryset, name, value):
        return queryset
