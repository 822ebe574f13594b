"""Forms of campaigns and their invitations: validation only; services do the writes."""

import csv
import io
from dataclasses import dataclass
from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from diagnostics.models import Audience
from territoire.forms import validate_plausible_date

MAX_INVITATIONS = 2000


class CampaignForm(forms.Form):
    title = forms.CharField(label=_("Intitulé"), max_length=200)
    audience = forms.ChoiceField(label=_("Public"), choices=Audience.choices)
    opens_at = forms.DateTimeField(
        label=_("Ouverture"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        validators=[validate_plausible_date],
    )
    closes_at = forms.DateTimeField(
        label=_("Clôture"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        validators=[validate_plausible_date],
    )
    anonymous = forms.BooleanField(
        label=_("Réponses anonymes"),
        required=False,
        initial=True,
        help_text=_("Les résultats et exports ne montrent ni noms ni adresses."),
    )
    public = forms.BooleanField(
        label=_("Lien public"),
        required=False,
        help_text=_("Un lien à diffuser largement (citoyens) : une réponse par navigateur."),
    )
    intro = forms.CharField(label=_("Texte d'introduction"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "opens_at": timezone.localtime().replace(second=0, microsecond=0),
                "closes_at": (timezone.localtime() + timedelta(days=21)).replace(hour=23, minute=59, second=0),
                "anonymous": True,
            },
        )
        super().__init__(*args, **kwargs)

    def clean_title(self):
        # The title becomes the subject of the invitations: one line, whatever was pasted.
        return " ".join(self.cleaned_data["title"].split())

    def clean(self):
        data = super().clean()
        if data.get("opens_at") and data.get("closes_at") and data["closes_at"] <= data["opens_at"]:
            self.add_error("closes_at", _("La clôture doit suivre l'ouverture."))
        return data


# How many bad lines a message names one by one (the rest are counted).
MAX_LISTED_BAD_LINES = 20


@dataclass(frozen=True)
class BadLine:
    number: int
    text: str
    reason: str

    def __str__(self):
        return _("Ligne %(n)s : %(reason)s.") % {"n": self.number, "reason": self.reason}


class InvitationsForm(forms.Form):
    people = forms.CharField(
        label=_("Adresses à inviter"),
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 5, "class": "form-control", "placeholder": "marie.dupont@commune.be; Marie Dupont; Travaux"}
        ),
        help_text=_("Une personne par ligne : e-mail ; nom ; service (nom et service facultatifs)."),
    )
    file = forms.FileField(
        label=_("… ou un fichier CSV"),
        required=False,
        help_text=_("Colonnes : e-mail, nom, service (séparateur virgule ou point-virgule)."),
    )

    def clean(self):
        data = super().clean()
        lines = []
        if data.get("people"):
            lines += data["people"].splitlines()
        if data.get("file"):
            upload = data["file"]
            if upload.size > 1024 * 1024:
                raise ValidationError(_("Le fichier dépasse 1 Mo."))
            try:
                lines += upload.read().decode("utf-8-sig").splitlines()
            except UnicodeDecodeError:
                raise ValidationError(_("Le fichier doit être un CSV encodé en UTF-8.")) from None
        people, bad_lines = [], []
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            delimiter = ";" if ";" in line else ","
            cells = [c.strip() for c in next(csv.reader(io.StringIO(line), delimiter=delimiter), [])]
            email = cells[0] if cells else ""
            if number == 1 and "@" not in email and email.lower() in ("email", "e-mail", "courriel"):
                continue  # a header line
            try:
                validate_email(email)
            except ValidationError:
                reason = (
                    _("l'adresse e-mail manque en début de ligne")
                    if not email
                    else _("« %(email)s » n'est pas une adresse e-mail") % {"email": email}
                )
                bad_lines.append(BadLine(number, line.strip(), reason))
                continue
            people.append(
                {
                    "email": email,
                    "name": cells[1][:200] if len(cells) > 1 else "",
                    "service": cells[2][:120] if len(cells) > 2 else "",
                }
            )
        if not people:
            if bad_lines:
                raise ValidationError([str(bad) for bad in bad_lines[:MAX_LISTED_BAD_LINES]])
            raise ValidationError(_("Indiquez au moins une adresse e-mail."))
        if len(people) > MAX_INVITATIONS:
            raise ValidationError(_("Au plus %(n)s invitations à la fois.") % {"n": MAX_INVITATIONS})
        # The good lines are invited; the view hands the bad ones back, each named, for correction.
        data["bad_lines"] = bad_lines
        data["people_list"] = people
        return data
