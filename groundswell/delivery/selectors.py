"""Reads of the delivery app: a checkpoint's live signatories, deliveries and packages."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import CharField, Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Cast
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

from groundswell.campaigns.models import Campaign, TimelineEntry, TimelineKind
from groundswell.campaigns.timeline import timeline_public
from groundswell.core.email_keys import email_key
from groundswell.delivery.models import (
    PACKAGE_CLAIM_TIMEOUT,
    Delivery,
    DeliveryPackage,
    PackageStatus,
)
from groundswell.signatures.models import Signature
from groundswell.transparency.commitments import canonical_time
from groundswell.transparency.models import LeafKind, LogEntry

# The live signatories of a checkpoint ----------------------------------------------------------


@dataclass(frozen=True)
class Signatory:
    """One live signature of a checkpoint, with only what may be printed."""

    number: int
    leaf_index: int
    name: str  # empty when withheld
    postal_area: str
    country: str
    country_name: str
    comment: str
    confirmed_at: datetime | None

    @property
    def confirmed_on(self) -> str:
        return canonical_time(self.confirmed_at)[:10] if self.confirmed_at else ""


def postal_area(postal_code: str) -> str:
    """The first two letters or digits of a postal code: a region, never a street.

    "N1 9GU" gives "N1" (north London), "94110" gives "94" (northern California), "75011" gives
    "75" (Paris). Full codes can narrow a signer down to a few houses, so they are never printed.
    """
    characters = [character for character in postal_code.upper() if character.isalnum()]
    return "".join(characters[:2])


def _live_entries(*, campaign: Campaign, tree_size: int) -> QuerySet[LogEntry]:
    revoked = LogEntry.objects.filter(
        campaign=campaign, revoked_index=OuterRef("index"), index__lt=tree_size
    )
    return LogEntry.objects.filter(
        campaign=campaign, kind=LeafKind.SIGNATURE, index__lt=tree_size
    ).filter(~Exists(revoked))


def live_signatories(
    *, campaign: Campaign, tree_size: int, chunk_size: int = 2000
) -> Iterator[Signatory]:
    """The signatures live in the tree of `tree_size`, in log order, read in chunks.

    Names are given only when the signer chose to show them, and so are comments; a signature
    erased after the checkpoint still has its row, with nothing personal in it.
    """
    rows = (
        _live_entries(campaign=campaign, tree_size=tree_size)
        .order_by("index")
        .values_list(
            "index",
            "confirmed_at",
            "signature__name",
            "signature__show_name",
            "signature__country",
            "signature__postal_code",
            "signature__comment",
        )
    )
    country_names: dict[str, str] = {}
    for number, row in enumerate(rows.iterator(chunk_size=chunk_size), start=1):
        index, confirmed_at, name, show_name, country, postal_code, comment = row
        country = country or ""
        if country not in country_names:
            country_names[country] = countries.name(country) if country else ""
        yield Signatory(
            number=number,
            leaf_index=index,
            name=name if show_name else "",
            postal_area=postal_area(postal_code or ""),
            country=country,
            country_name=country_names[country],
            comment=comment if show_name else "",
            confirmed_at=confirmed_at,
        )


@dataclass(frozen=True)
class CountryCount:
    country: str
    name: str
    count: int


def live_counts_by_country(*, campaign: Campaign, tree_size: int) -> list[CountryCount]:
    rows = (
        _live_entries(campaign=campaign, tree_size=tree_size)
        .values_list("signature__country")
        .annotate(count=Count("pk"))
        .values_list("signature__country", "count")
    )
    counts = [
        CountryCount(
            country=country or "",
            name=countries.name(country) if country else _("Unknown or erased"),
            count=count,
        )
        for country, count in rows
    ]
    return sorted(counts, key=lambda item: (-item.count, item.name))


# Deliveries and packages -----------------------------------------------------------------------


def timeline_shown(*, campaign: Campaign) -> QuerySet[TimelineEntry]:
    """The campaign's public timeline without the entries of deliveries made private since
    (the admin may change `is_public`): one query."""
    public_keys = (
        Delivery.objects.filter(campaign=campaign, is_public=True)
        .annotate(key=Cast("pk", CharField()))
        .values("key")
    )
    return timeline_public(campaign=campaign).exclude(
        Q(kind=TimelineKind.DELIVERY) & ~Q(key__in=public_keys)
    )


def deliveries_public(*, campaign: Campaign, limit: int = 20) -> QuerySet[Delivery]:
    return (
        Delivery.objects.filter(campaign=campaign, is_public=True)
        .select_related("checkpoint")
        .order_by("-delivered_at")[:limit]
    )


def delivery_public_get(*, campaign: Campaign, delivery_id: int) -> Delivery:
    delivery = (
        Delivery.objects.filter(campaign=campaign, is_public=True, pk=delivery_id)
        .select_related("checkpoint")
        .first()
    )
    if delivery is None:
        raise Http404("No such delivery")
    return delivery


def deliveries_for_campaign(*, campaign: Campaign) -> QuerySet[Delivery]:
    return Delivery.objects.filter(campaign=campaign).select_related("checkpoint")


def packages_for_campaign(*, campaign: Campaign, limit: int = 20) -> QuerySet[DeliveryPackage]:
    return DeliveryPackage.objects.filter(campaign=campaign).select_related("checkpoint")[:limit]


def package_for_campaign_get(*, campaign: Campaign, package_id: int) -> DeliveryPackage:
    package = (
        DeliveryPackage.objects.filter(campaign=campaign, pk=package_id)
        .select_related("checkpoint")
        .first()
    )
    if package is None:
        raise Http404("No such package")
    return package


def package_ids_to_retry(*, queued_for: timedelta, now: datetime | None = None) -> list[int]:
    """Packages whose build task was lost: queued a while ago, or running with no heartbeat."""
    now = now or timezone.now()
    queued = DeliveryPackage.objects.filter(
        status=PackageStatus.QUEUED, created_at__lt=now - queued_for
    )
    stale = DeliveryPackage.objects.filter(
        status=PackageStatus.RUNNING, heartbeat_at__lt=now - PACKAGE_CLAIM_TIMEOUT
    )
    return sorted(
        set(queued.values_list("pk", flat=True)) | set(stale.values_list("pk", flat=True))
    )


def signature_by_email_get(*, campaign: Campaign, email: str) -> Signature | None:
    """The campaign's signature of this address (compared as the signing form dedupes them)."""
    return Signature.objects.filter(campaign=campaign, email_key=email_key(email)).first()
