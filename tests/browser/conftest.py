"""Playwright against Debian's chromium (never a downloaded browser).

The launch arguments go through pytest-playwright's ``browser_type_launch_args`` fixture: passed any
other way the executable path is silently ignored. Screenshots land in ``test-results/screens``
so a person can look at them (``SCREENSHOTS`` below).
"""

import os
from pathlib import Path

import pytest

from tests.conftest import ROOT

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = ROOT / "test-results" / "screens"

BROWSER_TESTS = Path(__file__).resolve().parent


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Mark every test of this folder ``browser`` before ``-m`` selects, so ``-m "not browser"`` works.

    (A ``pytestmark`` in a conftest marks nothing, and a plain hook may run after the selection.)
    """
    ours = [item for item in items if BROWSER_TESTS in Path(str(item.fspath)).resolve().parents]
    for item in ours:
        item.add_marker(pytest.mark.browser)
    if not ours or os.path.exists(CHROMIUM):
        return
    # In CI a missing browser is a failure, not a skip: .ci/run installs it through ./dev.sh test.
    if os.environ.get("CI"):
        raise pytest.UsageError(f"{CHROMIUM} is missing: install Debian's chromium package")
    for item in ours:
        item.add_marker(pytest.mark.skip(reason="Debian's chromium is not installed"))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        # Date inputs follow the browser's own language, as they do for a French-speaking user.
        "env": {**os.environ, "LANG": "fr_BE.UTF-8", "LANGUAGE": "fr_BE:fr"},
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--lang=fr-BE",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # Reduced motion turns Bootstrap's transitions off: axe must not read a button's colours half-way through the
    # hover transition that starts when htmx swaps a new button in under the mouse.
    return {
        **browser_context_args,
        "locale": "fr-BE",
        "viewport": {"width": 1280, "height": 900},
        "reduced_motion": "reduce",
    }


@pytest.fixture
def screenshot(page):
    """``screenshot("name")`` saves the full page as test-results/screens/name.png; ``target=`` another page (its
    viewport) or a locator (that element: ``Locator.screenshot`` takes no ``full_page``)."""

    def take(name: str, target=None) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        if target is None:
            page.screenshot(path=str(path), full_page=True)
        else:
            target.screenshot(path=str(path))
        return path

    return take


@pytest.fixture
def login(page, live_server):
    """``login(user)`` signs in through the real login form."""

    def do(user, password="motdepasse-de-test"):
        page.goto(f"{live_server.url}/compte/connexion/")
        page.get_by_label("Nom d’utilisateur").fill(user.username)
        page.get_by_label("Mot de passe").fill(password)
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_load_state()

    return do


AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()


def check_accessible(page):
    """Run axe-core (vendored, tests only) on the page as it is now; fail on serious or critical issues."""
    page.evaluate(AXE_SOURCE)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    serious = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
    details = "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} → {[n['target'] for n in v['nodes']][:3]}" for v in serious
    )
    assert not serious, f"accessibility problems on {page.url}:\n{details}"


@pytest.fixture
def assert_accessible(page):
    """``assert_accessible()`` checks the test's page with :func:`check_accessible`."""
    return lambda: check_accessible(page)
