"""Counting without hot rows or full scans: sharded tallies, published and reconciled.

Writers call `tally_add` in the same transaction as the change they count. Readers that must be
exact at this instant (organizer figures, checkpoints) sum the tally rows; public pages read the
*published* columns (Campaign.signature_count, Partner.signature_count, CoalitionTally), which
`counts_publish` refreshes from the tallies: right after each commit when tasks run in-process;
otherwise at most every COUNTS_PUBLISH_SECONDS, by a confirming request and by `groundswell
beat`'s periodic task. `counts_reconcile` recounts the
signature rows in one consistent snapshot and repairs any drift in the tallies.
"""

import logging
import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from groundswell.campaigns.milestones import milestones_detect
from groundswell.campaigns.models import Campaign, CampaignStatus
from groundswell.coalitions.models import Partner
from groundswell.signatures.models import (
    CoalitionTally,
    HourlyCount,
    PartnerReferral,
    Signature,
    Tally,
)

logger = logging.getLogger(__name__)

# Concurrent signatures pick a row at random; with 32 rows, two of four web workers' transactions
# meet on the same row (and the second waits for the first to commit) one time in eleven.
SHARDS = 32
NO_PARTNER = 0
TALLY_FIELDS = ("signed", "confirmed", "referrals", "multi_partner")


def partner_key(partner_id: int | None) -> int:
    return partner_id or NO_PARTNER


def tally_add(
    *,
    campaign_id: int,
    partner_id: int | None,
    day: date,
    signed: int = 0,
    confirmed: int = 0,
    referrals: int = 0,
    multi_partner: int = 0,
    shard: int | None = None,
) -> None:
    """Add to one randomly chosen shard row, creating it if needed: one statement."""
    table = connection.ops.quote_name(Tally._meta.db_table)
    sql = (
        f"INSERT INTO {table} (campaign_id, partner_key, day, shard, signed, confirmed, "  # noqa: S608
        "referrals, multi_partner) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) "
        "ON CONFLICT (campaign_id, partner_key, day, shard) DO UPDATE SET "
        f"signed = {table}.signed + excluded.signed, "
        f"confirmed = {table}.confirmed + excluded.confirmed, "
        f"referrals = {table}.referrals + excluded.referrals, "
        f"multi_partner = {table}.multi_partner + excluded.multi_partner"
    )
    if shard is None:
        shard = random.randrange(SHARDS)
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [campaign_id, partner_key(partner_id), connection.ops.adapt_datefield_value(day), shard,
             signed, confirmed, referrals, multi_partner],
        )  # fmt: skip


def local_day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


@dataclass(frozen=True)
class Totals:
    signed: int = 0
    confirmed: int = 0
    referrals: int = 0
    multi_partner: int = 0

    @property
    def pending(self) -> int:
        return self.signed - self.confirmed


def tally_totals(*, campaign: Campaign, partner_id: int | None = -1) -> Totals:
    """Exact totals now; for one partner's signatures (None: those no partner brought)."""
    rows = Tally.objects.filter(campaign=campaign)
    if partner_id != -1:
        rows = rows.filter(partner_key=partner_key(partner_id))
    sums = rows.aggregate(**{field: Sum(field) for field in TALLY_FIELDS})
    return Totals(**{field: sums[field] or 0 for field in TALLY_FIELDS})


def tally_by_partner(*, campaign: Campaign) -> dict[int, Totals]:
    rows = (
        Tally.objects.filter(campaign=campaign)
        .values("partner_key")
        .annotate(**{f"total_{field}": Sum(field) for field in TALLY_FIELDS})
    )
    return {
        row["partner_key"]: Totals(**{field: row[f"total_{field}"] for field in TALLY_FIELDS})
        for row in rows
    }


def tally_daily_confirmed(
    *, campaign: Campaign, days: int, partner_id: int | None = -1, today: date | None = None
) -> list[tuple[date, int]]:
    today = today or timezone.localdate()
    first = today - timedelta(days=days - 1)
    rows = Tally.objects.filter(campaign=campaign, day__gte=first, day__lte=today)
    if partner_id != -1:
        rows = rows.filter(partner_key=partner_key(partner_id))
    by_day = dict(rows.values("day").annotate(n=Sum("confirmed")).values_list("day", "n"))
    shown = [first + timedelta(days=n) for n in range(days)]
    return [(day, by_day.get(day) or 0) for day in shown]


