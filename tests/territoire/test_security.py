"""Security settings as a browser meets them (issue 14): CSP on real pages, production headers and cookies,
password rules. Login lockout and the public links' rate limits are in test_auth.py and test_rate_limits.py.
"""

import json
import re
from html.parser import HTMLParser

from django.urls import reverse

from tests.conftest import ROOT
from tests.territoire.test_settings import PRODUCTION, run
from tests.url_kwargs import URL_KWARGS


class _Scripts(HTMLParser):
    """Inline ``<script>`` elements without a nonce, and ``on…=`` attributes: what a strict CSP blocks."""

    def __init__(self):
        super().__init__()
        self.unsigned, self.handlers = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and "src" not in attrs and not attrs.get("nonce"):
            self.unsigned.append(self.getpos())
        self.handlers += [(tag, name) for name in attrs if name.startswith("on")]


def _policy(response) -> dict:
    directives = (part.strip().split(None, 1) for part in response["Content-Security-Policy"].split(";"))
    return {name: value.split() for name, value in directives}


def test_real_pages_forbid_inline_scripts_and_sign_their_own(client, tenant_a):
    client.force_login(tenant_a.consultant)
    pages = [
        reverse("territoire:dashboard"),
        reverse("territoire:mission-detail", args=[tenant_a.mission.pk]),
        reverse("diagnostics:index", kwargs={"mission_id": tenant_a.mission.pk}),
        reverse("roadmap:index", kwargs={"mission_id": tenant_a.mission.pk}),
        reverse("roadmap:timeline", kwargs={"mission_id": tenant_a.mission.pk}),
        reverse("projects:project-detail", args=[tenant_a.mission.pk, URL_KWARGS["project_id"](tenant_a)]),
        reverse("respond:fill", args=[URL_KWARGS["token"](tenant_a)]),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        policy = _policy(response)
        assert "'unsafe-inline'" not in policy["script-src"], url
        assert "'unsafe-eval'" not in policy["script-src"], url
        assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"], url
        # django-csp adds the nonce to the header only when the page used it.
        nonce = next((v[7:-1] for v in policy["script-src"] if v.startswith("'nonce-")), None)
        parser = _Scripts()
        parser.feed(response.text)
        assert parser.unsigned == [] and parser.handlers == [], (url, parser.unsigned, parser.handlers)
        assert all(n == nonce for n in re.findall(r'<script[^>]* nonce="([^"]+)"', response.text)), url


def test_no_template_has_an_inline_event_handler():
    """``onclick=``... is blocked by the policy: behaviour lives in static/ scripts."""
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "templates").rglob("*.html")
        if re.search(r"<[^>]+\son[a-z]+\s*=", path.read_text())
    ]
    assert offenders == []


SHOW_HEADERS = """
import json
from django.test import Client, override_settings
from django.conf import settings as s
# Static files are not collected here: plain storage, the headers are what is looked at.
static = {**s.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
with override_settings(STORAGES=static):
    page = Client(HTTP_HOST="territoire.example.org").get("/compte/connexion/", secure=True)
    plain = Client(HTTP_HOST="territoire.example.org").get("/compte/connexion/")
cookie = page.cookies.get("csrftoken")
print(json.dumps({
    "hsts": page.get("Strict-Transport-Security"),
    "frame": page.get("X-Frame-Options"),
    "nosniff": page.get("X-Content-Type-Options"),
    "referrer": page.get("Referrer-Policy"),
    "csp": page.get("Content-Security-Policy"),
    "csrf_cookie_secure": bool(cookie and cookie["secure"]),
    "session_cookie_secure": s.SESSION_COOKIE_SECURE,
    "session_cookie_httponly": s.SESSION_COOKIE_HTTPONLY,
    "plain_http": [plain.status_code, plain.get("Location")],
}))
"""


def test_production_answers_with_hsts_secure_cookies_and_no_framing(tmp_path):
    result = run(
        ["manage.py", "shell", "-c", SHOW_HEADERS], DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", **PRODUCTION
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert seen["frame"] == "DENY" and seen["nosniff"] == "nosniff" and seen["referrer"] == "same-origin"
    assert "'unsafe-inline'" not in seen["csp"].split("script-src")[1].split(";")[0]
    assert seen["csrf_cookie_secure"] and seen["session_cookie_secure"] and seen["session_cookie_httponly"]
    assert seen["plain_http"] == [301, "https://territoire.example.org/compte/connexion/"]


def test_a_weak_new_password_is_refused_in_french(client, tenant_a):
    user = tenant_a.staff
    client.force_login(user)
    for weak, message in [
        ("court", "Ce mot de passe est trop court"),
        ("motdepasse", "Ce mot de passe est trop courant"),
        ("1234567890123", "Ce mot de passe est entièrement numérique"),
        (user.username + "1", "Le mot de passe est trop semblable"),
    ]:
        response = client.post(
            reverse("password_change"),
            {"old_password": "motdepasse-de-test", "new_password1": weak, "new_password2": weak},
        )
        assert response.status_code == 200, weak
        assert message in response.text, (
            weak,
            re.findall(r"Ce mot de passe[^<]*|Le mot de passe[^<]*", response.text),
        )
        user.refresh_from_db()
        assert user.check_password("motdepasse-de-test")
    accepted = client.post(
        reverse("password_change"),
        {
            "old_password": "motdepasse-de-test",
            "new_password1": "Ruelle-des-Tilleuls-42",
            "new_password2": "Ruelle-des-Tilleuls-42",
        },
    )
    assert accepted.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Ruelle-des-Tilleuls-42")
