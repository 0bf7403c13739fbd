from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import cache

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from groundswell.campaigns.models import Campaign
from groundswell.coalitions.models import Partner
from groundswell.core.databases import fetchone_prepared, reporting_database
from groundswell.signatures.models import (
    CONFIRMED_BY_ORGANIZER,
    CoalitionTally,
    Consent,
    Signature,
    SignatureChannel,
)
from groundswell.signatures.tallies import tally_daily_confirmed, tally_totals


def recent_public_signers(*, campaign: Campaign, limit: int = 10) -> QuerySet[Signature]:
    """Confirmed signers who chose to show their name. Only public fields are loaded."""
    return (
        Signature.objects.filter(campaign=campaign, confirmed_at__isnull=False, show_name=True)
        .order_by("-confirmed_at")
        .only("name", "country", "confirmed_at")[:limit]
    )


def pending_signature_count(*, campaign: Campaign) -> int:
    return tally_totals(campaign=campaign).pending


def daily_confirmed_counts(
    *, campaign: Campaign, days: int = 30, today: date | None = None
) -> list[tuple[date, int]]:
    return tally_daily_confirmed(campaign=campaign, days=days, today=today)


def channel_breakdown(*, campaign: Campaign) -> dict[str, int]:
    """The published count split by channel: how many came online, through the API, on paper
    or from a partner's tool, and how many of all those the host vouched for
    (`confirmed_by_organizer`) rather than the signer confirming from their inbox.

    Only the few signatures not taken online are counted (a partial index holds them); the
    online figure is the published count minus those, so it is as fresh as the count.
    """
    offline: dict[str, int] = {}
    vouched = 0
    rows = (
        Signature.objects.filter(campaign_id=campaign.pk, confirmed_at__isnull=False)
        .exclude(channel=SignatureChannel.ONLINE)
        .values_list("channel", "confirmed_by")
        .annotate(count=Count("id"))
        .values_list("channel", "confirmed_by", "count")
    )
    for channel, confirmed_by, count in rows:
        offline[channel] = offline.get(channel, 0) + count
        if confirmed_by == CONFIRMED_BY_ORGANIZER:
            vouched += count
    breakdown = {
        channel: offline.get(channel, 0)
        for channel in SignatureChannel.values
        if channel != SignatureChannel.ONLINE
    }
    online = max(campaign.signature_count - sum(breakdown.values()), 0)
    return {"online": online, **breakdown, "confirmed_by_organizer": vouched}


EXPORT_COLUMNS = [
    "public_id", "name", "email", "country", "postal_code", "comment", "show_name", "source",
    "created_at", "confirmed_at", "contact_consent",
]  # fmt: skip
# What lets an organization reach a person: exported only to organizations the person confirmed
# they may be contacted by.
CONTACT_COLUMNS = frozenset({"email", "postal_code"})


def signatures_confirmed_for_host(*, campaign: Campaign) -> QuerySet[Signature]:
    """The campaign's confirmed signatures, each annotated `contact_consent`: whether the signer
    confirmed that the host may contact them (only then may the host see CONTACT_COLUMNS).

    Unconfirmed signatures are left out (anyone may have typed the address). The CSV export and
    the API both read through this.
    """
    consent = Consent.objects.filter(
        signature=OuterRef("pk"),
        organization_id=campaign.organization_id,
        confirmed_at__isnull=False,
    )
    return Signature.objects.filter(campaign_id=campaign.pk, confirmed_at__isnull=False).annotate(
        contact_consent=Exists(consent)
    )


def signatures_for_export(*, campaign: Campaign, batch_size: int = 2000) -> Iterator[list[object]]:
    """The campaign's confirmed signatures as CSV rows, read in batches so memory stays flat.

    The contact columns are filled only for signers who confirmed consent to the host.
    """
    fields = EXPORT_COLUMNS[:-1]
    queryset = (
        signatures_confirmed_for_host(campaign=campaign)
        .using(reporting_database())
        .order_by("pk")
        .values_list(*fields, "contact_consent")
    )
    contact = [index for index, field in enumerate(fields) if field in CONTACT_COLUMNS]
    for row in queryset.iterator(chunk_size=batch_size):
        values = list(row)
        if not values[-1]:
            for index in contact:
                values[index] = ""
        yield values


def signatures_brought_by(*, campaign: Campaign, partner_id: int | None) -> QuerySet[Signature]:
    """The signatures a partner brought, or with partner_id None those no partner brought."""
    if partner_id is None:
        return Signature.objects.filter(campaign=campaign, partner__isnull=True)
    return Signature.objects.filter(campaign=campaign, partner_id=partner_id)


def source_counts(signatures: QuerySet[Signature]) -> list[tuple[str, int, int]]:
    """(source code, confirmed, pending) for each ?source= code, most confirmed first."""
    rows = (
        signatures.values("source")
        .annotate(
            confirmed=Count("id", filter=Q(confirmed_at__isnull=False)),
            pending=Count("id", filter=Q(confirmed_at__isnull=True)),
        )
        .order_by("-confirmed", "source")
    )
    return [(row["source"], row["confirmed"], row["pending"]) for row in rows]


CRM_COLUMNS = ["first_name", "last_name", "email", "postal_code", "country", "created", "source"]


def consenting_supporters(
    *, organization_id: int, campaign: Campaign | None = None
) -> QuerySet[Signature]:
    """Confirmed signers who confirmed consent to this organization (of one campaign, or of
    every campaign): the only people whose contact details it may see, and whom its updates
    reach. The CRM export, the API and the updates' audiences all read through this."""
    queryset = Signature.objects.filter(
        confirmed_at__isnull=False,
        consents__organization_id=organization_id,
        consents__confirmed_at__isnull=False,
    )
    if campaign is not None:
        queryset = queryset.filter(campaign_id=campaign.pk)
    return queryset


