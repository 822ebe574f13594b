"""Autosave throughput against two ceilings, on one gunicorn, with the same clients.

    DATABASE_URL=postgres://… REDIS_URL=redis://… .venv/bin/python benchmarks/questionnaire_autosave.py
    PRODUCTION=1 DATABASE_URL=… REDIS_URL=… .venv/bin/python benchmarks/questionnaire_autosave.py

Needs the large demo data (``seed_demo --size large``). Creates one invitation per client on the large
staff campaign, starts gunicorn (WORKERS sync workers) on a free loopback port, waits until every worker
answers, opens each link once (the response is started by a first save, as in a browser), then for each
number of clients in LEVELS times SECONDS of each kind, in SLICES alternating slices (so that both kinds
meet the same load from the rest of the machine): every client sends health probes (``/sante/``,
answered by the first middleware), then POSTs to a bare view through every middleware (``/bench/bare/``
of ``benchmarks.bare_settings``, with the CSRF token as an autosave), then autosaves (a Likert answer,
cycling through the questions) through its own link. Prints, per level, requests per second, median and
p95 of each and the ratios autosave / health and autosave / bare view.

gunicorn runs ``benchmarks.bare_settings`` (the project's settings plus that one URL) with
``DJANGO_DEBUG=1`` as earlier runs did, or with ``PRODUCTION=1`` the production settings
(``DJANGO_DEBUG=0``, a random secret key, static files collected into ``staticfiles/`` first, https as
nginx forwards it: ``X-Forwarded-Proto: https`` and an ``Origin`` for the CSRF check).

Afterwards it checks that every answer was stored once (one row per question and response, none
missing) and deletes the invitations and responses it created; gunicorn is stopped and waited for
whatever happens.

``SERVER_ROOT`` runs gunicorn from another checkout of the code (the "before" of a change) against the
same database and the same clients.
"""

import http.client
import os
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "territoire.settings")

import django  # noqa: E402

django.setup()

from diagnostics.demo.questionnaires import LARGE_TITLE  # noqa: E402
from diagnostics.models import Answer, Campaign, Invitation, Question, QuestionType, Response  # noqa: E402

LEVELS = [int(n) for n in os.environ.get("LEVELS", "1,8,16,32").split(",")]
SECONDS = float(os.environ.get("SECONDS", 8))
SLICES = int(os.environ.get("SLICES", 4))
WORKERS = int(os.environ.get("WORKERS", 4))
SERVER_ROOT = Path(os.environ.get("SERVER_ROOT", ROOT))
PRODUCTION = os.environ.get("PRODUCTION", "0") == "1"
PREFIX = "bench-autosave-"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Client:
    """One browser: a kept-alive HTTP connection, its CSRF cookie and its invitation link."""

    def __init__(self, port, token):
        self.port, self.token = port, token
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookie = ""
        self.csrf = ""
        # Behind nginx in production: https forwarded, and the browser's Origin checked by CSRF.
        self.proxy = {"X-Forwarded-Proto": "https", "Origin": f"https://127.0.0.1:{port}"} if PRODUCTION else {}

    def request(self, method, path, body=None, headers=None):
        headers = {**self.proxy, **(headers or {})}
        if self.cookie:
            headers["Cookie"] = self.cookie
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                return response, response.read().decode()
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def open_link(self):
        response, _page = self.request("GET", f"/r/{self.token}/")
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            if name == "csrftoken":
                self.csrf = rest.split(";")[0]
        self.cookie = f"csrftoken={self.csrf}"


