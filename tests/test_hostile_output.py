"""Hostile text in every text field of a mission, rendered everywhere (issue 14): escaped or neutralised.

One payload carries the usual attacks at once: a formula (``=HYPERLINK``) for the spreadsheets, a
``<script>``, an attribute break-out with ``onerror``, a template expression. It is written into every free
text column of every row of the tenant's objects (all four apps, and the people's names), then:

- every page of the mission (the URL crawler's list, inline SVG charts and diagrams included) never carries
  the markup unescaped;
- every export (CSV, XLSX, XML) keeps the text but never as a live formula;
- the final report's HTML (what WeasyPrint reads) has it escaped and the PDF shows it as literal text;
- the CSC in PDF, DOCX and ODT has it escaped in the XML, with no field code.
"""

import csv
import io
import json
import re
import zipfile
from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import IntegrityError, models, transaction
from django.test import TestCase
from django.urls import resolve, reverse

from diagnostics.models import Workshop
from territoire.spreadsheets import FORMULA_START
from tests.territoire.test_url_isolation import TENANT_URLS, _url
from tests.url_kwargs import OWNER_ROLES, URL_KWARGS

SCRIPT = "<script>alert(1)</script>"
BREAKOUT = '"><img src=x onerror=alert(1)>'
FORMULA = '=HYPERLINK("http://x")'
TEMPLATE = "{{7*7}}"
PAYLOAD = f"{FORMULA}{SCRIPT}{BREAKOUT}{TEMPLATE}"
# What must never reach a browser or a document as markup.
LIVE = re.compile(r"<script>alert|<img src=x|onerror=alert\(1\)>|(?:href|src|action)\s*=\s*[\"']?\s*javascript:", re.I)
SKIPPED_COLUMNS = {"token", "public_token", "code", "key", "slug", "file_name", "filename", "content_type", "phase"}


def _text_columns(model):
    for column in model._meta.concrete_fields:
        if (
            isinstance(column, (models.CharField, models.TextField))
            and not isinstance(column, (models.SlugField, models.EmailField, models.URLField))
            and not column.choices
            and not column.unique
            and column.name not in SKIPPED_COLUMNS
        ):
            yield column


def poison(tenant) -> int:
    """Build the objects of every URL keyword, then put the payload in every free text column; the count."""
    for make in URL_KWARGS.values():
        make(tenant)
    written = 0
    targets = [
        m for m in apps.get_models() if m._meta.app_label in ("territoire", "diagnostics", "roadmap", "projects")
    ]
    for model in [*targets, get_user_model()]:
        if model._meta.proxy or model.__name__.startswith("Historical"):
            continue
        columns = [c for c in _text_columns(model) if model is not get_user_model() or c.name.endswith("_name")]
        for column in columns:
            value = PAYLOAD[: column.max_length] if column.max_length else PAYLOAD
            try:
                with transaction.atomic():
                    written += model._default_manager.update(**{column.name: value})
            except IntegrityError:
                pass  # a column that a constraint keeps empty on these rows (FindingSource: one source only)
    # The one link typed in the application (a funding call's page, set in the admin): a script URL.
    from roadmap.models import FundingCall

    written += FundingCall.objects.update(url="javascript:alert(1)")
    return written


def _with_a_funding_call(tenant):
    from roadmap.models import FundingSource
    from tests.roadmap.factories import FundingCallFactory, roadmap_objects

    sheet = roadmap_objects(tenant)["sheet"]
    sheet.funding_lines.create(source=FundingSource.CALL, call=FundingCallFactory(), amount=1000)


@pytest.fixture
def poisoned(tenant_a):
    from tests.territoire.factories import pst_tree

    pst_tree(tenant_a.commune)
    _with_a_funding_call(tenant_a)
    # URLs first: some keywords create their object when asked, which must be poisoned too.
    tenant_a.urls = {name: _url(name, kwargs, tenant_a) for name, kwargs in TENANT_URLS}
    assert poison(tenant_a) > 50
    return tenant_a


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_no_page_of_the_mission_carries_the_payload_as_markup(client, poisoned):
    seen_escaped = 0
    for name, url in poisoned.urls.items():
        client.force_login(poisoned.user(OWNER_ROLES.get(name, "consultant")))
        response = client.get(url)
        assert response.status_code < 500, url
        body = _body(response)  # read to the end, which closes a downloaded file
        kind = response.get("Content-Type", "")
        if not kind.startswith(("text/html", "image/svg", "text/plain", "application/xml", "text/xml")):
            continue
        text = body.decode()
        found = LIVE.search(text)
        assert not found, (url, text[max(0, found.start() - 200) : found.end() + 100])
        assert "alert(1)" not in text or "&lt;script&gt;alert(1)" in text or "&lt;img src=x" in text, url
        seen_escaped += "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert seen_escaped > 30, "the payload should be shown, escaped, on most pages"


