from collections.abc import Iterator
from datetime import date, timedelta

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from groundswell.campaigns.models import Campaign
from groundswell.signatures.models import Signature


def recent_public_signers(*, campaign: Campaign, limit: int = 10) -> QuerySet[Signature]:
    """Confirmed signers who chose to show their name. Only public fields are loaded."""
    return (
        Signature.objects.filter(campaign=campaign, confirmed_at__isnull=False, show_name=True)
        .order_by("-confirmed_at")
        .only("name", "country", "confirmed_at")[:limit]
    )


def pending_signature_count(*, campaign: Campaign) -> int:
    return Signature.objects.filter(campaign=campaign, confirmed_at__isnull=True).count()


def daily_confirmed_counts(
    *, campaign: Campaign, days: int = 30, today: date | None = None
) -> list[tuple[date, int]]:
    """Confirmed signatures per day for the last `days` days, oldest first, zero-filled."""
    today = today or timezone.localdate()
    first = today - timedelta(days=days - 1)
    rows = (
        Signature.objects.filter(
            campaign=campaign, confirmed_at__date__gte=first, confirmed_at__isnull=False
        )
        .annotate(day=TruncDate("confirmed_at"))
        .values("day")
        .annotate(count=Count("id"))
    )
    by_day = {row["day"]: row["count"] for row in rows}
    return [
        (first + timedelta(days=n), by_day.get(first + timedelta(days=n), 0)) for n in range(days)
    ]


EXPORT_COLUMNS = [
    "public_id", "name", "email", "country", "postal_code", "comment", "show_name", "source",
    "created_at", "confirmed_at",
]  # fmt: skip


def signatures_for_export(*, campaign: Campaign, batch_size: int = 2000) -> Iterator[list[object]]:
    """Every signature of the campaign as CSV rows, read in batches so memory stays flat."""
    queryset = (
        Signature.objects.filter(campaign=campaign).order_by("pk").values_list(*EXPORT_COLUMNS)
    )
    yield from (list(row) for row in queryset.iterator(chunk_size=batch_size))
