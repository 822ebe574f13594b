"""The shared PDF renderer: tagged (PDF/UA-1) and offline — it fetches nothing but static files and data URIs."""

import subprocess

from territoire.pdf import html_to_pdf

PAGE = """<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Essai</title>{head}</head>
<body><h1>Bonjour</h1>{body}</body></html>"""


def test_the_pdf_is_tagged_and_counts_its_pages(tmp_path):
    html = PAGE.format(head="", body='<p style="break-before: page">Deuxième page</p>')
    document = html_to_pdf(html)
    assert document.content.startswith(b"%PDF-")
    assert document.pages == 2
    path = tmp_path / "essai.pdf"
    path.write_bytes(document.content)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert "Tagged:          yes" in info
    assert "Pages:           2" in info


def test_files_outside_static_and_network_urls_are_refused(caplog):
    head = '<link rel="stylesheet" href="file:///etc/passwd"><link rel="stylesheet" href="http://127.0.0.1:9/x.css">'
    body = '<img src="file:///etc/hostname" alt=""><img src="https://example.com/a.png" alt="">'
    html_to_pdf(PAGE.format(head=head, body=body))
    refused = [record.getMessage() for record in caplog.records if "Ressource refusée" in record.getMessage()]
    assert len(refused) == 4


def test_static_files_and_data_uris_are_served(caplog):
    pixel = (
        "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg"
        "=="
    )
    html_to_pdf(
        PAGE.format(
            head='<link rel="stylesheet" href="vendor/bootstrap-icons/bootstrap-icons.min.css">',
            body=f'<img src="{pixel}" alt="">',
        )
    )
    assert not [record for record in caplog.records if "Ressource refusée" in record.getMessage()]
