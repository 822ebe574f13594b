"""Forms of the PST screens: validation only."""

import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from territoire.forms import check_upload
from territoire.models import NodeState, PSTEntity, SmartDimension, SmartTheme, Volet
from territoire.pst import mapping


def default_legislature() -> str:
    """Communes name their PST after the election year and the next one: 2018-2024, 2024-2030..."""
    year = timezone.localdate().year
    start = 2024 + 6 * ((year - 2024) // 6)
    return f"{start}-{start + 6}"


class PSTUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier du PST"),
        help_text=_("CSV, Excel (.xlsx), LibreOffice (.ods) ou export XML eComptes de votre logiciel PST."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx,.ods,.xml"}),
    )
    legislature = forms.CharField(
        label=_("Législature"),
        max_length=9,
        help_text=_("Par exemple 2024-2030. Un export XML eComptes donne la sienne."),
    )
    entity = forms.ChoiceField(label=_("Entité"), choices=PSTEntity.choices, initial=PSTEntity.COMMUNE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["legislature"].initial = default_legislature()

    def clean_file(self):
        return check_upload(self.cleaned_data["file"])

    def clean_legislature(self):
        value = self.cleaned_data["legislature"].strip()
        match = re.fullmatch(r"(\d{4})\s*[-–/]\s*(\d{4})", value)
        if not match or not 1990 <= int(match[1]) <= int(match[2]) <= 2100:
            raise forms.ValidationError(_("Écrivez la législature sous la forme 2024-2030."))
        return int(match[1]), int(match[2])


class MappingForm(forms.Form):
    """One select per column of the file, initialised with the detected mapping."""

    def __init__(self, *args, headers: list[str], columns: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        choices = mapping.field_choices()
        for index, header in enumerate(headers):
            current = columns[index] if index < len(columns) else ""
            column_choices = (
                choices
                if not current.startswith("year:")
                else [*choices, (current, _("Budget %(year)s") % {"year": current[5:]})]
            )
            self.fields[f"col{index}"] = forms.ChoiceField(
                label=header or _("Colonne %(n)s sans titre") % {"n": index + 1},
                choices=column_choices,
                required=False,
                initial=current,
            )

    def clean(self):
        data = super().clean()
        columns = [data.get(f"col{i}", "") for i in range(len(self.fields))]
        used = [c for c in columns if c]
        if len(used) != len(set(used)):
            raise forms.ValidationError(_("Une même donnée ne peut venir que d'une colonne."))
        data["columns"] = columns
        return data


class ConfirmForm(forms.Form):
    """Confirming an import; ``drop`` lists the flagged nodes whose tags and finding links are not carried over."""

    drop = forms.MultipleChoiceField(
        label=_("Ne pas reporter les thèmes et liens de constats"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, diff: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["drop"].choices = [
            (node["id"], f"{node['code']} {node['title']}".strip()) for node in flagged_nodes(diff)
        ]


def flagged_nodes(diff: dict) -> list[dict]:
    """The updated nodes whose code now names something else and that carry tags or finding links."""
    return [n for n in diff.get("updated", []) if n.get("flagged") and (n.get("tags") or n.get("findings"))]


class TagForm(forms.Form):
    themes = forms.MultipleChoiceField(
        label=_("Thèmes"), choices=SmartTheme.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    dimensions = forms.MultipleChoiceField(
        label=_("Dimensions"), choices=SmartDimension.choices, required=False, widget=forms.CheckboxSelectMultiple
    )


class TreeFilterForm(forms.Form):
    q = forms.CharField(label=_("Rechercher"), required=False)
    volet = forms.ChoiceField(label=_("Volet"), choices=[("", _("Tous les volets")), *Volet.choices], required=False)
    state = forms.ChoiceField(label=_("État"), choices=[("", _("Tous les états")), *NodeState.choices], required=False)
    service = forms.ChoiceField(label=_("Service pilote"), required=False)
    theme = forms.ChoiceField(
        label=_("Thème"), choices=[("", _("Tous les thèmes")), *SmartTheme.choices], required=False
    )

    def __init__(self, *args, services: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [("", _("Tous les services")), *((s, s) for s in services)]
