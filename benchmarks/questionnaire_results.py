"""Time the results page of the large questionnaire (``seed_demo --size large`` first).

    DATABASE_URL=sqlite:////tmp/bench.sqlite3 .venv/bin/python benchmarks/questionnaire_results.py

Prints the number of queries and the time (wall, and CPU in brackets: the machine is shared) of: a render
with an empty cache (charts drawn in the request; the older code computed the aggregates there too), the
first render after a submission once ``diagnostics.results_refresh`` has run (what a reader meets in
production), warm renders, one section loaded as it is opened (htmx); with tallies, what keeping them costs:
one submission's addition (rolled back) and a rebuild of the questionnaire's; then the time of the XLSX
export (asked and built in process). ``SKIP_EXPORT=1`` leaves the export out. Run against an older
checkout (``SERVER_ROOT``), it times what that code does.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, os.environ.get("SERVER_ROOT") or str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "territoire.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import resolve, reverse  # noqa: E402

from diagnostics.demo.questionnaires import LARGE_TITLE  # noqa: E402
from diagnostics.models import Answer, Questionnaire, Response  # noqa: E402
from territoire.models import ExportJob  # noqa: E402

RUNS = 5


def timed_get(client, url, **headers):
    """One request: the response, its time and the SQL it ran."""
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        start, cpu = time.perf_counter(), time.process_time()
        response = client.get(url, **{f"HTTP_{k}": v for k, v in headers.items()})
        timed_get.cpu = time.process_time() - cpu
        return response, time.perf_counter() - start, queries


def main():
    # Keep one connection for the whole run, so that the query count covers the request.
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    questionnaire = Questionnaire.objects.filter(title=LARGE_TITLE).select_related("mission").first()
    if questionnaire is None:
        sys.exit("Run `manage.py seed_demo --size large` first.")
    submitted = Response.objects.filter(campaign__questionnaire=questionnaire, submitted_at__isnull=False).count()
    client = Client()
    client.force_login(get_user_model().objects.get(username="claire.dubois"))
    url = reverse("diagnostics:questionnaire-results", args=[questionnaire.mission_id, questionnaire.pk])
    client.get(url)  # tallies behind their campaigns (bulk-written data) are counted once, here
    cache.clear()
    page, cold, queries = timed_get(client, url)
    cold_cpu = timed_get.cpu
    assert page.status_code == 200
    after_task = None
    try:
        from diagnostics.selectors.results import results_warm
    except ImportError:  # older code: no task
        results_warm = None
    if results_warm is not None:
        cache.clear()
        start = time.perf_counter()
        results_warm(questionnaire.pk)
        task_time = time.perf_counter() - start
        start = time.perf_counter()
        client.get(url)
        after_task = time.perf_counter() - start
    section_ids = list(questionnaire.sections.values_list("pk", flat=True))
    cache.clear()
    client.get(url)  # the first section drawn, the aggregates cached
    part, part_time, part_queries = timed_get(client, url + f"?section={section_ids[-1]}", HX_REQUEST="true")
    warm = []
    for _ in range(RUNS):
        start = time.perf_counter()
        client.get(url)
        warm.append(time.perf_counter() - start)
    filtered = []
    for _ in range(RUNS):
        start = time.perf_counter()
        client.get(url + "?audience=citizens")
        filtered.append(time.perf_counter() - start)
    print(f"questionnaire: {questionnaire.questions.count()} questions, {submitted} submitted responses")
    print(f"results page: {len(queries)} queries, {len(page.content) // 1024} KiB")
    print(f"empty cache (charts drawn in the request): {cold * 1000:.0f} ms ({cold_cpu * 1000:.0f} ms CPU)")
    answer_reads = [sql for sql in queries if Answer._meta.db_table in sql]
    print(f"queries reading the answers: {len(answer_reads)}")
    tallies(questionnaire)
    if after_task is not None:
        print(f"results_refresh task: {task_time * 1000:.0f} ms; first view after it: {after_task * 1000:.0f} ms")
    print(
        f"one section opened (htmx, charts drawn): {part_time * 1000:.0f} ms, {len(part_queries)} queries, "
        f"{len(part.content) // 1024} KiB"
    )
    print(f"warm (charts cached): median {statistics.median(warm) * 1000:.0f} ms over {RUNS}")
    print(f"filtered by audience: median {statistics.median(filtered) * 1000:.0f} ms over {RUNS}")
    if os.environ.get("SKIP_EXPORT"):
        return
    # The export is a job (benchmarks/exports.py times the request and the task apart); without
    # REDIS_URL the task runs inside this request, so this is the whole work.
    start = time.perf_counter()
    export = client.post(
        reverse("diagnostics:questionnaire-export-xlsx", args=[questionnaire.mission_id, questionnaire.pk])
    )
    export_time = time.perf_counter() - start
    job = ExportJob.objects.get(pk=resolve(export["Location"]).kwargs["job_id"])
    print(f"XLSX export (job run in process): {export_time * 1000:.0f} ms, {job.file.size // 1024} KiB")


def tallies(questionnaire):
    """What keeping the tallies costs: one submission's addition (rolled back), a rebuild of them all."""
    try:
        from diagnostics.services.results import result_tally_add, result_tally_rebuild
    except ImportError:  # older code: no tallies
        return
    from django.db import transaction

    response = Response.objects.filter(campaign__questionnaire=questionnaire, submitted_at__isnull=False).last()
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with transaction.atomic(), connection.execute_wrapper(count):
        start = time.perf_counter()
        result_tally_add(response=response)
        added = time.perf_counter() - start
        transaction.set_rollback(True)
    print(f"one submission added to its tally: {added * 1000:.0f} ms, {len(queries)} queries (rolled back)")
    ids = list(questionnaire.campaigns.values_list("pk", flat=True))
    start, cpu = time.perf_counter(), time.process_time()
    result_tally_rebuild(campaign_ids=ids)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(f"rebuild of the tallies ({len(ids)} campaigns): {wall * 1000:.0f} ms ({cpu * 1000:.0f} ms CPU)")


if __name__ == "__main__":
    main()
