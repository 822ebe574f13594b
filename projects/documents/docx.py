"""DOCX renderer (python-docx): headings with Word's heading styles, so the navigation pane lists them."""

import io

from docx import Document as WordDocument
from docx.shared import Cm, Pt


def render(document) -> bytes:
    word = WordDocument()
    word.core_properties.title = document.title
    word.core_properties.language = "fr-BE"
    word.add_heading(document.title, level=0)
    if document.subtitle:
        word.add_paragraph(document.subtitle).runs[0].italic = True
    for label, value in document.meta:
        paragraph = word.add_paragraph()
        paragraph.add_run(f"{label} : ").bold = True
        paragraph.add_run(value)
    for block in document.blocks:
        if block.kind == "heading":
            word.add_heading(block.text, level=min(block.level, 3))
        elif block.kind == "paragraph":
            word.add_paragraph(block.text)
        else:
            table = word.add_table(rows=1, cols=len(block.headers))
            table.style = "Table Grid"
            for cell, text in zip(table.rows[0].cells, block.headers, strict=True):
                cell.text = ""
                cell.paragraphs[0].add_run(text).bold = True
            for row in block.rows:
                for cell, text in zip(table.add_row().cells, row, strict=True):
                    cell.text = text
            if block.widths:
                total = sum(block.widths)
                for column, width in zip(table.columns, block.widths, strict=True):
                    for cell in column.cells:
                        cell.width = Cm(16 * width / total)
            word.add_paragraph()
    for style in ("Normal",):
        word.styles[style].font.size = Pt(10.5)
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()
