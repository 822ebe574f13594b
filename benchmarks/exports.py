"""Time the exports of the large demo (``seed_demo --size large`` first): the request, then the job.

    DATABASE_URL=sqlite:////tmp/bench.sqlite3 .venv/bin/python benchmarks/exports.py

The request only records the job and enqueues its task (measured with a broker and no eager
execution, as in production); the task's time is measured apart, with the peak of Python memory
allocated while it builds the file (``tracemalloc``).
"""

import statistics
import time
import tracemalloc

from _common import measure  # noqa: F401  (sets Django up)
from django.contrib.auth import get_user_model
from django.db.models import Count
from django.test import Client
from django.urls import reverse
from django.utils.log import logging

from diagnostics.demo.questionnaires import LARGE_TITLE
from diagnostics.models import Questionnaire, Response
from territoire import exports
from territoire.celery import app
from territoire.models import PST, ExportJob, ExportKind, Mission

RUNS = 3


def run_job(kind, params, commune, mission, user, *, trace=False):
    """(seconds, peak bytes or 0, file bytes); tracing memory slows Python down, so it is a run of its own."""
    job = ExportJob.objects.create(
        commune=commune,
        mission=mission,
        kind=kind,
        params=params,
        params_key=f"bench-{time.time()}",
        requested_by=user,
    )
    if trace:
        tracemalloc.start()
    start = time.perf_counter()
    exports.export_job_run(job_id=job.pk)
    elapsed = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] if trace else 0
    tracemalloc.stop()
    job.refresh_from_db()
    assert job.status == "done", job.error
    size = job.file.size
    job.file.delete(save=False)
    job.delete()
    return elapsed, peak, size


def main():
    logging.getLogger("territoire.exports").setLevel(logging.WARNING)
    logging.getLogger("kombu").setLevel(logging.ERROR)
    user = get_user_model().objects.get(username="claire.dubois")
    questionnaire = Questionnaire.objects.filter(title=LARGE_TITLE).select_related("mission__commune").first()
    pst = PST.objects.annotate(n=Count("nodes")).order_by("-n").first()
    pst_mission = Mission.objects.filter(commune=pst.commune).first()
    submitted = Response.objects.filter(campaign__questionnaire=questionnaire, submitted_at__isnull=False).count()
    print(f"questionnaire: {questionnaire.questions.count()} questions, {submitted} responses; PST: {pst.n} nodes")

    app.conf.task_always_eager = False  # the request as in production: the task goes to the broker
    client = Client()
    client.force_login(user)
    url = reverse("diagnostics:questionnaire-export-xlsx", args=[questionnaire.mission_id, questionnaire.pk])
    times = []
    for _ in range(RUNS):
        ExportJob.objects.filter(requested_by=user).delete()
        start = time.perf_counter()
        response = client.post(url)
        times.append(time.perf_counter() - start)
        assert response.status_code == 302
    print(f"{'request: POST export (job recorded, task queued)':<55} {statistics.median(times) * 1000:8.0f} ms")
    ExportJob.objects.filter(requested_by=user).delete()

    cases = [
        (
            "task: responses XLSX",
            ExportKind.RESPONSES_XLSX,
            {"questionnaire": questionnaire.pk},
            questionnaire.mission,
        ),
        ("task: responses CSV", ExportKind.RESPONSES_CSV, {"questionnaire": questionnaire.pk}, questionnaire.mission),
        ("task: PST XLSX", ExportKind.PST_XLSX, {"pst": pst.pk}, pst_mission),
        ("task: PST CSV", ExportKind.PST_CSV, {"pst": pst.pk}, pst_mission),
        ("task: PST XML eComptes", ExportKind.PST_XML, {"pst": pst.pk}, pst_mission),
    ]
    for label, kind, params, mission in cases:
        results = [run_job(kind, params, mission.commune, mission, user) for _ in range(RUNS)]
        elapsed = statistics.median(r[0] for r in results)
        peak = run_job(kind, params, mission.commune, mission, user, trace=True)[1]
        print(f"{label:<55} {elapsed * 1000:8.0f} ms  peak {peak / 2**20:6.1f} MiB  file {results[0][2] // 1024} KiB")


if __name__ == "__main__":
    main()
