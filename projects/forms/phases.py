"""Forms of a phase page: one checklist answer, a note, a document, and the phase move."""

from django import forms
from django.utils.translation import gettext_lazy as _

from projects.forms.documents import DOCUMENT_TYPES, check_document_content, check_document_type
from projects.models import AnswerStatus
from territoire.forms import check_upload


class AnswerForm(forms.Form):
    status = forms.ChoiceField(label=_("Réponse"), choices=AnswerStatus.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Note"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 3}))


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=200, required=False)
    file = forms.FileField(
        label=_("Fichier"),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(DOCUMENT_TYPES)}),
        help_text=_("PDF, DOCX, ODT, XLSX, ODS, PNG ou JPG."),
    )

    def clean_file(self):
        return check_document_content(check_upload(check_document_type(self.cleaned_data["file"])))


class PhaseMoveForm(forms.Form):
    comment = forms.CharField(
        label=_("Commentaire"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Ce qui a été décidé, ce qui reste à faire. Obligatoire pour revenir à une phase antérieure."),
    )
