"""Fixed-window rate limits kept in the shared cache, so every web process sees the same counts."""

import hashlib
import hmac
import time
from functools import lru_cache

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

KEY_SALT = "groundswell.core.ratelimit"


def rate_limit_exceeded(*, scope: str, key: str, limit: int, window_seconds: int = 60) -> bool:
    """Count one hit for `key` and say whether it went over `limit` in the current window.

    The key is hashed under a key derived from SECRET_KEY, so that client addresses (and typed
    e-mail addresses) never sit in the cache in clear: a plain hash of an IPv4 address is undone
    by hashing all 2**32 of them.
    """
    if limit <= 0:
        return False
    window = int(time.time()) // window_seconds
    digest = hmac.new(_hash_key(settings.SECRET_KEY), key.encode(), hashlib.sha256).hexdigest()[:32]
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


@lru_cache(maxsize=4)
def _hash_key(secret: str) -> bytes:
    """Derived once per secret (as django.utils.crypto.salted_hmac derives it), not per hit."""
    return hashlib.sha256((KEY_SALT + secret).encode()).digest()


def _redis_hits(backend: RedisCache, cache_key: str, window_seconds: int) -> int:
    """Create-with-expiry and increment in one round trip (SET NX EX, then INCR, pipelined)."""
    full_key = backend.make_and_validate_key(cache_key)
    client = backend._cache.get_client(full_key, write=True)  # type: ignore[attr-defined]
    pipe = client.pipeline(transaction=False)
    pipe.set(full_key, 0, ex=window_seconds + 5, nx=True)
    pipe.incr(full_key)
    _created, hits = pipe.execute()
    return int(hits)
