"""Fixed-window rate limits kept in the shared cache, so every web process sees the same counts."""

import hashlib
import time

from django.core.cache import cache


def rate_limit_exceeded(*, scope: str, key: str, limit: int, window_seconds: int = 60) -> bool:
    """Count one hit for `key` and say whether it went over `limit` in the current window.

    The key is hashed so that client addresses never sit in the cache in clear.
    """
    if limit <= 0:
        return False
    window = int(time.time()) // window_seconds
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    cache_key = f"rl:{scope}:{window}:{digest}"
    # add() is atomic in every backend: only the first hit of a window creates the counter.
    if cache.add(cache_key, 1, timeout=window_seconds + 5):
        return limit < 1
    try:
        hits = cache.incr(cache_key)
    except ValueError:  # expired between add() and incr()
        cache.add(cache_key, 1, timeout=window_seconds + 5)
        hits = 1
    return hits > limit
