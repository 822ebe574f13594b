"""The upload of a roadmap workbook (validation only: the service reads and checks its contents)."""

from django import forms
from django.utils.translation import gettext_lazy

from territoire.forms import check_upload


class WorkbookUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Classeur Excel (.xlsx)"),
        help_text=gettext_lazy(
            "Le classeur de l'export « Exporter (Excel) », complété : fiches, budget, financements, indicateurs, "
            "risques, prérequis et vos cotes."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def clean_file(self):
        return check_upload(self.cleaned_data["file"])