def counts_publish(*, campaign_id: int) -> dict[str, tuple[int, int]]:
    """Write the tallies' totals to the columns pages read. Returns {figure: (was, now)}."""
    campaign = Campaign.objects.get(pk=campaign_id)
    by_partner = tally_by_partner(campaign=campaign)
    changes: dict[str, tuple[int, int]] = {}
    total = sum(totals.confirmed for totals in by_partner.values())
    with transaction.atomic():
        if campaign.signature_count != total:
            changes["signature_count"] = (campaign.signature_count, total)
            now = timezone.now()
            Campaign.objects.filter(pk=campaign_id).update(
                signature_count=total, last_signed_at=now
            )
            # The hourly history: one row per hour, the count at its last publication.
            HourlyCount.objects.update_or_create(
                campaign_id=campaign_id,
                hour=now.replace(minute=0, second=0, microsecond=0),
                defaults={"confirmed": total},
            )
        for partner in Partner.objects.filter(campaign_id=campaign_id):
            actual = by_partner.get(partner.pk, Totals()).confirmed
            if partner.signature_count != actual:
                changes[f"partner:{partner.slug}"] = (partner.signature_count, actual)
                Partner.objects.filter(pk=partner.pk).update(signature_count=actual)
        figures = {
            "unattributed_count": by_partner.get(NO_PARTNER, Totals()).confirmed,
            "multi_partner_count": sum(t.multi_partner for t in by_partner.values()),
            "referral_count": sum(t.referrals for t in by_partner.values()),
        }
        tally, _created = CoalitionTally.objects.get_or_create(campaign_id=campaign_id)
        for field, actual in figures.items():
            if getattr(tally, field) != actual:
                changes[field] = (getattr(tally, field), actual)
        if any(field in changes for field in figures):
            CoalitionTally.objects.filter(pk=campaign_id).update(**figures)
    if "signature_count" in changes:
        _milestones_detect(campaign_id, *changes["signature_count"])
    return changes


def _milestones_detect(campaign_id: int, was: int, now: int) -> None:
    """Milestones follow the published count; a failure there must not undo or block it."""
    try:
        milestones_detect(campaign_id=campaign_id, was=was, now=now)
    except Exception:
        logger.exception("milestones of campaign %s not detected", campaign_id)


def counts_publish_soon(*, campaign_id: int) -> None:
    """After a confirmation commits, publish the campaign's counts unless they were published
    less than COUNTS_PUBLISH_SECONDS ago.

    Without a broker (development, tests), always, right after commit. With one, the scheduler
    also starts `counts_publish_all` every COUNTS_PUBLISH_SECONDS, but during a spike that task
    waits in the worker's queue behind e-mails and log appends, long enough to expire: the count
    froze. So confirming requests publish too, one of them per interval (`_publish_if_due`).
    """
    if settings.CELERY_TASK_ALWAYS_EAGER:
        transaction.on_commit(lambda: counts_publish(campaign_id=campaign_id))
        return
    transaction.on_commit(
        lambda: _publish_if_due(
            f"counts-published:{campaign_id}", lambda: counts_publish(campaign_id=campaign_id)
        )
    )


def counts_publish_all_if_due() -> None:
    """`counts_publish_all`, unless it ran less than COUNTS_PUBLISH_SECONDS ago in any process.

    The worker calls it after every task, and between the batches of a long one (an outbox drain
    runs up to 50 s: `core.jobs.between_batches`): the scheduler's own publishing task can wait
    behind a backlog until it expires, and the last confirmations of a spike have no later
    confirming request to publish them.
    """
    _publish_if_due("counts-published:all", counts_publish_all)


# When this process last asked the shared cache whether a publication was due, by cache key.
_asked_at: dict[str, float] = {}


def _publish_if_due(key: str, publish: Callable[[], object]) -> None:
    """Run `publish` for one caller per COUNTS_PUBLISH_SECONDS across every process (the first
    to add the shared cache key). Each process asks the cache at most that often, so the other
    callers pay only a clock read. A failure only delays the count: the scheduler publishes it.
    """
    now = time.monotonic()
    if now - _asked_at.get(key, -math.inf) < settings.COUNTS_PUBLISH_SECONDS:
        return
    _asked_at[key] = now
    try:
        if cache.add(key, 1, timeout=settings.COUNTS_PUBLISH_SECONDS):
            publish()
    except Exception:
        logger.warning("counts not published now (%s)", key, exc_info=True)


# A campaign that closed this long ago can no longer gain confirmations to publish.
PUBLISH_AFTER_CLOSING = timedelta(hours=1)


