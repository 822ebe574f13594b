"""Where one autosave's time goes, in process (``seed_demo --size large`` first, PostgreSQL and Redis).

    DATABASE_URL=postgres://… REDIS_URL=redis://… .venv/bin/python benchmarks/questionnaire_autosave_profile.py

Django's test client (the whole middleware stack, no HTTP server), one invitation of the large staff
campaign. Prints the CPU time (``process_time``) per request over RUNS requests of: the health probe,
the bare view of ``benchmarks.bare_urls`` (a POST through every middleware) and an autosave; then one
cProfile of RUNS autosaves, as µs per autosave spent in each component (inclusive times: a component's
figure contains those it calls). Deletes its invitation and response. ``SERVER_ROOT=<other checkout>``
(run from that directory) measures that code.
"""

import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # benchmarks.bare_settings (a namespace package: it joins another checkout's)
sys.path.insert(0, os.environ.get("SERVER_ROOT") or str(ROOT))  # the code measured
os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.bare_settings"
os.environ.setdefault("RATELIMIT_AUTOSAVE", "1000000/m")

import django  # noqa: E402

django.setup()

from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402

from diagnostics.demo.questionnaires import LARGE_TITLE  # noqa: E402
from diagnostics.models import Campaign, Invitation, Question, QuestionType, Response  # noqa: E402

RUNS = int(os.environ.get("RUNS", 300))
EMAIL = "bench-profile@example.org"

# (label, a piece of the qualified function name as pstats shows it: "file:line(function)")
COMPONENTS = [
    ("whole request (test client)", "django/test/client.py", "request"),
    ("the whole middleware stack and the view", "territoire/middleware.py", "__call__"),
    ("  one log line per request (logging)", "logging/__init__.py", "_log"),
    ("SecurityMiddleware", "middleware/security.py", "process_request"),
    ("sessions (process_response)", "sessions/middleware.py", "process_response"),
    ("locale", "middleware/locale.py", "process_request"),
    ("CSRF check (process_view)", "middleware/csrf.py", "process_view"),
    ("CSRF cookie (process_response)", "middleware/csrf.py", "process_response"),
    ("messages (process_response)", "messages/middleware.py", "process_response"),
    ("CSP header", "csp/middleware.py", "process_response"),
    ("history middleware", "simple_history/middleware.py", "middleware"),
    ("axes", "axes/middleware.py", "__call__"),
    ("URL resolving", "django/urls/resolvers.py", "resolve"),
    ("the view", "diagnostics/views/respond.py", "answer"),
    ("  rate limit", "territoire/ratelimits.py", "limited"),
    ("  link query (link_state)", "diagnostics/selectors/respond.py", "link_state"),
    ("  question structure (cached)", "diagnostics/selectors/respond.py", "question_shape"),
    ("  answer_save (parse + SQL)", "diagnostics/services/respond.py", "answer_save"),
    ("  render saved.html", "django/shortcuts.py", "render"),
    ("database round trips (cursor.execute)", "backends/utils.py", "execute"),
    ("Redis round trips (socket reads)", "redis/connection.py", "read_response"),
]


def cpu_per_request(label, send) -> float:
    send(0)
    start = time.process_time()
    for n in range(RUNS):
        send(n)
    per = (time.process_time() - start) / RUNS * 1e6
    print(f"{label:<40} {per:8.0f} µs CPU per request")
    return per


def main():
    campaign = Campaign.objects.filter(title__startswith=LARGE_TITLE, audience="staff").first()
    if campaign is None:
        sys.exit("Run `manage.py seed_demo --size large` first.")
    questions = list(
        Question.objects.filter(questionnaire=campaign.questionnaire, type=QuestionType.LIKERT).values_list(
            "pk", flat=True
        )
    )
    Response.objects.filter(invitation__email=EMAIL).delete()
    Invitation.objects.filter(campaign=campaign, email=EMAIL).delete()
    invitation = Invitation.objects.create(campaign=campaign, email=EMAIL)
    client = Client(enforce_csrf_checks=True)
    client.get(f"/r/{invitation.token}/")
    csrf = client.cookies["csrftoken"].value

    def autosave(n):
        question = questions[n % len(questions)]
        page = client.post(
            f"/r/{invitation.token}/q/{question}/", {f"q{question}": str(1 + n % 5)}, HTTP_X_CSRFTOKEN=csrf
        )
        assert page.status_code == 200 and b'data-save-state="ok"' in page.content, page.content[:300]

    def bare(n):
        assert client.post("/bench/bare/", {}, HTTP_X_CSRFTOKEN=csrf).status_code == 200

    def health(n):
        assert client.get("/sante/").status_code == 200

    try:
        cpu_health = cpu_per_request("health probe (first middleware)", health)
        cpu_bare = cpu_per_request("bare view through every middleware", bare)
        cpu_save = cpu_per_request("autosave", autosave)
        print(
            f"ratios of CPU: autosave / health {cpu_health / cpu_save:.2f}, autosave / bare {cpu_bare / cpu_save:.2f}"
        )
        connection.force_debug_cursor = True
        reset_queries()
        autosave(1)
        print("statements of one autosave:", [q["sql"].split()[0] for q in connection.queries])
        connection.force_debug_cursor = False
        columns = {}
        for clock, timer in (("CPU", time.process_time), ("wall", time.perf_counter)):
            profile = cProfile.Profile(timer)
            profile.enable()
            for n in range(RUNS):
                autosave(n)
            profile.disable()
            if os.environ.get("PROFILE_OUT"):
                profile.dump_stats(f"{os.environ['PROFILE_OUT']}.{clock}")
            columns[clock] = pstats.Stats(profile).stats
        print(f"\ncProfile of {RUNS} autosaves, µs per autosave (profiling inflates every figure; compare them")
        print("to each other). Inclusive: a component contains what it calls; the outermost of nested matches.")
        print(f"  {'component':<46} {'CPU':>8} {'wall':>8}")
        for label, file_part, function in COMPONENTS:
            figures = [
                max(
                    (
                        cumtime
                        for (filename, _line, name), (_cc, _nc, _tt, cumtime, _callers) in stats.items()
                        if name == function and file_part in filename
                    ),
                    default=0,
                )
                / RUNS
                * 1e6
                for stats in columns.values()
            ]
            print(f"  {label:<46} {figures[0]:8.0f} {figures[1]:8.0f}")
    finally:
        Response.objects.filter(invitation=invitation).delete()
        invitation.delete()


if __name__ == "__main__":
    main()
