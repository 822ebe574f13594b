"""Forms of the findings: the finding itself, a source to cite, a merge. Validation only.

A source travels as one string ``<kind>:<ref>`` (``card:12``, ``alert:duplicate:finance``): the
"create a finding from this" buttons put it in the URL, the source picker in its options and its PST
search results. It is read
back only among the mission's own objects, so a reference of another commune is refused here; the
service checks again.
"""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from diagnostics.models import ChallengeCard, Finding, Importance, Interview, Question, SourceKind
from diagnostics.selectors.inventory import inventory_alerts
from diagnostics.services.findings import SourceRef, check_objectives, check_source
from territoire.forms import IdsField
from territoire.models import NodeLevel, PSTNode, SmartDimension, SmartTheme

OTHER_COMMUNE = gettext_lazy(
    "Cette source n'existe pas dans la mission ou appartient à une autre commune : un constat ne cite que des "
    "sources de sa commune."
)


def source_querysets(mission) -> dict:
    """Where each kind of source may come from: the mission's own objects, its commune's PST."""
    return {
        SourceKind.QUESTION: Question.objects.filter(questionnaire__mission=mission).select_related(
            "questionnaire__mission"
        ),
        SourceKind.INTERVIEW: Interview.objects.filter(mission=mission).prefetch_related("interviewees"),
        SourceKind.CARD: ChallengeCard.objects.filter(workshop__mission=mission).select_related("workshop__mission"),
        SourceKind.PST_NODE: PSTNode.objects.for_commune(mission.commune).select_related("pst"),
    }


def parse_source(mission, value: str) -> SourceRef:
    """``kind:ref`` → a checked ``SourceRef`` of the mission, or ValidationError."""
    kind, _sep, ref = (value or "").partition(":")
    if kind not in SourceKind.values or not ref:
        raise ValidationError(_("Source de constat inconnue."))
    if kind == SourceKind.ALERT:
        return check_source(mission, SourceRef(kind, key=ref))
    if not (ref.isascii() and ref.isdigit()) or len(ref) > 18:  # "²" is a digit to str.isdigit, not to int()
        raise ValidationError(OTHER_COMMUNE)
    obj = source_querysets(mission)[kind].filter(pk=int(ref)).first()
    if obj is None:
        raise ValidationError(OTHER_COMMUNE)
    return check_source(mission, SourceRef(kind, obj))


def objectives_queryset(commune):
    return (
        PSTNode.objects.for_commune(commune)
        .filter(level__in=[NodeLevel.OS, NodeLevel.OO])
        .select_related("pst")
        .order_by("pst", "position")
    )


class FindingForm(forms.ModelForm):
    source = forms.CharField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Finding
        fields = ["statement", "description", "theme", "dimension", "importance", "objectives"]
        field_classes = {"objectives": IdsField}
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "objectives": forms.SelectMultiple(attrs={"size": 8}),
        }
        help_texts = {
            "statement": gettext_lazy("Une phrase : le besoin ou le problème constaté."),
            "objectives": gettext_lazy(
                "Les objectifs stratégiques ou opérationnels du PST qui appellent ce besoin "
                "(Ctrl+clic pour en choisir plusieurs)."
            ),
        }

    def __init__(self, *args, mission, **kwargs):
        super().__init__(*args, **kwargs)
        self.mission = mission
        field = self.fields["objectives"]
        field.queryset = objectives_queryset(mission.commune)
        field.required = False
        field.error_messages["invalid_choice"] = _(
            "L'objectif « %(value)s » n'est pas dans le PST de la commune de la mission : "
            "un constat ne se lie qu'aux objectifs de sa commune."
        )
        field.label_from_instance = lambda node: f"{node.get_level_display()} — {node}"

    def clean_source(self):
        value = self.cleaned_data.get("source", "")
        return parse_source(self.mission, value) if value else None

    def clean_objectives(self):
        return check_objectives(self.mission, self.cleaned_data.get("objectives") or [])