def counts_publish_all() -> int:
    """Publish the counts of every campaign that can still be signing; returns how many changed.

    Only open campaigns (and ones whose status changed lately) take signatures; withdrawals,
    which can come at any time, publish their own campaign straight away.
    """
    recent = timezone.now() - PUBLISH_AFTER_CLOSING
    campaign_ids = Campaign.objects.filter(
        Q(status=CampaignStatus.OPEN) | Q(updated_at__gte=recent)
    ).values_list("pk", flat=True)
    return sum(1 for campaign_id in campaign_ids if counts_publish(campaign_id=campaign_id))


def _actual_by_key(campaign: Campaign) -> dict[tuple[int, date], dict[str, int]]:
    """What the signature rows say, per (partner_key, day), in the tallies' terms."""
    actual: dict[tuple[int, date], dict[str, int]] = {}

    def bump(key: tuple[int, date], field: str, amount: int) -> None:
        actual.setdefault(key, dict.fromkeys(TALLY_FIELDS, 0))[field] += amount

    signatures = Signature.objects.filter(campaign=campaign)
    for row in (
        signatures.annotate(day=TruncDate("created_at"))
        .values("partner_id", "day")
        .annotate(n=Count("id"))
    ):
        bump((partner_key(row["partner_id"]), row["day"]), "signed", row["n"])
    confirmed = signatures.filter(confirmed_at__isnull=False).annotate(
        day=TruncDate("confirmed_at")
    )
    for row in confirmed.values("partner_id", "day").annotate(n=Count("id")):
        bump((partner_key(row["partner_id"]), row["day"]), "confirmed", row["n"])
    visits = (
        PartnerReferral.objects.filter(
            signature__campaign=campaign, signature__confirmed_at__isnull=False
        )
        .annotate(day=TruncDate("signature__confirmed_at"))
        .values("signature_id", "signature__partner_id", "day")
        .annotate(n=Count("id"))
    )
    for row in visits.iterator(chunk_size=5000):
        key = (partner_key(row["signature__partner_id"]), row["day"])
        bump(key, "referrals", row["n"])
        if row["n"] >= 2:
            bump(key, "multi_partner", 1)
    return actual


def counts_reconcile(*, campaign: Campaign) -> dict[str, tuple[int, int]]:
    """Recount from the signature rows, repair the tallies, publish. {figure: (was, now)}.

    The rows and the tallies are read in one snapshot (REPEATABLE READ on PostgreSQL), so a
    confirmation committing meanwhile is either in both or in neither; repairs are added as
    deltas, which commute with the increments of concurrent confirmations.
    """
    own_snapshot = connection.vendor == "postgresql" and not connection.in_atomic_block
    with transaction.atomic():
        if own_snapshot:  # inside a caller's transaction, that transaction's snapshot rules
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        actual = _actual_by_key(campaign)
        stored: dict[tuple[int, date], dict[str, int]] = {}
        for row in (
            Tally.objects.filter(campaign=campaign)
            .values("partner_key", "day")
            .annotate(**{f"total_{field}": Sum(field) for field in TALLY_FIELDS})
        ):
            stored[(row["partner_key"], row["day"])] = {
                field: row[f"total_{field}"] for field in TALLY_FIELDS
            }
    repairs: dict[str, tuple[int, int]] = {}
    with transaction.atomic():
        for key in set(actual) | set(stored):
            want = actual.get(key, dict.fromkeys(TALLY_FIELDS, 0))
            have = stored.get(key, dict.fromkeys(TALLY_FIELDS, 0))
            delta = {field: want[field] - have[field] for field in TALLY_FIELDS}
            if any(delta.values()):
                repairs[f"tally:{key[0]}:{key[1].isoformat()}"] = (
                    have["confirmed"],
                    want["confirmed"],
                )
                tally_add(
                    campaign_id=campaign.pk,
                    partner_id=key[0] or None,
                    day=key[1],
                    shard=0,
                    **delta,
                )
    return {**repairs, **counts_publish(campaign_id=campaign.pk)}


def coalition_tally_recount(*, campaign: Campaign) -> dict[str, tuple[int, int]]:
    """Reconcile the counts and return the coalition figures that were repaired."""
    coalition_figures = ("partner:", "unattributed_count", "multi_partner_count", "referral_count")
    return {
        figure: change
        for figure, change in counts_reconcile(campaign=campaign).items()
        if figure.startswith(coalition_figures)
    }
