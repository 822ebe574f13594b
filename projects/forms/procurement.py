"""Forms of a procurement. Validation only: the service checks the rules across rows (procedure against the
thresholds, award against the ranking)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from projects.forms.documents import DOCUMENT_TYPES, check_document_content, check_document_type
from projects.models import Lot, Procedure, Procurement, Specification
from projects.services.procurement import PROCUREMENT_FIELDS, TIMELINE_FIELDS, timeline_error

MAX_UPLOAD = 20 * 1024 * 1024
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProcurementForm(forms.ModelForm):
    class Meta:
        model = Procurement
        fields = list(PROCUREMENT_FIELDS)
        widgets = {"planned_launch": DATE}

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        # Choices from this project only: another project's CSC or lot is not a choice.
        self.fields["specification"].queryset = Specification.objects.filter(project=project)
        self.fields["lot"].queryset = Lot.objects.filter(specification__project=project).select_related(
            "specification"
        )
        self.fields["specification"].required = False
        self.fields["estimated_amount"].help_text = _("Par défaut, la somme des lots du cahier des charges.")

    def clean(self):
        cleaned = super().clean()
        lot, specification = cleaned.get("lot"), cleaned.get("specification")
        if lot is not None and specification is not None and lot.specification_id != specification.pk:
            self.add_error("lot", _("Ce lot n’appartient pas au cahier des charges choisi."))
        return cleaned


class ProcedureForm(forms.Form):
    procedure = forms.ChoiceField(label=_("Procédure"), choices=Procedure.choices)
    justification = forms.CharField(
        label=_("Justification"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Obligatoire pour une procédure négociée sans publication préalable."),
    )


class TimelineForm(forms.ModelForm):
    class Meta:
        model = Procurement
        fields = list(TIMELINE_FIELDS)
        widgets = {
            **{name: DATE for name in TIMELINE_FIELDS if name != "offers_deadline"},
            "offers_deadline": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        }

    def clean(self):
        cleaned = super().clean()
        error = timeline_error(cleaned)
        if error:
            raise forms.ValidationError(error)
        return cleaned


class ProviderForm(forms.Form):
    name = forms.CharField(label=_("Opérateur économique"), max_length=200)
    email = forms.EmailField(label=_("Adresse e-mail"), required=False)
    consulted_on = forms.DateField(label=_("Consulté le"), required=False, widget=DATE)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented recipe): cleans each one."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class OfferForm(forms.Form):
    provider = forms.CharField(label=_("Soumissionnaire"), max_length=200)
    received_at = forms.DateTimeField(
        label=_("Reçue le"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    price = forms.DecimalField(label=_("Prix HTVA (€)"), min_value=0, max_digits=12, decimal_places=2)
    documents = MultipleFileField(
        label=_("Documents de l’offre"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": ",".join(DOCUMENT_TYPES)}),
        help_text=_("PDF, DOCX, ODT, XLSX, ODS, PNG ou JPG, 20 Mo au plus chacun."),
    )

    def clean_documents(self):
        files = self.cleaned_data["documents"]
        for upload in files:
            check_document_type(upload)
            if upload.size > MAX_UPLOAD:
                raise forms.ValidationError(_("Un document dépasse 20 Mo."))
            check_document_content(upload)
        return files


class AwardForm(forms.Form):
    offer = forms.ModelChoiceField(label=_("Offre retenue"), queryset=None)
    justification = forms.CharField(
        label=_("Justification"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Obligatoire si l’offre retenue n’est pas la mieux classée."),
    )

    def __init__(self, *args, procurement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offer"].queryset = procurement.offers.filter(excluded=False)
