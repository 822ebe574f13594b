"""Autosave throughput under concurrent clients, against gunicorn on 127.0.0.1 only.

    DATABASE_URL=sqlite:////tmp/bench.sqlite3 .venv/bin/python benchmarks/questionnaire_autosave.py

Needs the large demo data (``seed_demo --size large``). Creates CLIENTS invitations on the large
staff campaign, starts gunicorn (WORKERS sync workers) on a free loopback port, and has CLIENTS
threads each send SAVES autosave requests (a Likert answer, alternating questions) through their
own invitation link: bounded in count and time, then the server is stopped.
"""

import http.cookiejar
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "territoire.settings")

import django  # noqa: E402

django.setup()

from diagnostics.demo.questionnaires import LARGE_TITLE  # noqa: E402
from diagnostics.models import Campaign, Invitation, Question, QuestionType  # noqa: E402

CLIENTS = int(os.environ.get("CLIENTS", 8))
SAVES = int(os.environ.get("SAVES", 50))
WORKERS = int(os.environ.get("WORKERS", 4))
DEADLINE = 120  # seconds: the whole run stops by then whatever happens


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    campaign = Campaign.objects.filter(title__startswith=LARGE_TITLE, audience="staff").first()
    if campaign is None:
        sys.exit("Run `manage.py seed_demo --size large` first.")
    questions = list(
        Question.objects.filter(questionnaire=campaign.questionnaire, type=QuestionType.LIKERT).values_list(
            "pk", flat=True
        )
    )
    Invitation.objects.filter(campaign=campaign, email__startswith="bench-").delete()
    invitations = Invitation.objects.bulk_create(
        [Invitation(campaign=campaign, email=f"bench-{n}@example.org") for n in range(CLIENTS)]
    )
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "DJANGO_DEBUG": "1", "DJANGO_ALLOWED_HOSTS": "127.0.0.1"}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "territoire.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(WORKERS),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/sante/", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        # Open each link once (creates the response and sets the CSRF cookie), as a browser does.
        openers = {}
        for invitation in invitations:
            jar = http.cookiejar.CookieJar()
            opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
            opener.open(f"{base}/r/{invitation.token}/", timeout=10).read()
            openers[invitation.pk] = (opener, next(c.value for c in jar if c.name == "csrftoken"))
        latencies, errors = [], []
        stop = time.monotonic() + DEADLINE

        def client(invitation):
            opener, csrf = openers[invitation.pk]
            for n in range(SAVES):
                if time.monotonic() > stop:
                    return
                question = questions[n % len(questions)]
                body = urllib.parse.urlencode({f"q{question}": str(1 + n % 5)}).encode()
                request = urllib.request.Request(
                    f"{base}/r/{invitation.token}/q/{question}/", data=body, headers={"X-CSRFToken": csrf}
                )
                start = time.perf_counter()
                try:
                    with opener.open(request, timeout=30) as response:
                        page = response.read().decode()
                    if "Enregistr" not in page:
                        errors.append(page[:200])
                except OSError as exc:
                    errors.append(str(exc))
                latencies.append(time.perf_counter() - start)

        threads = [threading.Thread(target=client, args=(i,)) for i in invitations]
        start = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(DEADLINE)
        elapsed = time.perf_counter() - start
    finally:
        server.terminate()
        server.wait(timeout=20)
    latencies.sort()
    print(f"{CLIENTS} clients × {SAVES} autosaves, gunicorn {WORKERS} sync workers, {os.environ.get('DATABASE_URL')}")
    print(
        f"{len(latencies)} requests in {elapsed:.1f} s: "
        f"{len(latencies) / elapsed:.0f} autosaves/s, {len(errors)} errors"
    )
    print(
        f"latency median {statistics.median(latencies) * 1000:.0f} ms, "
        f"p95 {latencies[int(len(latencies) * 0.95)] * 1000:.0f} ms, max {latencies[-1] * 1000:.0f} ms"
    )
    if errors:
        print("first error:", errors[0])


if __name__ == "__main__":
    main()
