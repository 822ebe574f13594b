"""Walk every URL of the project: none of commune A's pages is reachable from commune B.

This is the safety net behind ``territoire.access``: a view added without the access helper,
or with a keyword this test does not know, fails here.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from territoire.models import Role
from tests.url_kwargs import OWNER_ROLES, PUBLIC_URL_NAMES, URL_KWARGS


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


def test_the_crawler_finds_the_mission_pages():
    names = {name for name, _ in TENANT_URLS}
    assert {"territoire:mission-detail", "diagnostics:index", "roadmap:reports"} <= names


@pytest.mark.parametrize(("name", "kwargs"), TENANT_URLS, ids=[n for n, _ in TENANT_URLS])
def test_consultant_of_other_commune_gets_404_everywhere(client, tenant_a, tenant_b, name, kwargs):
    url = _url(name, kwargs, tenant_a)
    client.force_login(tenant_b.consultant)
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code in (404, 405), f"{method.__name__.upper()} {url} answered {response.status_code}"


@pytest.mark.parametrize(("name", "kwargs"), PRIVATE_URLS, ids=[n for n, _ in PRIVATE_URLS])
def test_anonymous_visitor_is_sent_to_login_everywhere(client, tenant_a, name, kwargs):
    url = _url(name, kwargs, tenant_a)
    response = client.get(url)
    assert response.status_code in (302, 405), f"GET {url} answered {response.status_code}"
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(("name", "kwargs"), TENANT_URLS, ids=[n for n, _ in TENANT_URLS])
def test_owner_reaches_every_url(client, tenant_a, name, kwargs):
    """Positive control: the objects the crawler puts in each URL are really reachable by their commune."""
    url = _url(name, kwargs, tenant_a)
    client.force_login(tenant_a.user(OWNER_ROLES.get(name, Role.CONSULTANT)))
    response = client.get(url)
    if response.streaming:
        b"".join(response.streaming_content)  # read to the end, which closes the downloaded file
    assert response.status_code in (200, 302, 405), f"GET {url} answered {response.status_code}"
