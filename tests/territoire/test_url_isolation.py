"""Walk every URL of the project: none of commune A's pages is reachable from commune B.

This is the safety net behind ``territoire.access``: a view added without the access helper,
or with a keyword this test does not know, fails here. Each URL is one test that loops over the people
it concerns: the three roles of commune B (404), anonymous visitors, respondents and workshop participants
(login page), and the three roles of commune A (what ``SAME_COMMUNE_ACCESS`` says).
"""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from diagnostics.models import Answer, CardVote
from diagnostics.views.respond import SESSION_KEY
from territoire.models import Role
from tests.url_kwargs import NO, OWNER_ROLES, PUBLIC_URL_NAMES, READ, SAME_COMMUNE_ACCESS, URL_KWARGS, WRITE

ROLES = [Role.CONSULTANT, Role.STAFF, Role.COLLEGE]
REFUSED = (403, 404, 405)


def _walk(patterns, namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue  # Django's admin has its own staff check, tested in test_access_matrix.
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from (
                (f"{p}", name, kw | set(entry.pattern.converters)) for p, name, kw in _walk(entry.url_patterns, ns)
            )
        elif isinstance(entry, URLPattern) and entry.name:
            yield entry.pattern, f"{namespace}{entry.name}", set(entry.pattern.converters)


def project_urls():
    return sorted({(name, frozenset(kwargs)) for _, name, kwargs in _walk(get_resolver().url_patterns)})


TENANT_URLS = [(name, kwargs) for name, kwargs in project_urls() if kwargs and name not in PUBLIC_URL_NAMES]
PRIVATE_URLS = [(name, kwargs) for name, kwargs in project_urls() if name not in PUBLIC_URL_NAMES]


def _url(name, kwargs, tenant):
    unknown = set(kwargs) - set(URL_KWARGS)
    assert not unknown, f"{name}: add {sorted(unknown)} to tests/url_kwargs.py so the isolation test covers it"
    return reverse(name, kwargs={k: URL_KWARGS[k](tenant) for k in kwargs})


def _status(response) -> int:
    if response.streaming:
        b"".join(response.streaming_content)  # read to the end, which closes the downloaded file
    return response.status_code


def test_the_crawler_finds_the_mission_pages():
    names = {name for name, _ in TENANT_URLS}
    assert {"territoire:mission-detail", "diagnostics:index", "roadmap:reports"} <= names


def test_every_tenant_url_is_classified_once():
    names = {name for name, _ in TENANT_URLS}
    assert not set(SAME_COMMUNE_ACCESS) - names, "SAME_COMMUNE_ACCESS names URLs that no longer exist"
    assert all(len(levels) == 2 and set(levels) <= {NO, READ, WRITE} for levels in SAME_COMMUNE_ACCESS.values())


@pytest.mark.parametrize(("name", "kwargs"), TENANT_URLS, ids=[n for n, _ in TENANT_URLS])
def test_people_of_other_commune_get_404_everywhere(client, tenant_a, tenant_b, name, kwargs):
    """B's consultant, staff and Collège: A's objects do not exist for them (404, not even a 403)."""
    url = _url(name, kwargs, tenant_a)
    for role in ROLES:
        client.force_login(tenant_b.user(role))
        for method in (client.get, client.post):
            status = _status(method(url))
            assert status in (404, 405), f"{role} of B: {method.__name__.upper()} {url} answered {status}"


def _as_respondent(browser, tenant):
    """The browser opens the commune's invitation link and starts a response on its public link: the session
    remembers that response, as it does for a citizen."""
    assert browser.get(_url("respond:fill", {"token"}, tenant)).status_code == 200
    assert browser.post(_url("respond:public", {"public_token"}, tenant)).status_code == 302
    assert browser.session[SESSION_KEY]
    return browser


def _as_participant(browser, tenant):
    """The browser joins the commune's workshop through its public link (the session names the participant)."""
    assert browser.get(_url("respond:workshop", {"workshop_token"}, tenant)).status_code == 200
    assert any(key.startswith("workshop-participant-") for key in browser.session.keys())
    return browser


@pytest.mark.parametrize(("name", "kwargs"), PRIVATE_URLS, ids=[n for n, _ in PRIVATE_URLS])
def test_visitors_without_account_are_sent_to_login_everywhere(client, tenant_a, name, kwargs):
    visitors = {
        "anonymous": client,
        "respondent": _as_respondent(Client(), tenant_a),
        "workshop participant": _as_participant(Client(), tenant_a),
    }
    url = _url(name, kwargs, tenant_a)
    for who, visitor in visitors.items():
        for method in (visitor.get, visitor.post):
            response = method(url)
            verb = method.__name__.upper()
            assert response.status_code in (302, 405), f"{who}: {verb} {url} answered {response.status_code}"
            if response.status_code == 302:
                assert response["Location"].startswith(reverse("login")), f"{who}: {verb} {url} went elsewhere"


def test_a_respondent_of_commune_a_opens_nothing_of_commune_b(client, tenant_a, tenant_b):
    """A's links opened in this browser give no key to B: B's question through A's invitation, B's card through
    A's workshop, tokens one character off B's own: all 404, and nothing of B changes."""
    _as_participant(_as_respondent(client, tenant_a), tenant_a)
    a_token, a_workshop = URL_KWARGS["token"](tenant_a), URL_KWARGS["workshop_token"](tenant_a)
    b_question, b_card = URL_KWARGS["question_id"](tenant_b), URL_KWARGS["card_id"](tenant_b)

    def off_by_one(token):
        return token[:-1] + ("a" if token[-1] != "a" else "b")

    answer = reverse("respond:answer", kwargs={"token": a_token, "question_id": b_question})
    assert client.post(answer, {"value": "oui", "text": "oui"}).status_code == 404
    vote = reverse("respond:workshop-vote", kwargs={"workshop_token": a_workshop, "card_id": b_card})
    assert client.post(vote).status_code == 404
    for name, kwarg in (
        ("respond:fill", "token"),
        ("respond:public", "public_token"),
        ("respond:workshop", "workshop_token"),
    ):
        guessed = reverse(name, kwargs={kwarg: off_by_one(str(URL_KWARGS[kwarg](tenant_b)))})
        for method in (client.get, client.post):
            assert method(guessed).status_code == 404, f"{method.__name__.upper()} {guessed}"
    guessed = off_by_one(str(URL_KWARGS["workshop_token"](tenant_b)))
    vote = reverse("respond:workshop-vote", kwargs={"workshop_token": guessed, "card_id": b_card})
    assert client.post(vote).status_code == 404
    assert not Answer.objects.filter(question_id=b_question).exists()
    assert not CardVote.objects.filter(card_id=b_card).exists()


@pytest.mark.parametrize(("name", "kwargs"), TENANT_URLS, ids=[n for n, _ in TENANT_URLS])
def test_each_role_of_the_commune_gets_what_it_may(client, tenant_a, name, kwargs):
    """The owner (the consultant unless ``OWNER_ROLES`` says otherwise) reaches every URL: the objects in it are
    real. Staff and the Collège of the same commune get what ``SAME_COMMUNE_ACCESS`` says: refused (403 or 404,
    GET and POST), read (GET answers, POST refused) or write (GET and POST answer); never a 500."""
    assert name in SAME_COMMUNE_ACCESS, (
        f"{name}: classify it in SAME_COMMUNE_ACCESS (tests/url_kwargs.py): may staff and the Collège open it?"
    )
    url = _url(name, kwargs, tenant_a)
    owner = OWNER_ROLES.get(name, Role.CONSULTANT)
    client.force_login(tenant_a.user(owner))
    status = _status(client.get(url))
    assert status in (200, 302, 405), f"{owner}: GET {url} answered {status}"
    staff, college = SAME_COMMUNE_ACCESS[name]
    # The Collège first: it writes least, so its POSTs leave the staff's objects in place.
    for role, level in ((Role.COLLEGE, college), (Role.STAFF, staff)):
        if role == owner:
            continue
        client.force_login(tenant_a.user(role))
        got, posted = _status(client.get(url)), _status(client.post(url))
        where = f"{role} of the commune: GET {url} answered {got}, POST {posted}"
        fix = "refuse it through territoire/access.py or change its line in SAME_COMMUNE_ACCESS (tests/url_kwargs.py)"
        if level == NO:
            assert got in REFUSED and posted in REFUSED, f"{where}, expected refusals: {fix}"
        else:
            assert got in (200, 302, 405), f"{where}, expected GET to answer: {fix}"
            if level == READ:
                assert posted in REFUSED, f"{where}, expected POST refused: {fix}"
            else:
                assert posted not in REFUSED and posted < 500, f"{where}, expected POST to answer: {fix}"
