import hashlib

import pytest
from django.core.cache import cache, caches

from groundswell.core.ratelimit import rate_limit_exceeded


def test_it_allows_the_limit_and_refuses_the_rest():
    results = [rate_limit_exceeded(scope="t", key="10.0.0.1", limit=3) for _ in range(5)]

    assert results == [False, False, False, True, True]


def test_each_client_has_its_own_count():
    for _ in range(3):
        rate_limit_exceeded(scope="t", key="10.0.0.1", limit=3)

    assert rate_limit_exceeded(scope="t", key="10.0.0.2", limit=3) is False


def test_no_limit_means_no_counting():
    assert not any(rate_limit_exceeded(scope="t", key="x", limit=0) for _ in range(100))


def test_the_cache_key_cannot_be_turned_back_into_the_client_address(settings):
    """An unkeyed hash of an IPv4 address is undone by hashing all 2**32 of them (minutes), and
    one of a typed e-mail address by hashing guessed ones: the key is keyed with SECRET_KEY."""
    # What the cache holds is read from a local-memory cache (Redis when the suite runs on it).
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    for key in ("203.0.113.7", "ada@example.org"):
        rate_limit_exceeded(scope="t", key=key, limit=3)

    stored = " ".join(str(name) for name in cache._cache)
    assert stored.count("rl:t:") == 2
    for key in ("203.0.113.7", "ada@example.org"):
        assert key not in stored
        assert hashlib.sha256(key.encode()).hexdigest()[:32] not in stored


def test_a_shared_redis_counts_hits_from_every_process_once(settings):
    redis_url = "redis://127.0.0.1:6379/15"
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}
    }
    backend = caches["default"]
    try:
        backend.clear()
    except Exception:
        pytest.skip("no Redis on 127.0.0.1:6379")

    results = [rate_limit_exceeded(scope="t", key="10.0.0.9", limit=2) for _ in range(4)]

    assert results == [False, False, True, True]
    backend.clear()
