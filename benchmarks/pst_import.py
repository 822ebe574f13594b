"""Importing a 5 000-action PST: preview then confirm, as a first import and as an unchanged re-import;
then through the screen: the upload request (the reading is queued for a worker), the reading task, and
the preview page of a re-import that renames every node.

    DATABASE_URL=sqlite:////tmp/bench.sqlite3 .venv/bin/python manage.py migrate
    DATABASE_URL=sqlite:////tmp/bench.sqlite3 .venv/bin/python manage.py seed_demo
    DATABASE_URL=sqlite:////tmp/bench.sqlite3 .venv/bin/python benchmarks/pst_import.py

Works on a bench commune (code 99990, created once) whose PSTs it deletes at the end. Also times the tree page.
"""

from _common import measure  # noqa: I001  (sets Django up first)

import csv
import io
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from territoire import services
from territoire.celery import app
from territoire.models import PST, Commune, Membership, Mission, PSTImport, Role

ACTIONS = 5000
HEADER = [
    "Volet",
    "Code OS",
    "Objectif stratégique",
    "Code OO",
    "Objectif opérationnel",
    "Code action",
    "Action",
    "Service pilote",
    "Agent responsable",
    "Date de début",
    "Date de fin",
    "Budget",
    "État",
    "Avancement (%)",
]


def pst_csv() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(HEADER)
    per_oo = ACTIONS // 100
    for i in range(1, 11):
        for j in range(1, 11):
            for k in range(1, per_oo + 1):
                writer.writerow(
                    [
                        "Externe",
                        f"OS.{i}",
                        f"Objectif stratégique {i}",
                        f"OO.{i}.{j}",
                        f"Objectif opérationnel {i}.{j}",
                        f"A.{i}.{j}.{k}",
                        f"Action {i}.{j}.{k} pour le territoire",
                        "Travaux",
                        "Catherine Nguyen",
                        "05/06/2025",
                        "31/12/2027",
                        "12.500,00 €",
                        "En cours",
                        "40",
                    ]
                )
    return out.getvalue().encode("cp1252")


def pst_xlsx(data: bytes) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for row in csv.reader(io.StringIO(data.decode("cp1252")), delimiter=";"):
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def timed(label, func):
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        result = func()
        elapsed = time.perf_counter() - start
    print(f"{label:<45} {elapsed * 1000:8.0f} ms  {len(queries):4d} queries")
    return result


def run_imports(content: bytes, name: str) -> None:
    PST.objects.filter(commune=commune).delete()
    kwargs = {"commune": commune, "by": user, "start_year": 2024, "end_year": 2030}

    def preview():
        return services.pst_import_preview(file=ContentFile(content, name=name), **kwargs)

    first = timed("preview (first import)", preview)
    assert first.counts["actions"] == ACTIONS, first.errors[:3]
    timed("confirm (first import: all created)", lambda: services.pst_import_confirm(pst_import=first, by=user))
    again = timed("preview (re-import, unchanged)", preview)
    assert again.counts["unchanged"] == ACTIONS + 110
    timed("confirm (re-import)", lambda: services.pst_import_confirm(pst_import=again, by=user))


def run_screen(content: bytes, name: str) -> None:
    url = reverse("territoire:pst-import", args=[mission.pk])

    def upload():
        data = {"file": SimpleUploadedFile(name, content), "legislature": "2024-2030", "entity": "commune"}
        response = client.post(url, data)
        assert response.status_code == 302, response.status_code
        return PSTImport.objects.filter(commune=commune).latest("created_at")

    # As in production: the task goes to the broker (in memory here, no worker) and the request returns.
    app.conf.task_always_eager = False
    try:
        pst_import = timed("upload request (reading queued)", upload)
    finally:
        app.conf.task_always_eager = True
    assert pst_import.status == PSTImport.Status.ANALYSING
    pst_import = timed(
        "reading task (pst_import_analyse)", lambda: services.pst_import_analyse(import_id=pst_import.pk)
    )
    assert pst_import.counts["updated"] == ACTIONS + 110, pst_import.counts
    preview_url = reverse("territoire:pst-import-preview", args=[mission.pk, pst_import.pk])
    measure("preview page, 5 110 nodes renamed", lambda: client.get(preview_url), repeat=3)
    measure("poll while reading (htmx)", lambda: client.get(preview_url, HTTP_HX_REQUEST="true"), repeat=10)


commune, _ = Commune.objects.get_or_create(code="99990", defaults={"name": "Commune de banc d'essai"})
user = get_user_model().objects.get(username="claire.dubois")
Membership.objects.get_or_create(user=user, commune=commune, defaults={"role": Role.CONSULTANT})
mission, _ = Mission.objects.get_or_create(commune=commune, title="Banc d'essai PST")
try:
    for label, content, name in (("CSV", pst_csv(), "pst.csv"), ("XLSX", pst_xlsx(pst_csv()), "pst.xlsx")):
        print(f"--- {label}, {ACTIONS} actions, {len(content) / 1024 / 1024:.1f} Mo")
        run_imports(content, name)

    settings.ALLOWED_HOSTS = ["*"]
    client = Client()
    client.force_login(user)
    renamed = pst_csv().decode("cp1252").replace("pour le territoire", "pour la commune")
    renamed = renamed.replace("Objectif", "Objectif renommé")
    for label, content, name in (
        ("CSV", renamed.encode("cp1252"), "pst.csv"),
        ("XLSX", pst_xlsx(renamed.encode("cp1252")), "pst.xlsx"),
    ):
        print(f"--- through the screen, {label}: every node renamed")
        run_screen(content, name)
    pst = PST.objects.get(commune=commune)
    url = reverse("territoire:pst-detail", args=[mission.pk, pst.pk])
    measure("PST tree page (5 000 actions)", lambda: client.get(url), repeat=3)
    measure("PST tree page, filtered (search)", lambda: client.get(url, {"q": "1.1.1"}), repeat=3)
    measure(
        "export XLSX", lambda: client.get(reverse("territoire:pst-export-xlsx", args=[mission.pk, pst.pk])), repeat=1
    )
finally:
    PST.objects.filter(commune=commune).delete()
    PSTImport.objects.filter(commune=commune).delete()
