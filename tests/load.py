"""Load on a real server: gunicorn on a loopback port, browsers as threads with kept-alive connections.

Shared by ``benchmarks/questionnaire_autosave.py`` (throughput against the health view) and the load and
fault tests (``tests/operations/``). Nothing here imports Django: the server is another process, configured
by its environment; the caller sets up the database it reads.
"""

import http.client
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Client:
    """One browser: a kept-alive HTTP connection, its cookies (CSRF, session) and its invitation link."""

    def __init__(self, port, token="", timeout=30, *, behind_proxy=False):
        self.port, self.token, self.timeout = port, token, timeout
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        self.cookies: dict[str, str] = {}
        # Behind nginx in production: https forwarded, and the browser's Origin checked by CSRF.
        self.proxy = {"X-Forwarded-Proto": "https", "Origin": f"https://127.0.0.1:{port}"} if behind_proxy else {}

    @property
    def csrf(self) -> str:
        return self.cookies.get("csrftoken", "")

    def close(self):
        self.conn.close()

    def request(self, method, path, body=None, headers=None, attempts=2):
        """One request; a connection the server closed is reopened and the request sent again (once by default)."""
        headers = {**self.proxy, **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        for attempt in range(1, attempts + 1):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                page = response.read().decode()
                break
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
                if attempt == attempts:
                    raise
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";")[0]
        return response, page

    def post(self, path, data: dict, **kwargs):
        headers = {"X-CSRFToken": self.csrf, "Content-Type": "application/x-www-form-urlencoded"}
        return self.request("POST", path, urllib.parse.urlencode(data), headers, **kwargs)

    def open_link(self):
        """The invitation link, as a browser opens it: its page sets the CSRF cookie."""
        return self.request("GET", f"/r/{self.token}/")

    def save(self, question_id, value, **kwargs) -> bool:
        """One autosave of ``value`` for ``question_id``; True when the server says it is stored."""
        response, page = self.post(f"/r/{self.token}/q/{question_id}/", {f"q{question_id}": value}, **kwargs)
        return response.status == 200 and 'data-save-state="ok"' in page

    def login(self, username, password) -> bool:
        self.request("GET", "/compte/connexion/")
        response, _page = self.post("/compte/connexion/", {"username": username, "password": password})
        return response.status == 302 and "sessionid" in self.cookies


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
        "count": len(ordered),
        "rate": len(ordered) / elapsed,
        "median": statistics.median(ordered) * 1000,
        "p95": ordered[int(len(ordered) * 0.95)] * 1000,
    }


def health(client, n) -> bool:
    response, _page = client.request("GET", "/sante/")
    return response.status == 200


def wait_for_workers(port, workers, *, deadline_seconds=60):
    """Until gunicorn answers, then two seconds of probes from twice as many connections as workers, so
    that every worker has imported the code and opened its database connection before timing."""
    deadline = time.monotonic() + deadline_seconds
    while True:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            conn.request("GET", "/sante/")
            conn.getresponse().read()
            break
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not answer on port {port}") from None
            time.sleep(0.1)
        finally:
            conn.close()
    # gunicorn forks the workers after binding: give each a few requests to import and connect.
    warm = [Client(port) for _ in range(workers * 2)]
    run_phase(warm, 2.0, health)
    for client in warm:
        client.close()


def server_env(**overrides) -> dict:
    """The environment of a test or benchmark server: DEBUG (no collectstatic), loopback host, and autosaves
    not rate-limited (every client comes from 127.0.0.1, one bucket; the limiter still counts each save)."""
    env = {**os.environ, "DJANGO_DEBUG": "1", "DJANGO_ALLOWED_HOSTS": "127.0.0.1"}
    env["RATELIMIT_AUTOSAVE"] = "1000000/m"
    env.update({name: str(value) for name, value in overrides.items()})
    return env


@contextmanager
def gunicorn(env: dict, *, workers=4, root=ROOT, log=None, pythonpath=()):
    """gunicorn (``workers`` sync workers) on a free loopback port, warmed up; yields the port. The server's
    code comes from ``root``, then from the folders of ``pythonpath``."""
    port = free_port()
    env = {**env, "PYTHONPATH": os.pathsep.join([str(root), *map(str, pythonpath)])}
    command = [sys.executable, "-m", "gunicorn", "territoire.wsgi", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", str(workers), "--log-level", "warning", "--access-logfile", "/dev/null"]
    with open(log or os.devnull, "ab") as out:
        server = subprocess.Popen(command, cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_for_workers(port, workers)
        yield port
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