def source_choices(mission) -> list:
    """Grouped options of the source picker: the mission's questions, interviews, cards and the inventory alerts.

    PST nodes are not listed (a PST has thousands): the picker searches them (``selectors.search``); the
    form still accepts ``pst_node:<id>`` of the commune's PST.
    """
    sets = source_querysets(mission)
    groups = [("", _("Choisir une source…"))]
    scored = sets[SourceKind.QUESTION].order_by("questionnaire", "section__position", "position")
    groups.append((_("Questions"), [(f"question:{q.pk}", f"{q.questionnaire.title} — {q.text}") for q in scored]))
    groups.append(
        (
            _("Entretiens"),
            [
                (f"interview:{i.pk}", f"{date_format(localtime(i.scheduled_at), 'SHORT_DATE_FORMAT')} — {i}")
                for i in sets[SourceKind.INTERVIEW].order_by("scheduled_at")
            ],
        )
    )
    groups.append(
        (
            _("Cartes défis"),
            [
                (f"card:{c.pk}", f"{c.workshop.title} — {c.text}")
                for c in sets[SourceKind.CARD].select_related("workshop").order_by("workshop", "-selected", "rank")
            ],
        )
    )
    groups.append(
        (_("Alertes de l'inventaire"), [(f"alert:{a.key}", a.message) for a in inventory_alerts(mission.commune)])
    )
    return [g for g in groups if not isinstance(g[1], list) or g[1]]


class SourceForm(forms.Form):
    # A CharField drawn as a select: a forged value is refused by parse_source with its clear message,
    # not by ChoiceField's generic one.
    source = forms.CharField(label=gettext_lazy("Source"), widget=forms.Select(attrs={"class": "form-select"}))

    def __init__(self, *args, mission, **kwargs):
        super().__init__(*args, **kwargs)
        self.mission = mission
        self.fields["source"].widget.choices = source_choices(mission)

    def clean_source(self):
        return parse_source(self.mission, self.cleaned_data["source"])


class MergeForm(forms.Form):
    findings = IdsField(queryset=Finding.objects.none(), label=gettext_lazy("Constats"))
    keep = forms.ModelChoiceField(queryset=Finding.objects.none(), label=gettext_lazy("Constat à garder"))

    def __init__(self, *args, mission, **kwargs):
        super().__init__(*args, **kwargs)
        queryset = Finding.objects.open().filter(mission=mission)
        message = _("Ce constat n'existe pas dans cette mission ou a déjà été fusionné.")
        for name in ("findings", "keep"):
            self.fields[name].queryset = queryset
            self.fields[name].error_messages["invalid_choice"] = message
            self.fields[name].error_messages["invalid_pk_value"] = message

    def clean(self):
        data = super().clean()
        findings, keep = data.get("findings"), data.get("keep")
        if findings is not None and len(findings) < 2:
            self.add_error("findings", _("Cochez au moins deux constats à fusionner."))
        elif findings is not None and keep is not None and keep not in findings:
            self.add_error("keep", _("Le constat à garder doit faire partie des constats cochés."))
        return data


class FindingFilter(django_filters.FilterSet):
    """The filters of the findings list; a value that is not one of the choices is ignored, not an error."""

    theme = django_filters.ChoiceFilter(label=gettext_lazy("Thème"), choices=SmartTheme.choices)
    dimension = django_filters.ChoiceFilter(label=gettext_lazy("Dimension"), choices=SmartDimension.choices)
    importance = django_filters.ChoiceFilter(label=gettext_lazy("Importance"), choices=Importance.choices)
    source = django_filters.ChoiceFilter(
        label=gettext_lazy("Type de source"), field_name="sources__kind", choices=SourceKind.choices, distinct=True
    )

    class Meta:
        model = Finding
        fields = ()

    @property
    def chosen(self) -> dict:
        """The filters applied: name → the value as given in the URL."""
        self.form.is_valid()  # fills cleaned_data with the valid values, leaves the others out
        return {name: self.data[name] for name, value in self.form.cleaned_data.items() if value not in ("", None)}
