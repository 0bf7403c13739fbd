"""A campaign's public story: launch, milestones, updates, deliveries, responses and status
changes, with dates. Each step is added where it happens (campaign transitions, responses,
milestones, deliveries, updates) through `timeline_entry_add`, idempotent per (kind, key)."""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from groundswell.campaigns.models import Campaign, TimelineEntry, TimelineKind


def timeline_entry_add(
    *,
    campaign: Campaign,
    kind: str,
    at: datetime,
    key: str = "",
    title: str = "",
    url: str = "",
) -> TimelineEntry:
    """The entry for (kind, key), created if the campaign has none yet; an existing one is
    returned unchanged, so callers may add the same step again (a retried task, a race)."""
    if kind not in TimelineKind.values:
        raise ValueError(f"unknown timeline kind {kind!r}")
    existing = TimelineEntry.objects.filter(campaign=campaign, kind=kind, key=key).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return TimelineEntry.objects.create(
                campaign=campaign, kind=kind, key=key, at=at, title=title[:300], url=url
            )
    except IntegrityError:  # another process added it meanwhile
        return TimelineEntry.objects.get(campaign=campaign, kind=kind, key=key)


def timeline_entry_update(*, campaign: Campaign, kind: str, key: str, **fields: object) -> int:
    """Correct an entry's date, title or link (an edited response, a corrected delivery)."""
    allowed = {name: value for name, value in fields.items() if name in {"at", "title", "url"}}
    return TimelineEntry.objects.filter(campaign=campaign, kind=kind, key=key).update(**allowed)


def timeline_entry_remove(*, campaign: Campaign, kind: str, key: str) -> int:
    deleted, _per_model = TimelineEntry.objects.filter(
        campaign=campaign, kind=kind, key=key
    ).delete()
    return deleted


def timeline_public(*, campaign: Campaign) -> QuerySet[TimelineEntry]:
    """The campaign's story, oldest first."""
    return TimelineEntry.objects.filter(campaign=campaign).order_by("at", "pk")


def timeline_entry_json(entry: TimelineEntry) -> dict[str, object]:
    return {
        "kind": entry.kind,
        "at": entry.at.isoformat(),
        "title": entry.shown_title,
        "url": entry.url,
    }
