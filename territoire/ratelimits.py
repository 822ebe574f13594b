"""Rate limits of the public views, counted as django-ratelimit counts them, in the shared cache.

One group per thing a visitor can repeat: starting a public questionnaire, autosaving an answer,
writing a workshop card, voting, asking for a password reset. Rates live in
``settings.RATELIMIT_RATES`` (read at each request, so an override takes effect at once); counts
live in the default cache, Redis in production, so every gunicorn worker shares them. The views
decide what a refused visitor sees: always a French message with HTTP 429, and nothing typed lost.

With Redis, a hit is one round trip (``INCR`` and ``EXPIRE … NX`` pipelined, on a client kept per
cache connection) where django-ratelimit makes two (``add`` then ``incr``) and Django's cache builds a
Redis client for each: on every autosave that was the most expensive step of the view (see
benchmarks/README.md, issue #16). Same keys, windows, expiry and counts as the library, whose helpers
build them (pinned version); any other cache goes through the library itself.
"""

import logging

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django_ratelimit.core import EXPIRATION_FUDGE, _get_window, _make_cache_key, _split_rate, is_ratelimited

from territoire.cache import UNREACHABLE, FallbackRedisCache
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
    cache = caches[settings.RATELIMIT_USE_CACHE]
    refused = None
    fast = isinstance(cache, RedisCache) and getattr(settings, "RATELIMIT_ENABLE", True)
    if fast and (not isinstance(cache, FallbackRedisCache) or cache.reachable()):
        limit, period = _split_rate(_rate(group, request))
        bucket = ratelimit_key(group, request) if value is None else value
        window = _get_window(bucket, period)
        key = cache.make_and_validate_key(_make_cache_key(group, window, (limit, period), bucket, None))
        try:
            refused = _hit(cache, key, period + EXPIRATION_FUDGE) > limit
        except UNREACHABLE as error:
            if not isinstance(cache, FallbackRedisCache):
                raise
            cache.unreachable(error)  # Redis down: counted below in the cache's per-process fallback
    if refused is None:
        key = ratelimit_key if value is None else (lambda _group, _request: value)
        refused = is_ratelimited(request, group=group, key=key, rate=_rate, increment=True)
    if refused:
        logger.info("rate_limited group=%s path=%s", group, request.path)
    return refused


def _hit(cache: RedisCache, key: str, expiry: int) -> int:
    """Count one hit on ``key`` (its expiry set by the first hit only) in one round trip; the count."""
    client = cache.__dict__.get("_ratelimit_client")
    if client is None:  # one per cache connection (per thread), on the cache's own connection pool
        client = cache.__dict__["_ratelimit_client"] = cache._cache.get_client(key, write=True)
    pipe = client.pipeline(transaction=False)
    pipe.incr(key)
    pipe.expire(key, expiry, nx=True)
    count, _expiry_set = pipe.execute()
    return count
