"""Every upload field given junk, nothing, too much, or a file of another type behind the right extension
(issue 14): a French message, no row written, no file stored.

The fields: phase documents and offer documents (projects), the workbook import (roadmap), the invitation list
(diagnostics) and the PST (territoire; its hostile spreadsheets are in territoire/test_pst_hostile.py).
"""

import html

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase

from tests.url_kwargs import URL_KWARGS

JUNK = bytes(range(256)) * 8
HTML_PAGE = b"<!doctype html><script>alert(document.cookie)</script>"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _url(name, tenant, **kwargs):
    from django.urls import reverse

    from tests.territoire.test_url_isolation import project_urls

    keywords = dict(project_urls())[name]
    return reverse(name, kwargs={k: kwargs[k] if k in kwargs else URL_KWARGS[k](tenant) for k in keywords})


UPLOADS = {
    # name: (URL name, file field, other fields, extension, kwargs)
    "phase document": ("projects:document-upload", "file", {"title": "Plan"}, "pdf"),
    "offer document": (
        "projects:offer-add",
        "documents",
        {"provider": "Société X", "received_at": "2027-03-01T10:00", "price": "1000"},
        "pdf",
    ),
    "workbook": ("roadmap:workbook-import", "file", {}, "xlsx"),
    "invitation list": ("diagnostics:campaign-invite", "file", {}, "csv"),
    "pst": ("territoire:pst-import", "file", {"legislature": "2024-2030", "entity": "commune"}, "csv"),
}
CASES = {
    "junk": JUNK,
    "empty": b"",
    "oversized": b"%PDF-" + b"x" * 3000,
    # A page, then a picture, behind the extension the field accepts.
    "html as the type": HTML_PAGE,
    "png as the type": PNG,
}
MESSAGES = (
    "vide",
    "taille maximale",
    "dépasse",
    "ne correspond pas à son extension",
    "Rien n'a été importé",
    "UTF-8",
    "Ligne 1",
    "n'est pas",
    "illisible",
    "endommagé",
    "format",
)
MODELS = [m for m in apps.get_models() if m._meta.app_label in ("territoire", "diagnostics", "roadmap", "projects")]


def _rows():
    return {m._meta.label: m._default_manager.count() for m in MODELS}


def _files(settings):
    root = settings.MEDIA_ROOT
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("upload", UPLOADS)
def test_a_hostile_upload_gets_a_french_message_and_stores_nothing(
    client, tenant_a, settings, monkeypatch, upload, case
):
    name, field, data, extension = UPLOADS[upload]
    settings.MAX_UPLOAD_SIZE = 2048
    monkeypatch.setattr("projects.forms.procurement.MAX_UPLOAD", 2048)
    url = _url(name, tenant_a)
    client.force_login(tenant_a.consultant)
    rows, files = _rows(), _files(settings)
    with TestCase.captureOnCommitCallbacks(execute=True):  # the PST's analysis runs once the upload commits
        response = client.post(url, {**data, field: SimpleUploadedFile(f"fichier.{extension}", CASES[case])})
    assert response.status_code in (200, 302, 400)
    if name == "territoire:pst-import" and response.status_code == 302:
        # The PST is analysed after the upload; the preview explains the refusal and nothing is imported.
        from territoire.models import PSTImport, PSTNode

        pst_import = PSTImport.objects.latest("created_at")
        assert pst_import.status == PSTImport.Status.REFUSED
        assert " ".join(e["message"] for e in pst_import.errors)
        assert not PSTNode.objects.exists()
        return
    text = html.unescape(response.content.decode())
    message = next((m for m in MESSAGES if m in text), None)
    assert message, (upload, case, response.status_code)
    assert _rows() == rows, (upload, case)
    assert _files(settings) == files, (upload, case)
