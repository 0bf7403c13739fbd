"""The count's history: confirmed signatures per day and per hour.

Both read a bounded number of small rows, whatever the number of signatures, so they stay fast
at a million: days from the sharded tallies (at most 32 rows per partner and day), hours from
`HourlyCount` (one row per hour, written by `counts_publish` when the count moved). Counting
`confirmed_at` of the signatures themselves would read every signature of the window (a million
index entries in a spike) on each cache miss. The figures are kept in the shared cache for
COUNT_HISTORY_CACHE_SECONDS.

An hour's figure is the change of the published count across it (confirmations less
withdrawals, never below zero). Hours before the first publication the table saw count as 0.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TypeVar, cast

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from groundswell.campaigns.models import Campaign
from groundswell.signatures.models import HourlyCount
from groundswell.signatures.tallies import tally_daily_confirmed

MAX_DAYS = 365
T = TypeVar("T")
MAX_HOURS = 24 * 14


@dataclass(frozen=True)
class CountHistory:
    daily: list[tuple[date, int]]
    hourly: list[tuple[datetime, int]]


def hourly_confirmed(
    *, campaign: Campaign, hours: int, now: datetime
) -> list[tuple[datetime, int]]:
    last = now.replace(minute=0, second=0, microsecond=0)
    first = last - timedelta(hours=hours - 1)
    rows = dict(
        HourlyCount.objects.filter(campaign=campaign, hour__gte=first, hour__lte=last).values_list(
            "hour", "confirmed"
        )
    )
    before = (
        HourlyCount.objects.filter(campaign=campaign, hour__lt=first)
        .order_by("-hour")
        .values_list("confirmed", flat=True)
        .first()
    )
    previous = before or 0
    series = []
    for step in range(hours):
        hour = first + timedelta(hours=step)
        current = rows.get(hour, previous)
        series.append((hour, max(current - previous, 0)))
        previous = current
    return series


def _cached(key: str, compute: Callable[[], T]) -> T:
    kept = cache.get(key)
    if kept is not None:
        return cast(T, kept)
    value = compute()
    if settings.COUNT_HISTORY_CACHE_SECONDS:
        cache.set(key, value, settings.COUNT_HISTORY_CACHE_SECONDS)
    return value


def daily_history(*, campaign: Campaign, days: int = 30) -> list[tuple[date, int]]:
    """Confirmed signatures per day (one query on the tallies, then cached)."""
    return _cached(
        f"count-history:daily:{campaign.pk}:{days}",
        lambda: tally_daily_confirmed(campaign=campaign, days=days),
    )


def count_history(*, campaign: Campaign, days: int = 30, hours: int = 48) -> CountHistory:
    hourly = _cached(
        f"count-history:hourly:{campaign.pk}:{hours}",
        lambda: hourly_confirmed(campaign=campaign, hours=hours, now=timezone.now()),
    )
    return CountHistory(daily=daily_history(campaign=campaign, days=days), hourly=hourly)
