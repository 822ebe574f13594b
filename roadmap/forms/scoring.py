"""Forms of the scoring: criteria, ranking settings, the consultant's grid, a consensus value."""

import re
from decimal import Decimal

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from roadmap import ranking
from roadmap.models import Criterion, RankingSettings
from roadmap.services.criteria import OPTIONAL_CRITERIA
from roadmap.services.scoring import CellEdit, check_in_scale, score_version

GUIDE_LINE = re.compile(r"^\s*(-?\d+)\s*[:=–—-]\s*(.+?)\s*$")


# The grid renders five inputs per cell (6 000 for 150 sheets × 8 criteria): Django's template widgets render
# each option through a template include, several seconds for such a grid. These widgets write the same HTML
# directly; the fields, bound data and hidden initial values stay Django's.


class FastSelect(forms.Select):
    def render(self, name, value, attrs=None, renderer=None):
        current = "" if value is None else str(value[0] if isinstance(value, list | tuple) and value else value)
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((key, mark_safe(" selected") if str(key) == current else "", label) for key, label in self.choices),
        )
        return format_html(
            '<select name="{}"{}>{}</select>', name, flatatt(self.build_attrs(self.attrs, attrs)), options
        )


class FastTextarea(forms.Textarea):
    def render(self, name, value, attrs=None, renderer=None):
        text = self.format_value(value) or ""
        return format_html(
            '<textarea name="{}"{}>\n{}</textarea>', name, flatatt(self.build_attrs(self.attrs, attrs)), text
        )


class FastHiddenInput(forms.HiddenInput):
    def render(self, name, value, attrs=None, renderer=None):
        value = self.format_value(value)
        return format_html(
            '<input type="hidden" name="{}" value="{}"{}>',
            name,
            "" if value is None else value,
            flatatt(self.build_attrs(self.attrs, attrs)),
        )


class GridTextField(forms.CharField):
    hidden_widget = FastHiddenInput


class LevelField(forms.IntegerField):
    """A level of a scale as the grid's select posts it: ASCII digits only (Python's int() reads « ٣ » as 3)."""

    hidden_widget = FastHiddenInput

    def to_python(self, value):
        # Six digits at most: far beyond any scale, and short enough to be written back in the message.
        if value not in self.empty_values and not re.fullmatch(r"-?[0-9]{1,6}", str(value).strip()):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class DefaultCriteriaForm(forms.Form):
    optional = forms.MultipleChoiceField(
        label=gettext_lazy("Critères facultatifs à ajouter"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(code, definition[0]) for code, definition in OPTIONAL_CRITERIA.items()],
    )


