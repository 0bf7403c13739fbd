"""Short-lived copies kept inside one process, for reads on the hottest paths.

Unlike the shared cache this costs no round trip; the price is that a change is seen by every
process only after `seconds`. Callers get their own shallow copy of what is kept.
"""

import copy
import time
from collections.abc import Callable, Hashable
from typing import TypeVar, cast

import django
from django.db.models import Model
from django.db.models.base import DJANGO_VERSION_PICKLE_KEY  # type: ignore[attr-defined]

T = TypeVar("T")
MAX_ENTRIES = 1000

_entries: dict[Hashable, tuple[float, object]] = {}


def process_cached(key: Hashable, seconds: float, load: Callable[[], T]) -> T:
    """`load()`, or its result kept from a call less than `seconds` ago (0: always load)."""
    if not seconds:
        return load()
    now = time.monotonic()
    kept = _entries.get(key)
    if kept is not None and kept[0] > now:
        return _shallow_copy(kept[1])  # type: ignore[return-value]
    value = load()
    if len(_entries) >= MAX_ENTRIES:
        _entries.clear()
    _entries[key] = (now + seconds, value)
    return _shallow_copy(value)


def _shallow_copy(value: T) -> T:
    """copy.copy, without the pickling protocol for model instances: copying a kept campaign
    that way cost more than the rest of looking it up on every signature."""
    if isinstance(value, Model):
        clone: Model = value.__class__.__new__(value.__class__)
        state = value.__getstate__()  # copies the field and relation caches too
        state[DJANGO_VERSION_PICKLE_KEY] = django.__version__
        clone.__setstate__(state)  # type: ignore[attr-defined]
        return cast(T, clone)
    return copy.copy(value)


def process_cache_clear() -> None:
    _entries.clear()


def process_kept(key: Hashable) -> object | None:
    """What `process_keep` kept under `key`, if its time has not run out; not copied, so only
    for values nobody changes (tuples of strings and bytes)."""
    kept = _entries.get(key)
    if kept is None or kept[0] <= time.monotonic():
        return None
    return kept[1]


def process_keep(key: Hashable, value: object, seconds: float) -> None:
    if seconds <= 0:
        return
    if len(_entries) >= MAX_ENTRIES:
        _entries.clear()
    _entries[key] = (time.monotonic() + seconds, value)
