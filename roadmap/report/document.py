"""How the report looks: a snapshot (see ``content``) becomes one HTML document, for the PDF and the preview."""

from django.template.loader import render_to_string


def render_html(snapshot: dict, *, version: dict | None = None) -> str:
    """The complete HTML document (``lang="fr"``, ``<title>``) of the report for this snapshot.

    ``version`` (number, date, author) is printed on the cover; None for a preview.
    """
    return render_to_string("roadmap/report/document.html", {"report": snapshot, "version": version})
