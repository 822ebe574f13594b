"""One document model, three renderers: a CSC or an award report is built once as a neutral structure
(headings, paragraphs, tables; plain text only) and written to PDF (``pdf``: HTML template → WeasyPrint),
DOCX (``docx``: python-docx) and ODT (``odt``: odfdo).

User text is never interpreted: the HTML template escapes it, python-docx and odfdo store it as text runs, so
``<script>`` prints as such and ``=cmd`` stays a string (no field, no formula).
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1
    kind: str = "heading"


@dataclass(frozen=True)
class Paragraph:
    text: str
    kind: str = "paragraph"


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[list[str]]
    # Relative widths of the columns (the renderers that can, use them).
    widths: list[int] = field(default_factory=list)
    kind: str = "table"


@dataclass
class Document:
    title: str
    subtitle: str = ""
    meta: list[tuple[str, str]] = field(default_factory=list)
    blocks: list = field(default_factory=list)

    def heading(self, text, level=1):
        self.blocks.append(Heading(str(text), level))

    def paragraphs(self, text: str):
        for block in text.replace("\r\n", "\n").split("\n\n"):
            if block.strip():
                self.blocks.append(Paragraph(block.strip()))

    def table(self, headers, rows, widths=()):
        self.blocks.append(Table([str(h) for h in headers], [[str(c) for c in row] for row in rows], list(widths)))


def render(document: Document, fmt: str) -> bytes:
    """The document as a file of format ``fmt`` (pdf, docx or odt)."""
    from projects.documents import docx, odt, pdf

    return {"pdf": pdf.render, "docx": docx.render, "odt": odt.render}[fmt](document)
