"""Redis down: the cache answers from process memory (territoire/cache.py), and goes back to Redis when it answers.

The Redis here is a port nobody listens on (refused at once); tests/operations/test_faults.py kills a real one under
a running site.
"""

import logging

from territoire.cache import FallbackRedisCache
from tests.load import free_port


def unreachable_cache():
    return FallbackRedisCache(f"redis://127.0.0.1:{free_port()}/0", {"OPTIONS": {"socket_connect_timeout": 1}})


def test_with_redis_unreachable_the_cache_keeps_working_in_memory(caplog):
    cache = unreachable_cache()
    with caplog.at_level(logging.WARNING, logger="territoire.cache"):
        cache.set("structure", {"questions": [1, 2]}, 60)
        assert cache.get("structure") == {"questions": [1, 2]}
        # django-ratelimit counts with add then incr: both work, so rate limits still count (per process).
        assert cache.add("rl:autosave", 1, 60) is True
        assert cache.incr("rl:autosave") == 2
        assert cache.get_many(["structure", "missing"]) == {"structure": {"questions": [1, 2]}}
        cache.delete("structure")
        assert cache.get("structure", "gone") == "gone"
    assert [r.getMessage().split()[0] for r in caplog.records] == ["cache_unreachable"], "logged once"


def test_redis_is_tried_again_after_a_few_seconds_not_at_every_call(monkeypatch):
    cache = unreachable_cache()
    cache.set("a", 1)
    attempts = []
    monkeypatch.setattr(cache._cache, "get", lambda *args, **kwargs: attempts.append(args) or "from redis")
    assert cache.get("a") == 1, "within the pause: memory, Redis not asked"
    assert attempts == []
    monkeypatch.setattr(cache, "_down_until", 0.5)  # the pause is over (monotonic time is far past it)
    assert cache.get("a") == "from redis"
    assert len(attempts) == 1 and cache._down_until == 0.0


def test_rate_limits_keep_counting_in_memory_while_redis_is_down(settings, rf):
    """The autosave's one-round-trip count (territoire/ratelimits.py) falls back with the cache: no error, and
    the limit still holds, counted per process."""
    from django.core.cache import caches

    from territoire.ratelimits import AUTOSAVE, limited

    settings.CACHES = {
        **settings.CACHES,
        "limits": {
            "BACKEND": "territoire.cache.FallbackRedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 1},
        },
    }
    settings.RATELIMIT_USE_CACHE = "limits"
    settings.RATELIMIT_RATES = {**settings.RATELIMIT_RATES, AUTOSAVE: "3/m"}
    try:
        request = rf.post("/r/jeton/q/1/", REMOTE_ADDR="203.0.113.9")
        assert [limited(request, AUTOSAVE) for _ in range(4)] == [False, False, False, True]
        assert not caches["limits"].reachable(), "Redis is not asked again at every request"
    finally:
        caches["limits"].close()
