"""What every page of the browser walks must hold, at desktop and phone sizes.

``check_page`` is the one check: no sideways scroll, no field sticking out of its card, no serious or critical
axe-core violation, and a full-page screenshot in test-results/screens to look at. The width read is
``document.documentElement.scrollWidth``, not ``window.innerWidth``: with ``is_mobile``, Chromium widens the layout
viewport to the content and the overflow would hide.
"""

from tests.browser.conftest import AXE_SOURCE, SCREENSHOTS

DESKTOP = {"viewport": {"width": 1280, "height": 900}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
SIZES = {"desktop": DESKTOP, "phone": PHONE}

# A field in a table that scrolls sideways inside its card (a formset of five columns on a phone) is reached by
# scrolling that box: it is clipped by the box, not sticking out of the card.
STICKING_OUT = """() => [...document.querySelectorAll('.card input, .card select, .card textarea')]
  .filter((field) => field.offsetParent !== null && field.type !== 'hidden' && !field.closest('.visually-hidden'))
  .filter((field) => !field.closest('.card .table-responsive'))
  .filter((field) => field.getBoundingClientRect().right > field.closest('.card').getBoundingClientRect().right + 0.5)
  .map((field) => field.name || field.id)"""


def new_page(browser, size: str):
    """A page in a fresh context (its own cookies) of the given size, French and without animations."""
    context = browser.new_context(**SIZES[size], locale="fr-BE", reduced_motion="reduce")
    return context.new_page()


def sign_in(page, base_url, user, password="motdepasse-de-test"):
    """Sign in through the real login form."""
    page.goto(f"{base_url}/compte/connexion/")
    page.get_by_label("Nom d’utilisateur").fill(user.username)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()


def check_page(page, name):
    """No sideways scroll, no field out of its card, no serious accessibility problem; a screenshot to look at."""
    page.wait_for_load_state()
    width = page.viewport_size["width"]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{name}: the page is {scroll_width} px wide in a {width} px window"
    # A field wider than its card does not widen the page but still sticks out of the card ("Précisez…").
    outside = page.evaluate(STICKING_OUT)
    assert not outside, f"{name}: fields stick out of their card: {outside}"
    page.evaluate(AXE_SOURCE)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    serious = [
        f"{v['id']}: {v['help']} → {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not serious, f"{name}: {serious}"
