"""What may be attached to a followed project (phase documents, offers): office documents in open or common
formats, and pictures — never an executable or an HTML page served back to a browser."""

from pathlib import PurePath

from django import forms
from django.utils.translation import gettext as _

DOCUMENT_TYPES = (".pdf", ".docx", ".odt", ".xlsx", ".ods", ".png", ".jpg", ".jpeg")
# How each type starts: a page or a program renamed « offre.pdf » is refused, not stored and served back.
# Office documents (DOCX, ODT, XLSX, ODS) are ZIP archives.
SIGNATURES = {
    ".pdf": (b"%PDF",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".docx": (b"PK\x03\x04",),
    ".odt": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".ods": (b"PK\x03\x04",),
}


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


def check_document_content(file):
    """Refuse a file whose first bytes are not those of the type its extension names, naming it; return it."""
    suffix = PurePath(file.name).suffix.lower()
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    if not head.startswith(SIGNATURES[suffix]):
        raise forms.ValidationError(
            _("« %(name)s » n'est pas un vrai fichier %(type)s : son contenu ne correspond pas à son extension.")
            % {"name": PurePath(file.name).name[:80], "type": suffix[1:].upper()},
            code="file_content",
        )
    return file