def consenting_supporters_for_export(
    *, campaign: Campaign, organization_id: int, batch_size: int = 2000
) -> Iterator[list[object]]:
    """Confirmed signers who confirmed consent to this organization, in CRM import columns."""
    queryset = (
        consenting_supporters(organization_id=organization_id, campaign=campaign)
        .using(reporting_database())
        .order_by("pk")
        .values_list("name", "email", "postal_code", "country", "created_at", "source")
    )
    for name, email, postal_code, country, created_at, source in queryset.iterator(
        chunk_size=batch_size
    ):
        first_name, _space, last_name = name.partition(" ")
        yield [first_name, last_name, email, postal_code, country, created_at, source]


# The coalition's figures: the count by partner, read from the published columns.


@dataclass(frozen=True)
class PartnerCount:
    slug: str
    name: str
    signature_count: int
    active: bool


@dataclass(frozen=True)
class CoalitionFigures:
    partners: list[PartnerCount]
    unattributed_count: int
    multi_partner_count: int
    referral_count: int

    @property
    def attributed_count(self) -> int:
        return sum(partner.signature_count for partner in self.partners)

    @property
    def separate_petitions_total(self) -> int:
        """What adding up one petition per partner (plus the host's own) would have claimed."""
        return self.referral_count + self.unattributed_count

    @property
    def inflation(self) -> int:
        return self.separate_petitions_total - self.attributed_count - self.unattributed_count


def campaign_partner_counts(*, campaign: Campaign) -> list[PartnerCount]:
    """Every partner ever on the campaign, removed ones too: their signatures stay counted."""
    return [
        PartnerCount(
            slug=partner.slug,
            name=partner.organization.name,
            signature_count=partner.signature_count,
            active=partner.removed_at is None,
        )
        for partner in Partner.objects.filter(campaign=campaign)
        .select_related("organization")
        .order_by("created_at")
    ]


def coalition_figures(*, campaign: Campaign) -> CoalitionFigures:
    """Read from maintained counters: a few rows, whatever the number of signatures."""
    tally = CoalitionTally.objects.filter(campaign=campaign).first() or CoalitionTally()
    return CoalitionFigures(
        partners=campaign_partner_counts(campaign=campaign),
        unattributed_count=tally.unattributed_count,
        multi_partner_count=tally.multi_partner_count,
        referral_count=tally.referral_count,
    )


# Sharing: the signer's own link and what it brought.


@dataclass(frozen=True)
class SignerSharing:
    referral_code: str
    partner_id: int | None
    partner_slug: str
    # Confirmed signers this signer's link brought.
    brought: int


def signer_sharing(*, campaign: Campaign, public_id: str) -> SignerSharing | None:
    """What a signer's share links carry and how many people they brought: one statement,
    prepared once per connection on PostgreSQL (every confirmation shows it; built with the
    ORM, composing the query cost more than running it)."""
    row = fetchone_prepared(_signer_sharing_sql(), (public_id, campaign.pk))
    if row is None:
        return None
    code, partner_id, partner_slug, count = row
    return SignerSharing(
        referral_code=code or "",
        partner_id=partner_id,
        partner_slug=partner_slug or "",
        brought=count or 0,
    )


@cache
def _signer_sharing_sql() -> str:
    quote = connection.ops.quote_name
    signatures, partners = quote(Signature._meta.db_table), quote(Partner._meta.db_table)
    # The count is served by signature_referred_by_idx (referred_by_id, confirmed_at).
    return (
        "SELECT s.referral_code, s.partner_id, p.slug, "  # noqa: S608 (names from the models)
        f"(SELECT COUNT(*) FROM {signatures} AS u WHERE u.referred_by_id = s.id "
        "AND u.confirmed_at IS NOT NULL) "
        f"FROM {signatures} AS s LEFT JOIN {partners} AS p ON p.id = s.partner_id "
        "WHERE s.public_id = %s AND s.campaign_id = %s"
    )


@dataclass(frozen=True)
class Referrer:
    public_id: str
    # Only for signers who confirmed consent to the organization looking (None otherwise).
    first_name: str | None
    brought: int


def top_referrers(
    *, campaign: Campaign, organization_id: int, partner_id: int | None = None, limit: int = 50
) -> list[Referrer]:
    """Signers whose links brought the most confirmed signers, most first.

    `partner_id`: only signers that partner brought (a partner's staff see their own
    supporters only). A first name is shown only to an organization the signer confirmed
    consent to, as the supporter exports do; everyone else sees the public id and the count.
    """
    referrers = Signature.objects.filter(
        campaign=campaign, confirmed_at__isnull=False, referred__confirmed_at__isnull=False
    )
    if partner_id is not None:
        referrers = referrers.filter(partner_id=partner_id)
    consent = Consent.objects.filter(
        signature=OuterRef("pk"), organization_id=organization_id, confirmed_at__isnull=False
    )
    rows = (
        referrers.values("pk", "public_id", "name")
        .annotate(brought=Count("referred"), consenting=Exists(consent))
        .order_by("-brought", "pk")[:limit]
    )
    return [
        Referrer(
            public_id=row["public_id"],
            first_name=row["name"].partition(" ")[0] if row["consenting"] else None,
            brought=row["brought"],
        )
        for row in rows
    ]
