"""What may be attached to a followed project (phase documents, offers): office documents in open or common
formats, and pictures — never an executable or an HTML page served back to a browser."""

from pathlib import PurePath

from django import forms
from django.utils.translation import gettext as _

DOCUMENT_TYPES = (".pdf", ".docx", ".odt", ".xlsx", ".ods", ".png", ".jpg", ".jpeg")


def check_document_type(file):
    """Refuse a file whose extension is not one of ``DOCUMENT_TYPES``, naming it; return it."""
    if PurePath(file.name).suffix.lower() not in DOCUMENT_TYPES:
        raise forms.ValidationError(
            _(
                "« %(name)s » : ce type de fichier n'est pas accepté ; déposez un PDF, DOCX, ODT, XLSX, ODS, PNG "
                "ou JPG."
            )
            % {"name": PurePath(file.name).name[:80]},
            code="file_type",
        )
    return file
