"""Django's Redis cache, answering from process memory while Redis cannot be reached.

The cache holds nothing that cannot be recomputed (chart and diagram SVGs, questionnaire structures, results)
and the rate-limit counters. When Redis is down, each gunicorn worker keeps going on a local-memory cache of its
own: pages are computed again, rate limits count per process (looser, never refusing everyone). The first
failure is logged, and Redis is tried again after ``RETRY_SECONDS`` rather than at every call, so an outage adds
no connection attempt to most requests.
"""

import logging
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

RETRY_SECONDS = 5
UNREACHABLE = (RedisConnectionError, RedisTimeoutError)


def _falls_back(name):
    def method(self, *args, **kwargs):
        if time.monotonic() >= self._down_until:
            try:
                result = getattr(super(FallbackRedisCache, self), name)(*args, **kwargs)
            except UNREACHABLE as error:
                if not self._down_until:
                    logger.warning("cache_unreachable error=%r fallback=local-memory", error)
                self._down_until = time.monotonic() + RETRY_SECONDS
            else:
                if self._down_until:
                    logger.info("cache_reachable_again")
                    self._down_until = 0.0
                return result
        return getattr(self._fallback, name)(*args, **kwargs)

    method.__name__ = name
    return method


class FallbackRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._fallback = LocMemCache(f"fallback:{server}", {k: v for k, v in params.items() if k != "OPTIONS"})
        self._down_until = 0.0  # monotonic time until which Redis is not tried; 0 while it answers

    add = _falls_back("add")
    get = _falls_back("get")
    set = _falls_back("set")
    touch = _falls_back("touch")
    delete = _falls_back("delete")
    get_many = _falls_back("get_many")
    has_key = _falls_back("has_key")
    incr = _falls_back("incr")
    set_many = _falls_back("set_many")
    delete_many = _falls_back("delete_many")

    def reachable(self) -> bool:
        """Whether Redis is worth trying now (it answered last time, or the retry delay is over)."""
        return time.monotonic() >= self._down_until

    def unreachable(self, error) -> None:
        """Redis failed a call made around the cache's methods (territoire/ratelimits.py): use the fallback
        until the retry delay is over, as the methods do."""
        if not self._down_until:
            logger.warning("cache_unreachable error=%r fallback=local-memory", error)
        self._down_until = time.monotonic() + RETRY_SECONDS

    def clear(self):
        self._fallback.clear()
        return super().clear()
