"""Forms of the ideation workshops: validation only."""

from django import forms
from django.utils.translation import gettext_lazy as _

from diagnostics.forms.interviews import DateTimeInput
from diagnostics.models import ChallengeCard, Workshop
from diagnostics.models.workshops import DEFAULT_ONLINE_PARTICIPANTS
from territoire.forms import check_dates
from territoire.models import SmartTheme


class WorkshopForm(forms.ModelForm):
    class Meta:
        model = Workshop
        fields = [
            "title",
            "date",
            "location",
            "method",
            "participant_count",
            "participants",
            "votes_per_participant",
            "top_count",
        ]
        widgets = {"date": DateTimeInput(), "participants": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]
        check_dates(self, "date")
        self.fields["votes_per_participant"].widget.attrs.update({"min": 1, "max": 20})
        self.fields["participant_count"].help_text = _(
            "Autant de téléphones peuvent écrire et voter par le lien des participants (%(n)s si vide) : "
            "ouvrir de nouvelles fenêtres ne donne pas de votes en plus."
        ) % {"n": DEFAULT_ONLINE_PARTICIPANTS}
        self.fields["top_count"].widget.attrs.update({"min": 1, "max": 20})

    def clean_votes_per_participant(self):
        votes = self.cleaned_data["votes_per_participant"]
        if not 1 <= votes <= 20:
            raise forms.ValidationError(_("Entre 1 et 20 votes par participant."))
        return votes

    def clean_top_count(self):
        top = self.cleaned_data["top_count"]
        if not 1 <= top <= 20:
            raise forms.ValidationError(_("Entre 1 et 20 défis retenus."))
        return top


class CardForm(forms.ModelForm):
    class Meta:
        model = ChallengeCard
        fields = ["text", "theme", "author"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3, "maxlength": 500})}
        labels = {"text": _("Votre défi")}
        help_texts = {"text": _("Un défi concret pour la commune, en une ou deux phrases.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A real empty choice a participant understands, not Django's "---------".
        self.fields["theme"].choices = [("", _("— aucun thème —")), *SmartTheme.choices]

    def clean_text(self):
        text = " ".join(self.cleaned_data["text"].split())
        if len(text) < 3:
            raise forms.ValidationError(_("Écrivez votre défi en quelques mots."))
        return text


class PaperVotesForm(forms.Form):
    paper_votes = forms.IntegerField(label=_("Votes sur papier"), min_value=0, max_value=999)
