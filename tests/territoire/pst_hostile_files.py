"""Hostile PST files, built in code: zip bombs, repeated rows and columns, lying dimensions, broken XML.

Used by ``test_pst_hostile*.py`` (at small sizes, with a small upload limit) and by
``benchmarks/pst_hostile.py`` (at full size). Nothing big is committed.
"""

import io
import re
import struct
import zipfile

from tests.territoire.pst_files import HEADER, action_rows, xlsx_bytes

ODS_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
)
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"


def _zip(members: dict[str, object]) -> bytes:
    """A zip of ``name → bytes or an iterable of byte chunks`` (streamed, so gigabytes cost no memory)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, content in members.items():
            if isinstance(content, bytes):
                compression = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
                archive.writestr(name, content, compress_type=compression)
                continue
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(info, "w", force_zip64=True) as member:
                for chunk in content:
                    member.write(chunk)
    return out.getvalue()


def _repeat(chunk: bytes, size: int):
    block = chunk * max(1, (1024 * 1024) // len(chunk))
    written = 0
    while written < size:
        yield block
        written += len(block)


def _ods_cell(value) -> str:
    if isinstance(value, int | float):
        return (
            f'<table:table-cell office:value-type="float" office:value="{value}">'
            f"<text:p>{value}</text:p></table:table-cell>"
        )
    return f'<table:table-cell office:value-type="string"><text:p>{value}</text:p></table:table-cell>'


def ods_row(values, attributes="") -> str:
    return f"<table:table-row {attributes}>" + "".join(_ods_cell(v) for v in values) + "</table:table-row>"


def ods_from_content(body, *, head=None, tail=None) -> bytes:
    """An ODS whose sheet holds ``body`` (XML text, or an iterable of byte chunks between ``head`` and ``tail``)."""
    opening = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODS_NS}><office:body>'
        '<office:spreadsheet><table:table table:name="PST">'
    )
    closing = "</table:table></office:spreadsheet></office:body></office:document-content>"
    if isinstance(body, str):
        content = (opening + body + closing).encode()
    else:

        def content_chunks():
            yield opening.encode()
            yield from body
            yield closing.encode()

        content = content_chunks()
    return _zip({"mimetype": ODS_MIMETYPE, "content.xml": content})


def ods_table(rows, extra="") -> bytes:
    """A small valid ODS: a header and ``rows``, then ``extra`` XML (what the hostile part adds)."""
    body = ods_row(HEADER) + "".join(ods_row(r) for r in rows) + extra
    return ods_from_content(body)


def ods_repeated_rows(times=10**9) -> bytes:
    """2 KB: one row of text repeated ``times`` times."""
    return ods_table(action_rows(1, 1, 1), ods_row(["OS.9", "x"], f'table:number-rows-repeated="{times}"'))


def ods_repeated_columns(times=10**6) -> bytes:
    cell = (
        f'<table:table-cell table:number-columns-repeated="{times}" office:value-type="string">'
        "<text:p>x</text:p></table:table-cell>"
    )
    return ods_table(action_rows(1, 1, 1), f"<table:table-row>{cell}</table:table-row>")


def ods_blank_tail(rows=10**9, columns=10**9) -> bytes:
    """A valid PST ending as LibreOffice ends a sheet, only much longer: blank cells repeated on blank rows."""
    blank = (
        f'<table:table-row table:number-rows-repeated="{rows}">'
        f'<table:table-cell table:number-columns-repeated="{columns}"/></table:table-row>'
    )
    return ods_table(action_rows(1, 1, 3), blank)


def ods_empty_cells(count=5_000_000) -> bytes:
    """Millions of explicit empty cells (no repeat attribute) in one row, under a valid PST."""
    cells = _repeat(b"<table:table-cell/>", count * len(b"<table:table-cell/>"))
    head = (ods_row(HEADER) + "".join(ods_row(r) for r in action_rows(1, 1, 3)) + "<table:table-row>").encode()

    def body():
        yield head
        yield from cells
        yield b"</table:table-row>"

    return ods_from_content(body())


def xml_bomb_member(size: int) -> bytes:
    """An ODS whose content.xml inflates to ``size`` bytes of blank rows (a zip bomb)."""
    row = b"<table:table-row><table:table-cell/></table:table-row>"
    return ods_from_content(_repeat(row, size))


def xlsx_with_sheet(sheet_xml: bytes | object) -> bytes:
    """A valid XLSX (built by openpyxl) whose first sheet's XML is replaced."""
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes(lambda sheet: sheet.append(["Code", "Intitulé"]))))
    members = {}
    for info in source.infolist():
        members[info.filename] = sheet_xml if info.filename == "xl/worksheets/sheet1.xml" else source.read(info)
    return _zip(members)