def run_phase(clients, seconds, send) -> tuple[list, int, float]:
    """Every client calls ``send(client, n)`` in a loop for ``seconds``: latencies, errors, elapsed time."""
    latencies, errors = [], []
    barrier = threading.Barrier(len(clients) + 1)
    stop = [0.0]

    def loop(client):
        barrier.wait()
        n = 0
        while time.perf_counter() < stop[0]:
            start = time.perf_counter()
            try:
                ok = send(client, n)
            except OSError:
                ok = False
            latencies.append(time.perf_counter() - start)
            if not ok:
                errors.append(n)
            n += 1

    threads = [threading.Thread(target=loop, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    start = time.perf_counter()
    stop[0] = start + seconds
    barrier.wait()
    for thread in threads:
        thread.join(seconds + 60)
    return latencies, len(errors), time.perf_counter() - start


def summary(latencies, elapsed) -> dict:
    ordered = sorted(latencies)
    return {
        "rate": len(ordered) / elapsed,
        "median": statistics.median(ordered) * 1000,
        "p95": ordered[int(len(ordered) * 0.95)] * 1000,
    }


def wait_for_workers(port, workers):
    """Until gunicorn answers, then two seconds of probes from twice as many connections as workers, so
    that every worker has imported the code and opened its database connection before timing."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/sante/")
            conn.getresponse().read()
            conn.close()
            break
        except OSError:
            time.sleep(0.1)
    # gunicorn forks the workers after binding: give each a few requests to import and connect.
    warm = [Client(port, "") for _ in range(workers * 2)]
    run_phase(warm, 2.0, lambda c, n: c.request("GET", "/sante/")[0].status == 200)


def main():
    campaign = Campaign.objects.filter(title__startswith=LARGE_TITLE, audience="staff").first()
    if campaign is None:
        sys.exit("Run `manage.py seed_demo --size large` first.")
    questions = list(
        Question.objects.filter(questionnaire=campaign.questionnaire, type=QuestionType.LIKERT).values_list(
            "pk", flat=True
        )
    )
    # DJANGO_DEBUG=1 as in earlier runs (no collectstatic needed); it keeps a log of queries per request.
    env = {**os.environ, "DJANGO_DEBUG": "1", "DJANGO_ALLOWED_HOSTS": "127.0.0.1"}
    env["DJANGO_SETTINGS_MODULE"] = "benchmarks.bare_settings"
    if PRODUCTION:
        env.update(DJANGO_DEBUG="0", DJANGO_SECRET_KEY=secrets.token_urlsafe(60))
        manage = [sys.executable, str(SERVER_ROOT / "manage.py"), "collectstatic", "--noinput", "-v0"]
        if not (SERVER_ROOT / "staticfiles" / "staticfiles.json").exists():
            subprocess.run(
                manage,
                cwd=SERVER_ROOT,
                env={**env, "DJANGO_SETTINGS_MODULE": "territoire.settings", "PYTHONPATH": str(SERVER_ROOT)},
                check=True,
            )
    # Every client comes from 127.0.0.1: one rate-limit bucket. The limiter still counts each save.
    env["RATELIMIT_AUTOSAVE"] = "1000000/m"
    # The server's code first; this checkout's benchmarks/ joins it (a namespace package) for bare_settings.
    env["PYTHONPATH"] = os.pathsep.join([str(SERVER_ROOT), str(ROOT)])
    top = max(LEVELS)
    Response.objects.filter(invitation__email__startswith=PREFIX).delete()
    Invitation.objects.filter(campaign=campaign, email__startswith=PREFIX).delete()
    invitations = Invitation.objects.bulk_create(
        [Invitation(campaign=campaign, email=f"{PREFIX}{n}@example.org") for n in range(top)]
    )
    try:
        measure(campaign, questions, invitations, env)
    finally:  # whatever happened: no benchmark invitation or response left behind
        Response.objects.filter(invitation__in=invitations).delete()
        Invitation.objects.filter(pk__in=[i.pk for i in invitations]).delete()


def measure(campaign, questions, invitations, env):
    """Start gunicorn, time the three kinds at each level, stop it, print the table and check the answers."""
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "territoire.wsgi", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", str(WORKERS), "--log-level", "warning", "--access-logfile", "/dev/null"]
    server = subprocess.Popen(command, cwd=SERVER_ROOT, env=env, stderr=subprocess.DEVNULL)
    rows = []
    try:
        wait_for_workers(port, WORKERS)
        clients = [Client(port, i.token) for i in invitations]
        for client in clients:
            client.open_link()

        def health(client, n):
            response, _page = client.request("GET", "/sante/")
            return response.status == 200

        def bare(client, n):
            headers = {"X-CSRFToken": client.csrf, "Content-Type": "application/x-www-form-urlencoded"}
            response, page = client.request("POST", "/bench/bare/", "", headers)
            return response.status == 200 and page == "ok"

        def autosave(client, n):
            question = questions[n % len(questions)]
            body = urllib.parse.urlencode({f"q{question}": str(1 + n % 5)})
            headers = {"X-CSRFToken": client.csrf, "Content-Type": "application/x-www-form-urlencoded"}
            response, page = client.request("POST", f"/r/{client.token}/q/{question}/", body, headers)
            return response.status == 200 and 'data-save-state="ok"' in page

        for level in LEVELS:
            used = clients[:level]
            run_phase(used, 1.0, autosave)  # first saves start the responses: not timed
            # Health and autosave alternate in slices, so that both meet the same load from the rest of
            # the machine; the totals per kind make the row.
            kinds = {"health": health, "bare": bare, "autosave": autosave}
            totals = {kind: ([], 0, 0.0) for kind in kinds}  # latencies, errors, seconds
            for _slice in range(SLICES):
                for kind, send in kinds.items():
                    lat, err, elapsed = run_phase(used, SECONDS / SLICES, send)
                    old = totals[kind]
                    totals[kind] = (old[0] + lat, old[1] + err, old[2] + elapsed)
            rows.append((level, {kind: (summary(lat, t), err) for kind, (lat, err, t) in totals.items()}))
    finally:
        server.terminate()
        server.wait(timeout=30)

    mode = "production settings (DJANGO_DEBUG=0)" if PRODUCTION else "DJANGO_DEBUG=1"
    print(f"gunicorn {WORKERS} sync workers, {mode}, {SECONDS:.0f} s per kind, server code from {SERVER_ROOT}")
    print(
        "| clients | health req/s | health p95 | bare view req/s | bare p95 | autosave/s | autosave median "
        "| autosave p95 | ratio to health | ratio to bare view | errors |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for level, kinds in rows:
        (h, h_err), (b, b_err), (a, a_err) = kinds["health"], kinds["bare"], kinds["autosave"]
        print(
            f"| {level} | {h['rate']:.0f} | {h['p95']:.0f} ms | {b['rate']:.0f} | {b['p95']:.0f} ms "
            f"| {a['rate']:.0f} | {a['median']:.0f} ms | {a['p95']:.0f} ms | {a['rate'] / h['rate']:.2f} "
            f"| {a['rate'] / b['rate']:.2f} | {h_err + b_err + a_err} |"
        )
    responses = Response.objects.filter(invitation__in=invitations)
    answers = Answer.objects.filter(response__in=responses)
    per_response = {r: len(questions) for r in responses.values_list("pk", flat=True)}
    stored = answers.count()
    distinct = answers.values("response_id", "question_id").distinct().count()
    print(
        f"stored: {responses.count()} responses, {stored} answers ({distinct} distinct response × question; "
        f"expected at most {sum(per_response.values())})"
    )


if __name__ == "__main__":
    main()
