"""The one way HTML becomes a PDF here (the report, the CSC, the award report): WeasyPrint, tagged, offline.

* Tagged PDF/UA-1: public bodies owe accessible documents. The HTML must carry ``<title>`` and ``lang``.
* Nothing is fetched from the network or from arbitrary files: the fetcher serves ``data:`` URIs and files
  under the project's static folders only (the report's stylesheet, fonts, vendored images). User content
  (a commune's logo) is embedded by the caller as a ``data:`` URI after it has been checked, and every user
  string is escaped by the template engine before it reaches WeasyPrint.
* WeasyPrint keeps memory across renders: call this in a worker with ``--max-tasks-per-child`` (see the
  ``pdf`` queue in ``territoire/celery.py``), or in a command, never in a web request.
"""

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.conf import settings

PDF_VARIANT = "pdf/ua-1"


@dataclass(frozen=True)
class PdfDocument:
    content: bytes
    pages: int


def static_roots() -> list[Path]:
    roots = [Path(root).resolve() for root in settings.STATICFILES_DIRS]
    if settings.STATIC_ROOT:
        roots.append(Path(settings.STATIC_ROOT).resolve())
    return roots


def base_url() -> str:
    """Relative URLs in the HTML (``roadmap/report.css``) resolve against the project's ``static/`` folder."""
    return Path(settings.STATICFILES_DIRS[0]).resolve().as_uri() + "/"


def _fetcher():
    from weasyprint.urls import URLFetcher

    class StaticOnlyFetcher(URLFetcher):
        """``data:`` URIs and files under the static folders; anything else is refused (and left out)."""

        def fetch(self, url, headers=None):
            parsed = urlparse(url)
            if parsed.scheme == "data":
                return super().fetch(url, headers)
            if parsed.scheme == "file":
                path = Path(unquote(parsed.path)).resolve()
                if any(path.is_relative_to(root) for root in static_roots()) and path.is_file():
                    return super().fetch(url, headers)
            raise ValueError(f"Ressource refusée dans un PDF : {url[:80]}")

    return StaticOnlyFetcher(allowed_protocols=("data", "file"))


def html_to_pdf(html: str) -> PdfDocument:
    """Render a complete HTML document (with its ``<title>`` and ``lang``) to a tagged PDF."""
    from weasyprint import HTML

    document = HTML(string=html, base_url=base_url(), url_fetcher=_fetcher()).render()
    content = document.write_pdf(pdf_variant=PDF_VARIANT)
    return PdfDocument(content=content, pages=len(document.pages))
