"""Reading the whole results page in tests: the page, then each section it loads as it is opened (htmx)."""

import re


def whole_results(client, url: str) -> str:
    """The results page with every section's cards, as a reader who opens them all sees it."""
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    base = url.split("?", 1)[0]
    for query in re.findall(r'hx-get="\?([^"]*section=\d+)"', page):
        part = client.get(base + "?" + query.replace("&amp;", "&"), headers={"HX-Request": "true"})
        assert part.status_code == 200
        page += part.content.decode()
    return page
