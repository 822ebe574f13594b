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

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "territoire.settings")

import django  # noqa: E402

django.setup()

from diagnostics.demo.questionnaires import LARGE_TITLE  # noqa: E402
from diagnostics.models import Answer, Campaign, Invitation, Question, QuestionType, Response  # noqa: E402
from tests.load import Client, gunicorn, health, run_phase, server_env, summary  # noqa: E402

LEVELS = [int(n) for n in os.environ.get("LEVELS", "1,8,16,32").split(",")]
SECONDS = float(os.environ.get("SECONDS", 8))
SLICES = int(os.environ.get("SLICES", 4))
WORKERS = int(os.environ.get("WORKERS", 4))
SERVER_ROOT = Path(os.environ.get("SERVER_ROOT", ROOT))
PRODUCTION = os.environ.get("PRODUCTION", "0") == "1"
PREFIX = "bench-autosave-"


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
    # Every client comes from 127.0.0.1: one rate-limit bucket, raised by server_env (the limiter still counts).
    env = server_env(DJANGO_SETTINGS_MODULE="benchmarks.bare_settings")
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
    top = max(LEVELS)
    Response.objects.filter(invitation__email__startswith=PREFIX).delete()
    Invitation.objects.filter(campaign=campaign, email__startswith=PREFIX).delete()
    invitations = Invitation.objects.bulk_create(
        [Invitation(campaign=campaign, email=f"{PREFIX}{n}@example.org") for n in range(top)]
    )
    try:
        measure(questions, invitations, env)
    finally:  # whatever happened: no benchmark invitation or response left behind
        Response.objects.filter(invitation__in=invitations).delete()
        Invitation.objects.filter(pk__in=[i.pk for i in invitations]).delete()


def measure(questions, invitations, env):
    """Start gunicorn, time the three kinds at each level, stop it, print the table and check the answers."""
    rows = []
    # The server's code first; this checkout's benchmarks/ joins it (a namespace package) for bare_settings.
    with gunicorn(env, workers=WORKERS, root=SERVER_ROOT, pythonpath=[ROOT]) as port:
        clients = [Client(port, i.token, behind_proxy=PRODUCTION) for i in invitations]
        for client in clients:
            client.open_link()

        def bare(client, n):
            response, page = client.post("/bench/bare/", {})
            return response.status == 200 and page == "ok"

        def autosave(client, n):
            question = questions[n % len(questions)]
            return client.save(question, str(1 + n % 5))

        for level in LEVELS:
            used = clients[:level]
            run_phase(used, 1.0, autosave)  # first saves start the responses: not timed
            # The kinds alternate in slices, so that all meet the same load from the rest of the machine; the
            # totals per kind make the row.
            kinds = {"health": health, "bare": bare, "autosave": autosave}
            totals = {kind: ([], 0, 0.0) for kind in kinds}  # latencies, errors, seconds
            for _slice in range(SLICES):
                for kind, send in kinds.items():
                    lat, err, elapsed = run_phase(used, SECONDS / SLICES, send)
                    old = totals[kind]
                    totals[kind] = (old[0] + lat, old[1] + err, old[2] + elapsed)
            rows.append((level, {kind: (summary(lat, t), err) for kind, (lat, err, t) in totals.items()}))

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
