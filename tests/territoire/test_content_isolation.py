"""Nothing of commune B shows up in what the users of commune A read: pages, downloads, choice lists.

The status crawler (``test_url_isolation.py``) proves that B's objects cannot be *opened* from A.
This one proves that they are not *shown* either: a marker string is written into every free-text
field of every row of commune B (names, titles, notes, answers, tokens, users of B), then every URL
of the project is opened as each role of commune A, with A's own objects in the URL, and the marker
must appear in no response, including the files they download (XLSX members are unzipped).
"""

import io
import re
import zipfile

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import IntegrityError, models, transaction
from django.http import HttpResponse
from django.urls import resolve, reverse
from django.utils import timezone
from pypdf import PdfReader

from diagnostics.models import Answer, InterviewGuide, Questionnaire, Response
from roadmap.models import ReportVersion
from territoire.models import Role, TenantQuerySet
from tests.diagnostics.factories import QuestionnaireFactory, tenant_objects
from tests.diagnostics.factories_fieldwork import InterviewGuideFactory
from tests.exports import download_export
from tests.projects.factories_csc import csc_objects
from tests.territoire.test_url_isolation import _url, project_urls
from tests.url_kwargs import URL_KWARGS

MARKER = "zqxmarkb"
# Logging out would end the crawl's session; the reset link takes a signed token of the user's own.
SKIPPED_URLS = {"logout", "password_reset_confirm"}
# How many pages each role of commune A opens (status 200) at least: a crawl that suddenly reaches
# fewer pages (a broken fixture, a redirect loop) would prove nothing.
MIN_PAGES = {Role.CONSULTANT: 55, Role.STAFF: 35, Role.COLLEGE: 30}


def _marked(field, pk) -> str:
    value = f"{MARKER}-{pk}"
    if isinstance(field, models.EmailField):
        value = f"{MARKER}-{pk}@example.org"
    return value[: field.max_length] if field.max_length else value


def _text_fields(model):
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
        and not field.choices
        and field.name != "password"  # a changed hash would log B's people out of the control test
        and (field.max_length is None or field.max_length >= len(MARKER) + 6)
    ]


def _plant(queryset) -> int:
    fields = _text_fields(queryset.model)
    rows = 0
    for pk in queryset.values_list("pk", flat=True):
        row = queryset.model._default_manager.filter(pk=pk)
        try:
            with transaction.atomic():
                row.update(**{f.name: _marked(f, pk) for f in fields})
        except IntegrityError:
            # A constraint ties some fields together (a finding source's alert text is set only for
            # alerts): mark the fields one by one, keeping those the constraints accept.
            for field in fields:
                try:
                    with transaction.atomic():
                        row.update(**{field.name: _marked(field, pk)})
                except IntegrityError:
                    pass
        rows += 1
    return rows


def plant_marker(tenant) -> int:
    """Write MARKER into every text field of every row of the tenant's commune; return the row count."""
    commune, people = tenant.commune, [tenant.consultant, tenant.staff, tenant.college]
    rows = 0
    for model in apps.get_models():
        queryset = model._default_manager.all()
        if isinstance(queryset, TenantQuerySet):
            rows += _plant(queryset.filter(**{queryset.commune_lookup: commune.pk}))
    # Rows that belong to B's people rather than to the commune: personal templates and guides.
    rows += _plant(Questionnaire.objects.filter(owner__in=people))
    rows += _plant(InterviewGuide.objects.filter(author__in=people))
    rows += _plant(get_user_model().objects.filter(pk__in=[p.pk for p in people]))
    # Free-text answers live in JSON as well as in the text column.
    Answer.objects.filter(response__campaign__mission__commune=commune).update(value=MARKER, text=MARKER)
    return rows


def fill_commune(tenant):
    """One object of every kind the URLs take, plus answers, a personal template and a guide."""
    for make in URL_KWARGS.values():
        make(tenant)
    objects = tenant_objects(tenant)
    response = Response.objects.create(campaign=objects["campaign"], service="Travaux", submitted_at=timezone.now())
    Answer.objects.create(response=response, question=objects["question"], value="x", text="x")
    QuestionnaireFactory(mission=None, owner=tenant.consultant, title="Modèle personnel")
    InterviewGuideFactory(author=tenant.consultant)


def _body(response) -> str:
    # Reading a streamed body to its end also closes it (and its file) the way the test client wants.
    data = b"".join(response.streaming_content) if response.streaming else response.content
    if data.startswith(b"PK"):  # XLSX, ODS: search the XML inside the zip
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            data = b"".join(archive.read(name) for name in archive.namelist())
    return data.decode("utf-8", errors="replace").casefold()


@pytest.fixture
def commune_b_marked(tenant_b):
    fill_commune(tenant_b)
    rows = plant_marker(tenant_b)
    assert rows > 30, "the marker must reach a realistic set of commune B's rows"
    return tenant_b


def test_the_marker_is_seen_where_it_belongs(client, commune_b_marked):
    """Control: B's own consultant does read the marker on B's pages, so its absence from A's means something."""
    client.force_login(commune_b_marked.consultant)
    response = client.get(_url("territoire:mission-detail", {"mission_id"}, commune_b_marked))
    assert MARKER in _body(response)