class CriterionForm(forms.ModelForm):
    guide_text = forms.CharField(
        label=gettext_lazy("Guide de cotation"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("Une ligne par niveau, par exemple « 1 : moins de 10 000 € »."),
    )

    class Meta:
        model = Criterion
        fields = ["label", "weight", "scale_min", "scale_max", "direction", "matrix_role", "position"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["weight"].min_value = 0
        self.fields["weight"].widget.attrs.update(min=0, step="0.5")
        self.fields["scale_min"].widget.attrs["min"] = -100
        if self.instance.pk:
            self.fields["guide_text"].initial = "\n".join(
                f"{entry.get('level')} : {entry.get('description', '')}"
                for entry in self.instance.guide or []
                if isinstance(entry, dict)
            )

    def clean_weight(self):
        weight = self.cleaned_data["weight"]
        if weight is not None and weight < 0:
            raise forms.ValidationError(_("Un poids doit être positif ou nul."))
        return weight

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("scale_min"), cleaned.get("scale_max")
        if low is not None and high is not None:
            if not low < high:
                self.add_error("scale_max", _("La note maximale doit dépasser la note minimale."))
            elif high - low > 20:
                self.add_error("scale_max", _("L'échelle compte au plus 21 niveaux."))
        guide = []
        for number, line in enumerate((cleaned.get("guide_text") or "").splitlines(), 1):
            if not line.strip():
                continue
            match = GUIDE_LINE.match(line)
            if not match:
                self.add_error(
                    "guide_text",
                    _("Ligne %(line)s : écrivez le niveau, deux-points puis la description (« 3 : … »).")
                    % {"line": number},
                )
                continue
            guide.append({"level": int(match[1]), "description": match[2][:300]})
        cleaned["guide"] = sorted(guide, key=lambda entry: entry["level"])
        return cleaned

    def changes(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["guide"] = self.cleaned_data["guide"]
        return data


class RankingSettingsForm(forms.Form):
    disagreement_threshold = forms.DecimalField(
        label=gettext_lazy("Seuil de désaccord (écart entre la note la plus haute et la plus basse)"),
        min_value=0,
        max_digits=4,
        decimal_places=1,
    )
    priority_1 = forms.DecimalField(
        label=gettext_lazy("Priorité 1 à partir de (sur 100)"), min_value=0, max_value=100, decimal_places=1
    )
    priority_2 = forms.DecimalField(
        label=gettext_lazy("Priorité 2 à partir de (sur 100)"), min_value=0, max_value=100, decimal_places=1
    )

    @classmethod
    def initial_from(cls, settings: RankingSettings) -> dict:
        thresholds = [*settings.class_thresholds, 0, 0][:2]
        return {
            "disagreement_threshold": settings.disagreement_threshold,
            "priority_1": Decimal(str(thresholds[0])),
            "priority_2": Decimal(str(thresholds[1])),
        }

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("priority_1"), cleaned.get("priority_2")
        if first is not None and second is not None:
            try:
                cleaned["class_thresholds"] = list(ranking.scoring.check_thresholds([first, second]))
            except ranking.RankingError as error:
                self.add_error("priority_2", error.message)
        return cleaned


def cell_key(sheet, criterion) -> str:
    return f"{sheet.pk}_{criterion.pk}"


class ScoringGridForm(forms.Form):
    """One consultant's whole grid: a value, a comment and the loaded version per sheet × criterion.

    Values and comments carry their loaded value in a hidden input (``show_hidden_initial``), so that
    ``edits()`` returns only the cells this page changed; the version lets the service refuse to overwrite
    a cell saved elsewhere since the page was loaded.
    """

    def __init__(self, *args, sheets, criteria, scores, **kwargs):
        super().__init__(*args, **kwargs)
        self.sheets, self.criteria = list(sheets), list(criteria)
        for sheet in self.sheets:
            for criterion in self.criteria:
                key = cell_key(sheet, criterion)
                score = scores.get((sheet.pk, criterion.pk))
                choices = [("", "—")] + [
                    (level, f"{level} — {guide}" if (guide := criterion.guide_for(level)) else str(level))
                    for level in criterion.levels
                ]
                self.fields[f"value_{key}"] = LevelField(
                    label=criterion.label,
                    required=False,
                    widget=FastSelect(
                        choices=choices,
                        attrs={"class": "form-select form-select-sm", "aria-label": f"{sheet.code} {criterion.label}"},
                    ),
                    initial=score.value if score else None,
                    show_hidden_initial=True,
                )
                self.fields[f"comment_{key}"] = GridTextField(
                    label=_("Commentaire"),
                    required=False,
                    max_length=2000,
                    widget=FastTextarea(
                        attrs={
                            "rows": 1,
                            "class": "form-control form-control-sm",
                            "aria-label": _("Commentaire %(sheet)s %(criterion)s")
                            % {"sheet": sheet.code, "criterion": criterion.label},
                        }
                    ),
                    initial=score.comment if score else "",
                    show_hidden_initial=True,
                )
                self.fields[f"version_{key}"] = GridTextField(
                    required=False, widget=FastHiddenInput, initial=score_version(score)
                )

    def clean(self):
        cleaned = super().clean()
        for sheet in self.sheets:
            for criterion in self.criteria:
                name = f"value_{cell_key(sheet, criterion)}"
                try:
                    check_in_scale(sheet, criterion, cleaned.get(name))
                except forms.ValidationError as error:
                    self.add_error(name, error)
        return cleaned

    def edits(self) -> list[CellEdit]:
        changed = set(self.changed_data)
        edits = []
        for sheet in self.sheets:
            for criterion in self.criteria:
                key = cell_key(sheet, criterion)
                if f"value_{key}" in changed or f"comment_{key}" in changed:
                    edits.append(
                        CellEdit(
                            sheet=sheet,
                            criterion=criterion,
                            value=self.cleaned_data[f"value_{key}"],
                            comment=self.cleaned_data[f"comment_{key}"].strip(),
                            version=self.cleaned_data[f"version_{key}"],
                        )
                    )
        return edits

    def data_after_conflicts(self, fresh: dict, conflicts) -> dict:
        """The posted data to show again after a save with conflicts.

        The conflicting cells keep what this page typed, now against the versions saved elsewhere, so that
        saving again replaces them knowingly; every other cell shows what is saved now (``fresh``).
        """
        data = self.data.copy()
        kept = {cell_key(c.sheet, c.criterion) for c in conflicts}
        for sheet in self.sheets:
            for criterion in self.criteria:
                key = cell_key(sheet, criterion)
                score = fresh.get((sheet.pk, criterion.pk))
                data[f"version_{key}"] = score_version(score)
                if key not in kept:
                    data[f"value_{key}"] = data[f"initial-value_{key}"] = "" if score is None else str(score.value)
                    data[f"comment_{key}"] = data[f"initial-comment_{key}"] = "" if score is None else score.comment
        return data

    def rows(self, others=None):
        """For the template: per sheet, its cells (criterion, bound fields, the others' scores, key)."""
        others = others or {}
        rows = []
        for sheet in self.sheets:
            cells = []
            for criterion in self.criteria:
                key = cell_key(sheet, criterion)
                cells.append(
                    {
                        "key": key,
                        "criterion": criterion,
                        "value": self[f"value_{key}"],
                        "comment": self[f"comment_{key}"],
                        "version": self[f"version_{key}"],
                        "others": others.get((sheet.pk, criterion.pk), []),
                    }
                )
            rows.append((sheet, cells))
        return rows


class ConsensusForm(forms.Form):
    value = forms.DecimalField(label=gettext_lazy("Valeur retenue"), max_digits=4, decimal_places=1)
    comment = forms.CharField(
        label=gettext_lazy("Justification"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Pourquoi cette valeur : ce qui a été discuté et décidé."),
    )

    def __init__(self, *args, sheet, criterion, **kwargs):
        super().__init__(*args, **kwargs)
        self.sheet, self.criterion = sheet, criterion
        self.fields["value"].widget.attrs.update(min=criterion.scale_min, max=criterion.scale_max, step="0.5")

    def clean_value(self):
        value = self.cleaned_data["value"]
        check_in_scale(self.sheet, self.criterion, value)
        return value
