"""PDF renderer: the shared print template, then ``territoire.pdf.html_to_pdf`` (tagged, offline)."""

from django.template.loader import render_to_string

from territoire.pdf import html_to_pdf


def render_html(document) -> str:
    return render_to_string("projects/documents/document.html", {"document": document})


def render(document) -> bytes:
    return html_to_pdf(render_html(document)).content
