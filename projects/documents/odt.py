"""ODT renderer (odfdo): headings as outline levels (LibreOffice's navigator lists them), tables as text tables."""

import io

from odfdo import Cell, Document, Header, Paragraph, Row, Table


def render(document) -> bytes:
    odt = Document("text")
    odt.meta.title = document.title
    odt.meta.language = "fr-BE"
    body = odt.body
    body.clear()
    body.append(Header(1, document.title))
    if document.subtitle:
        body.append(Paragraph(document.subtitle))
    for label, value in document.meta:
        body.append(Paragraph(f"{label} : {value}"))
    for number, block in enumerate(document.blocks, start=1):
        if block.kind == "heading":
            body.append(Header(min(block.level + 1, 4), block.text))
        elif block.kind == "paragraph":
            body.append(Paragraph(block.text))
        else:
            table = Table(f"Tableau{number}")
            for values in [block.headers, *block.rows]:
                row = Row()
                for text in values:
                    # A string cell: "=cmd" is text, not a formula.
                    row.append_cell(Cell(text, cell_type="string"))
                table.append_row(row)
            body.append(table)
    out = io.BytesIO()
    odt.save(out)
    return out.getvalue()