@pytest.mark.parametrize("role", [Role.CONSULTANT, Role.STAFF, Role.COLLEGE])
def test_nothing_of_commune_b_appears_to_commune_a(client, tenant_a, commune_b_marked, role):
    client.force_login(tenant_a.user(role))
    leaks, opened = [], 0
    for name, kwargs in project_urls():
        if name in SKIPPED_URLS:
            continue
        url = _url(name, kwargs, tenant_a)
        response = client.get(url)
        if response.status_code != 200:
            continue
        opened += 1
        if MARKER in _body(response):
            leaks.append(url)
    print(f"{role}: {opened} pages")
    assert opened >= MIN_PAGES[role], f"only {opened} pages opened as {role}: the crawl lost its reach"
    assert not leaks, f"commune B's data shown to a {role} of commune A on: {leaks}"


EXPORTS = {
    "territoire:pst-export-csv": {"mission_id", "pst_id"},
    "territoire:pst-export-xlsx": {"mission_id", "pst_id"},
    "territoire:pst-export-xml": {"mission_id", "pst_id"},
    "diagnostics:questionnaire-export-csv": {"mission_id", "questionnaire_id"},
    "diagnostics:questionnaire-export-xlsx": {"mission_id", "questionnaire_id"},
}


@pytest.mark.parametrize("name", EXPORTS)
def test_exports_of_commune_a_hold_nothing_of_commune_b(client, tenant_a, commune_b_marked, name):
    """Every export built for commune A (by its Celery job) while commune B is full of marked data."""
    fill_commune(tenant_a)
    client.force_login(tenant_a.consultant)
    body = _body(download_export(client, _url(name, EXPORTS[name], tenant_a)))
    assert body, "the export is empty: the test would prove nothing"
    assert MARKER not in body


def test_the_inventory_export_of_commune_a_holds_nothing_of_commune_b(client, tenant_a, commune_b_marked):
    fill_commune(tenant_a)
    client.force_login(tenant_a.consultant)
    response = client.get(_url("diagnostics:inventory-export", {"mission_id"}, tenant_a))
    assert response.status_code == 200
    assert MARKER not in _body(response)


def _downloaded_text(response) -> str:
    """The text of a downloaded file, whitespace removed: a PDF's pages read back by pypdf, anything else by _body."""
    assert response.status_code == 200, response.status_code
    data = b"".join(response.streaming_content) if response.streaming else response.content
    if data.startswith(b"%PDF"):
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).casefold()
    else:
        text = _body(HttpResponse(data))
    return re.sub(r"\s+", "", text)


def test_the_final_report_of_commune_a_holds_nothing_of_commune_b(
    client, tenant_a, commune_b_marked, django_capture_on_commit_callbacks
):
    """The report rendered by its task (eagerly here) and downloaded by A's Collège: its PDF and annex."""
    fill_commune(tenant_a)
    client.force_login(tenant_a.consultant)
    with django_capture_on_commit_callbacks(execute=True):  # the task is sent once the request commits
        assert client.post(_url("roadmap:report-generate", {"mission_id"}, tenant_a)).status_code == 302
    version = ReportVersion.objects.filter(mission=tenant_a.mission).latest("number")
    client.force_login(tenant_a.college)
    kwargs = {"mission_id": tenant_a.mission.pk, "report_id": version.pk}
    pdf = _downloaded_text(client.get(reverse("roadmap:report-download", kwargs=kwargs)))
    assert re.sub(r"\s+", "", tenant_a.mission.title.casefold()) in pdf  # the text was read back
    assert MARKER not in pdf
    assert MARKER not in _downloaded_text(client.get(reverse("roadmap:report-annex", kwargs=kwargs)))


def test_the_csc_and_award_report_of_commune_a_hold_nothing_of_commune_b(
    client, tenant_a, commune_b_marked, django_capture_on_commit_callbacks
):
    """CSC documents (PDF, DOCX) and the award report, rendered by their task and downloaded by A's Collège."""
    objects = csc_objects(tenant_a)
    project, specification = objects["specification"].project, objects["specification"]
    base = {"mission_id": tenant_a.mission.pk, "project_id": project.pk}
    asks = [
        (reverse("projects:specification-render", kwargs=base | {"specification_id": specification.pk}), fmt)
        for fmt in ("pdf", "docx")
    ]
    asks.append((reverse("projects:award-report", kwargs=base | {"procurement_id": objects["procurement"].pk}), ""))
    for url, fmt in asks:
        client.force_login(tenant_a.consultant)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, {"format": fmt})
        assert response.status_code == 302
        render_id = resolve(response["Location"]).kwargs["render_id"]
        client.force_login(tenant_a.college)
        text = _downloaded_text(
            client.get(reverse("projects:render-download", kwargs=base | {"render_id": render_id}))
        )
        assert "communea" in text, (url, fmt)  # A's name (the contracting authority): the text was read back
        assert MARKER not in text, (url, fmt)
