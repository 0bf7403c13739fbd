"""Fixed-window rate limits kept in the shared cache, so every web process sees the same counts."""

import hashlib
import time

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache


def rate_limit_exceeded(*, scope: str, key: str, limit: int, window_seconds: int = 60) -> bool:
    """Count one hit for `key` and say whether it went over `limit` in the current window.

    The key is hashed so that client addresses never sit in the cache in clear.
    """
    if limit <= 0:
        return False
    window = int(time.time()) // window_seconds
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    cache_key = f"rl:{scope}:{window}:{digest}"
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        return _redis_hits(backend, cache_key, window_seconds) > limit
    # add() is atomic in every backend: only the first hit of a window creates the counter.
    if backend.add(cache_key, 1, timeout=window_seconds + 5):
        return limit < 1
    try:
        hits = backend.incr(cache_key)
    except ValueError:  # expired between add() and incr()
        backend.add(cache_key, 1, timeout=window_seconds + 5)
        hits = 1
    return hits > limit


def _redis_hits(backend: RedisCache, cache_key: str, window_seconds: int) -> int:
    """Create-with-expiry and increment in one round trip (SET NX EX, then INCR, pipelined)."""
    full_key = backend.make_and_validate_key(cache_key)
    client = backend._cache.get_client(full_key, write=True)  # type: ignore[attr-defined]
    pipe = client.pipeline(transaction=False)
    pipe.set(full_key, 0, ex=window_seconds + 5, nx=True)
    pipe.incr(full_key)
    _created, hits = pipe.execute()
    return int(hits)
