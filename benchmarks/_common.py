"""Helpers shared by the benchmark scripts: Django set-up, timing, query counting."""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "territoire.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def measure(label: str, func, repeat: int = 10) -> dict:
    """Run ``func`` once to warm up, then ``repeat`` times; print and return median time (wall, and CPU:
    ``process_time``, which other work on a shared machine does not inflate) and queries."""
    func()
    times, cpu_times = [], []
    with CaptureQueriesContext(connection) as queries:
        func()
    # Read the count now: the next request's request_started signal empties the query log.
    query_count = len(queries)
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        func()
        times.append(time.perf_counter() - start)
        cpu_times.append(time.process_time() - cpu)
    result = {
        "label": label,
        "median_ms": statistics.median(times) * 1000,
        "cpu_ms": statistics.median(cpu_times) * 1000,
        "queries": query_count,
    }
    print(f"{label:<45} {result['median_ms']:8.1f} ms ({result['cpu_ms']:6.1f} CPU)  {result['queries']:3d} queries")
    return result
