import re

import pytest
from django.urls import reverse


def current_tab(html: str) -> str:
    nav = html.split('aria-label="Étapes de la mission"', 1)[1].split("</nav>", 1)[0]
    match = re.search(r'aria-current="page"\s+href="[^"]+">\s*<i[^>]*></i>\s*([^<]+?)\s*</a>', nav)
    return match.group(1)


@pytest.mark.parametrize(
    ("url_name", "tab"),
    [
        ("territoire:mission-detail", "Vue d'ensemble"),
        ("diagnostics:index", "Diagnostic"),
        ("territoire:pst-index", "Diagnostic"),
        ("diagnostics:questionnaire-list", "Diagnostic"),
        ("roadmap:index", "Feuille de route"),
        ("projects:index", "Projets"),
        ("roadmap:reports", "Rapports"),
    ],
)
def test_the_current_step_is_highlighted(client, tenant_a, url_name, tab):
    client.force_login(tenant_a.consultant)
    html = client.get(reverse(url_name, args=[tenant_a.mission.pk])).text
    assert current_tab(html) == tab
