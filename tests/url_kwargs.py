"""How to fill each URL keyword with an object of a given tenant, for the isolation crawler.

A new view whose URL takes a new keyword (``<int:campaign_id>``...) needs a line here, or
``tests/territoire/test_url_isolation.py`` fails and says so. Each function takes a ``Tenant``
(see ``tests/conftest.py``) and returns the value to put in the URL; it may create objects.
"""

URL_KWARGS = {
    "commune_id": lambda tenant: tenant.commune.pk,
    "mission_id": lambda tenant: tenant.mission.pk,
}

# URLs that answer without login by design (public links, health probe, auth pages).
PUBLIC_URL_NAMES = {
    "health",
    "login",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
}