SHEET_OPEN = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
SHEET_CLOSE = b"</sheetData></worksheet>"


def xlsx_rows(rows: list[list], extra: bytes = b"") -> bytes:
    """Sheet XML of inline-string rows, then ``extra``."""
    out = [SHEET_OPEN]
    for number, row in enumerate(rows, start=1):
        cells = "".join(
            f'<c r="{_letters(i)}{number}" t="inlineStr"><is><t>{v}</t></is></c>' for i, v in enumerate(row)
        )
        out.append(f'<row r="{number}">{cells}</row>'.encode())
    return b"".join(out) + extra


def _letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def xlsx_bomb(size: int) -> bytes:
    """An XLSX whose sheet inflates to ``size`` bytes of empty styled cells."""

    def chunks():
        yield SHEET_OPEN + b'<row r="1">'
        yield from _repeat(b'<c s="0"/>', size)
        yield b"</row>" + SHEET_CLOSE

    return xlsx_with_sheet(chunks())


def xlsx_lying_dimension(n_actions=60) -> bytes:
    """An openpyxl workbook whose ``<dimension>`` claims two rows while the sheet has many more."""

    def build(sheet):
        sheet.append(HEADER)
        for row in action_rows(1, 1, n_actions):
            sheet.append(row)

    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes(build)))
    members = {}
    for info in source.infolist():
        data = source.read(info)
        if info.filename == "xl/worksheets/sheet1.xml":
            data, count = re.subn(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:B2"', data)
            assert count == 1
        members[info.filename] = data
    return _zip(members)


def xlsx_far_cells(reference="XFD1048576") -> bytes:
    header = xlsx_rows([["Code", "Intitulé"], ["OS.1", "Objectif"]])
    row = re.match(r"[A-Z]+(\d+)", reference)[1]
    return xlsx_with_sheet(
        header + f'<row r="{row}"><c r="{reference}" t="inlineStr"><is><t>x</t></is></c></row>'.encode() + SHEET_CLOSE
    )


def lie_about_size(data: bytes, member: str, size: int) -> bytes:
    """The zip with ``member``'s inflated size rewritten to ``size`` in the central directory and local header."""
    data = bytearray(data)
    name = member.encode()
    for signature, offset in ((b"PK\x01\x02", 24), (b"PK\x03\x04", 22)):
        start = 0
        while (start := data.find(signature, start)) != -1:
            name_at = start + (46 if signature == b"PK\x01\x02" else 30)
            if data[name_at : name_at + len(name)] == name:
                data[start + offset : start + offset + 4] = struct.pack("<I", size)
            start += 4
    return bytes(data)


def csv_columns(count=100_000) -> bytes:
    return ("Code;Intitulé\nOS.1;" + ";".join(["x"] * count) + "\n").encode()


def xml_elements(count=2_000_000) -> bytes:
    return b"<dataroot><PST>" + b"<a/>" * count + b"</PST></dataroot>"


def xml_deep(depth=10_000) -> bytes:
    return b"<dataroot><PST>" + b"<a>" * depth + b"</a>" * depth + b"</PST></dataroot>"


def xml_billion_laughs() -> bytes:
    entities = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    return (
        f'<?xml version="1.0"?><!DOCTYPE dataroot [<!ENTITY l0 "lol">{entities}]>'
        "<dataroot><PST><DescriptionPST><Libelle>&l9;</Libelle></DescriptionPST></PST></dataroot>"
    ).encode()
