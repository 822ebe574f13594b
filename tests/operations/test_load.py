"""Load: 100 respondents autosave at once against gunicorn and PostgreSQL; every answer sent is stored, once.

Each client has its own invitation link and sends a known sequence of values (``<client>-<n>``, question after
question, one request at a time, as a browser's autosave does), so the last value acknowledged for each question
is known. Afterwards each response holds exactly that value for each question, in one row, nothing lost, nothing
extra. The test prints the autosave throughput and p95, and the health view's (the ceiling of the same stack).

All clients come from 127.0.0.1, which is one rate-limit bucket: the server runs with the autosave limit raised
(``tests.load.server_env``), the limiter still counting every save.

CI runs ``LOAD_SECONDS`` = 20 s; by hand, minutes (benchmarks/README.md, "Load and faults"):

    LOAD_SECONDS=180 DATABASE_URL=… REDIS_URL=… .venv/bin/python -m pytest tests/operations/test_load.py -s
"""

import os

from tests.load import Client, gunicorn, health, run_phase, summary
from tests.operations.conftest import needs_production_stack, respondents, stack_env, stored_answers

CLIENTS = int(os.environ.get("LOAD_CLIENTS", 100))
SECONDS = float(os.environ.get("LOAD_SECONDS", 20))
WORKERS = int(os.environ.get("LOAD_WORKERS", 4))

pytestmark = needs_production_stack


def test_concurrent_respondents_autosave_and_every_answer_is_stored_once(transactional_db, tenant_a, tmp_path):
    tokens, questions = respondents(tenant_a.mission, CLIENTS)
    last_acknowledged: dict[tuple[str, int], str] = {}

    def autosave(client, n):
        question, value = questions[n % len(questions)], f"{client.token[:6]}-{n}"
        ok = client.save(question, value, attempts=1)
        if ok:
            last_acknowledged[(client.token, question)] = value
        return ok

    with gunicorn(stack_env(tmp_path / "media"), workers=WORKERS, log=tmp_path / "gunicorn.log") as port:
        clients = [Client(port, token) for token in tokens]
        for client in clients:
            assert client.open_link()[0].status == 200
        run_phase(clients, 1.0, autosave)  # the first saves start the responses: not timed
        h_lat, h_err, h_time = run_phase(clients, min(5.0, SECONDS / 4), health)
        a_lat, a_err, a_time = run_phase(clients, SECONDS, autosave)
        for client in clients:
            client.close()

    h, a = summary(h_lat, h_time), summary(a_lat, a_time)
    print(
        f"\n{CLIENTS} clients, {SECONDS:.0f} s, gunicorn {WORKERS} workers: autosave {a['rate']:.0f}/s "
        f"(median {a['median']:.0f} ms, p95 {a['p95']:.0f} ms, {a['count']} saves); health {h['rate']:.0f}/s "
        f"(p95 {h['p95']:.0f} ms); ratio {a['rate'] / h['rate']:.2f}"
    )
    assert a_err == 0 and h_err == 0
    assert len(last_acknowledged) == CLIENTS * len(questions), "every client saved every question at least once"
    stored = stored_answers(tenant_a.mission)
    assert len(stored) == len({(token, question) for token, question, _value in stored}), "one row per question"
    assert {(token, question): value for token, question, value in stored} == last_acknowledged
