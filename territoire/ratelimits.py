"""Rate limits of the public views, counted by django-ratelimit in the shared cache.

One group per thing a visitor can repeat: starting a public questionnaire, autosaving an answer,
writing a workshop card, voting, asking for a password reset. Rates live in
``settings.RATELIMIT_RATES`` (read at each request, so an override takes effect at once); counts
live in the default cache, Redis in production, so every gunicorn worker shares them. The views
decide what a refused visitor sees: always a French message with HTTP 429, and nothing typed lost.
"""

import logging

from django.conf import settings
from django_ratelimit.core import is_ratelimited

from territoire.client_ip import ratelimit_key

logger = logging.getLogger(__name__)

PUBLIC_START = "public-start"
AUTOSAVE = "autosave"
WORKSHOP_CARD = "workshop-card"
WORKSHOP_VOTE = "workshop-vote"
PASSWORD_RESET = "password-reset"
PASSWORD_RESET_EMAIL = "password-reset-email"


def _rate(group, request) -> str:
    return settings.RATELIMIT_RATES[group]


def limited(request, group: str, *, value: str | None = None) -> bool:
    """Count this request in ``group`` and say whether it goes over the group's rate.

    The bucket is the client's address (``territoire.client_ip``), or ``value`` when given (an
    e-mail address for the password reset). Every call counts, refused ones included: a script
    that keeps hammering stays refused.
    """
    key = ratelimit_key if value is None else (lambda _group, _request: value)
    refused = is_ratelimited(request, group=group, key=key, rate=_rate, increment=True)
    if refused:
        logger.info("rate_limited group=%s path=%s", group, request.path)
    return refused
