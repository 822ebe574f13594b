"""Autosave throughput against the bare health view, on one gunicorn, with the same clients.

    DATABASE_URL=postgres://… REDIS_URL=redis://… .venv/bin/python benchmarks/questionnaire_autosave.py

Needs the large demo data (``seed_demo --size large``). Creates one invitation per client on the large
staff campaign, starts gunicorn (WORKERS sync workers) on a free loopback port, waits until every worker
answers, opens each link once (the response is started by a first save, as in a browser), then for each
number of clients in LEVELS times SECONDS of each kind, in SLICES alternating slices (so that both kinds
meet the same load from the rest of the machine): every client sends health probes (``/sante/``, the
ceiling of this stack), then autosaves (a Likert answer, cycling through the questions) through its own
link. Prints, per level, requests per second, median and p95 of each and the ratio
autosave / health. Afterwards it checks that every answer was stored once (one row per question and
response, none missing) and deletes the invitations and responses it created.

``SERVER_ROOT`` runs gunicorn from another checkout of the code (the "before" of a change) against the
same database and the same clients.
"""

import os
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
    top = max(LEVELS)
    Response.objects.filter(invitation__email__startswith=PREFIX).delete()
    Invitation.objects.filter(campaign=campaign, email__startswith=PREFIX).delete()
    invitations = Invitation.objects.bulk_create(
        [Invitation(campaign=campaign, email=f"{PREFIX}{n}@example.org") for n in range(top)]
    )
    rows = []
    # DJANGO_DEBUG=1 as in earlier runs (no collectstatic needed); it keeps a log of queries per request.
    # Every client comes from 127.0.0.1: one rate-limit bucket, raised by server_env (the limiter still counts).
    with gunicorn(server_env(), workers=WORKERS, root=SERVER_ROOT) as port:
        clients = [Client(port, i.token) for i in invitations]
        for client in clients:
            client.open_link()

        def autosave(client, n):
            question = questions[n % len(questions)]
            return client.save(question, str(1 + n % 5))

        for level in LEVELS:
            used = clients[:level]
            run_phase(used, 1.0, autosave)  # first saves start the responses: not timed
            # Health and autosave alternate in slices, so that both meet the same load from the rest of
            # the machine; the totals per kind make the row.
            h_lat, a_lat, h_err, a_err, h_time, a_time = [], [], 0, 0, 0.0, 0.0
            for _slice in range(SLICES):
                lat, err, elapsed = run_phase(used, SECONDS / SLICES, health)
                h_lat, h_err, h_time = h_lat + lat, h_err + err, h_time + elapsed
                lat, err, elapsed = run_phase(used, SECONDS / SLICES, autosave)
                a_lat, a_err, a_time = a_lat + lat, a_err + err, a_time + elapsed
            rows.append((level, summary(h_lat, h_time), h_err, summary(a_lat, a_time), a_err))

    print(f"gunicorn {WORKERS} sync workers, {SECONDS:.0f} s per phase, server code from {SERVER_ROOT}")
    print("| clients | health req/s | health p95 | autosave/s | autosave median | autosave p95 | ratio | errors |")
    print("|---|---|---|---|---|---|---|---|")
    for level, h, h_err, a, a_err in rows:
        print(
            f"| {level} | {h['rate']:.0f} | {h['p95']:.0f} ms | {a['rate']:.0f} | {a['median']:.0f} ms "
            f"| {a['p95']:.0f} ms | {a['rate'] / h['rate']:.2f} | {h_err + a_err} |"
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
    responses.delete()
    Invitation.objects.filter(pk__in=[i.pk for i in invitations]).delete()


if __name__ == "__main__":
    main()