def _cells(response):
    body = _body(response)
    name = response["Content-Disposition"]
    if ".xlsx" in name:
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(body))
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    yield cell.value, cell.data_type, cell.quotePrefix
    elif ".csv" in name:
        for row in csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"):
            for value in row:
                yield value, "csv", False
    elif ".json" in name:  # a person's own data (GDPR): their text as typed, never as live markup
        text = body.decode()
        assert not LIVE.search(text)
        yield from ((value, "json", False) for value in _strings(json.loads(text)))
    else:
        text = body.decode()
        assert not LIVE.search(text)
        yield text, "xml", False


def _strings(data):
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for value in data.values():
            yield from _strings(value)
    elif isinstance(data, list):
        for value in data:
            yield from _strings(value)


def _download(client, url):
    """The file behind an export button: a job (POST, then its download) or a direct download (GET)."""
    with TestCase.captureOnCommitCallbacks(execute=True):  # the export task runs once the request commits
        response = client.post(url)
    if response.status_code == 405:
        return client.get(url)
    if response.status_code == 302:
        match = resolve(response["Location"].split("?")[0])
        assert match.url_name == "export-job", response["Location"]
        return client.get(reverse("territoire:export-job-download", args=[match.kwargs["job_id"]]))
    return response


def test_every_export_keeps_the_text_but_never_as_a_formula(client, poisoned):
    exports = [name for name, _kwargs in TENANT_URLS if "export" in name and "export-job" not in name]
    assert len(exports) >= 5
    client.force_login(poisoned.consultant)
    carrying = set()
    # The export of a workshop participant's data names the participant: the poisoned list of names holds the payload.
    workshop = Workshop.objects.filter(mission=poisoned.mission).exclude(participants="").first()
    named = {"diagnostics:privacy-workshop-export": "?" + urlencode({"nom": workshop.participants.splitlines()[0]})}
    for name in exports:
        for query in (named.get(name, ""), named.get(name, "?format=csv")):
            response = _download(client, poisoned.urls[name] + query)
            assert response.status_code == 200, name
            cells = list(_cells(response))
            if any(SCRIPT in value for value, _kind, _quoted in cells if isinstance(value, str)):
                carrying.add(name)
            for value, kind, quoted in cells:
                if kind == "json":  # not a spreadsheet: no formula to neutralise
                    continue
                assert kind != "f", (name, value)  # no formula cell
                if isinstance(value, str) and value.startswith(FORMULA_START):
                    # XLSX: a text cell that stays text when edited; CSV: OWASP's leading apostrophe.
                    assert (kind == "s" and quoted) if kind != "csv" else False, (name, query, kind, value)
                if kind == "csv" and FORMULA in value:
                    assert value.startswith("'" + FORMULA) or not value.startswith(FORMULA), (name, value)
    assert len(carrying) >= 4, carrying  # the payload was exported (and neutralised), not lost


def test_the_final_report_shows_the_payload_as_text(poisoned):
    from pypdf import PdfReader

    from roadmap.report.content import collect
    from roadmap.report.document import render_html
    from territoire.pdf import html_to_pdf

    html = render_html(collect(poisoned.mission))
    assert not LIVE.search(html), LIVE.search(html)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(html_to_pdf(html).content)).pages)
    assert SCRIPT in re.sub(r"\s+", "", text)  # printed as the characters typed
    assert TEMPLATE in re.sub(r"\s+", "", text)  # never evaluated


def test_the_csc_shows_the_payload_as_text_in_every_format(poisoned):
    from pypdf import PdfReader

    from projects.documents import csc, pdf, render
    from tests.projects.factories_csc import csc_objects

    specification = csc_objects(poisoned)["specification"]
    document = csc.build(specification)
    html = pdf.render_html(document)
    assert not LIVE.search(html)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    text = re.sub(
        r"\s+", "", "".join(page.extract_text() for page in PdfReader(io.BytesIO(render(document, "pdf"))).pages)
    )
    assert SCRIPT in text and TEMPLATE in text
    for fmt, part in (("docx", "word/document.xml"), ("odt", "content.xml")):
        xml = zipfile.ZipFile(io.BytesIO(render(document, fmt))).read(part).decode()
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in xml, fmt
        assert not LIVE.search(xml), fmt
        # A Word field (HYPERLINK...) is only live as a field code, never from document text.
        assert "w:fldSimple" not in xml and "w:instrText" not in xml and "text:a " not in xml, fmt
