"""The demo campaign after the signatures: launched three weeks ago, past its first milestone,
delivered to Northwind Cloud's headquarters yesterday, and answered this morning by its
(fictional) CEO in a public post that calls the policy cruel while keeping the contract. Some
signers said why they signed.

`story_demo_seed` is idempotent (each step is skipped once done) and returns what it made, so
that later steps (an update sent to signers: the updates app) can be added after it. The
delivery is recorded first, by `delivery_demo_seed`, while the log holds only the signatures
confirmed before its checkpoint.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from groundswell.accounts.models import User
from groundswell.campaigns.models import (
    Campaign,
    MilestoneReached,
    ResponseStance,
    TargetResponse,
    TimelineKind,
)
from groundswell.campaigns.responses import target_response_record
from groundswell.campaigns.timeline import timeline_entry_add, timeline_entry_update
from groundswell.delivery.models import Delivery
from groundswell.delivery.services.deliveries import delivery_record
from groundswell.signatures.models import Signature
from groundswell.transparency.services.log import checkpoint_create

LAUNCHED_DAYS_AGO = 21
FIRST_MILESTONE = 1_000
# After the 1,000th signature (about two days before the seed, from the seeded rows).
DELIVERED_HOURS_AGO = 26
# The delivery package (and its checkpoint) was made the morning of the delivery.
PACKAGED_HOURS_BEFORE_DELIVERY = 2
RESPONDED_HOURS_AGO = 5
# Where the signatures were delivered, and where the rally takes them next.
HEADQUARTERS_NAME = "Northwind Cloud headquarters"
HEADQUARTERS_ADDRESS = "500 Market Street, San Francisco, CA"

RESPONSE_QUOTE = (
    "Like many of you, I find the family-separation policy cruel and abusive, and I have said so "
    "to the agency. But Northwind does not choose our customers' policies. We will honor our "
    "contract through its current term, and we will keep listening."
)
RESPONSE_SOURCE = "https://social.northwind.example/@dwhitfield/posts/1940"

COMMENTS = [
    "My cousin was detained for eleven months. No company should profit from that.",
    "I write software for a living. Our tools should never be used to separate families.",
    "As a Northwind customer, I want to know what my money pays for.",
    "Because 'we just host the data' is not an excuse.",
    "I'm signing for my students, who are afraid to come to school.",
    "Cruel and abusive, says the CEO. Then cancel the contract.",
]


@dataclass(frozen=True)
class DemoStory:
    delivery: Delivery
    response: TargetResponse


def delivery_checkpoint_at(*, now: datetime) -> datetime:
    """When the delivered checkpoint was signed: the signatures confirmed by then were delivered."""
    return now - timedelta(hours=DELIVERED_HOURS_AGO + PACKAGED_HOURS_BEFORE_DELIVERY)


def delivery_demo_seed(*, campaign: Campaign, organizer: User, now: datetime) -> Delivery:
    """Record the delivery once, with a checkpoint signed before it.

    Call it while no signature confirmed after `delivery_checkpoint_at(now=now)` is stored: the
    checkpoint covers every confirmed signature, and says it was signed then.
    """
    delivery = Delivery.objects.filter(campaign=campaign).order_by("delivered_at").first()
    if delivery is not None:
        return delivery
    # delivery_record signs the log as it stands; nothing new since, so it takes this one.
    checkpoint_create(campaign=campaign, now=delivery_checkpoint_at(now=now))
    return delivery_record(
        campaign=campaign,
        user=organizer,
        delivered_at=now - timedelta(hours=DELIVERED_HOURS_AGO),
        place=f"{HEADQUARTERS_NAME}, {HEADQUARTERS_ADDRESS}",
        received_by="Office of the CEO (front desk)",
        notes="Twelve boxes of signatures, with the cover letter and a signed checkpoint.",
    )


def story_demo_seed(*, campaign: Campaign, organizer: User) -> DemoStory:
    now = timezone.now()
    # The seed dated the campaign LAUNCHED_DAYS_AGO.
    timeline_entry_add(campaign=campaign, kind=TimelineKind.LAUNCHED, at=campaign.created_at)
    _first_milestone(campaign=campaign)
    delivery = delivery_demo_seed(campaign=campaign, organizer=organizer, now=now)
    response = TargetResponse.objects.filter(campaign=campaign).order_by("responded_at").first()
    if response is None:
        response = target_response_record(
            campaign=campaign,
            responder_name="Dana Whitfield",
            responder_title="Chief Executive Officer, Northwind Cloud",
            responded_at=now - timedelta(hours=RESPONDED_HOURS_AGO),
            quote=RESPONSE_QUOTE,
            source_url=RESPONSE_SOURCE,
            stance=ResponseStance.REFUSED,
            recorded_by=organizer,
        )
    _public_comments(campaign=campaign)
    return DemoStory(delivery=delivery, response=response)


def _first_milestone(*, campaign: Campaign) -> None:
    """The 1,000th confirmed signature: when it came, from the seeded rows."""
    thousandth = (
        Signature.objects.filter(campaign=campaign, confirmed_at__isnull=False)
        .order_by("confirmed_at")
        .values_list("confirmed_at", flat=True)[FIRST_MILESTONE - 1 : FIRST_MILESTONE]
        .first()
    )
    if thousandth is None:
        return
    # Publishing the seeded count recorded it as reached now: it was reached then.
    MilestoneReached.objects.update_or_create(
        campaign=campaign,
        threshold=FIRST_MILESTONE,
        defaults={"signature_count": FIRST_MILESTONE, "reached_at": thousandth},
    )
    timeline_entry_add(
        campaign=campaign, kind=TimelineKind.MILESTONE, key=str(FIRST_MILESTONE), at=thousandth
    )
    timeline_entry_update(
        campaign=campaign, kind=TimelineKind.MILESTONE, key=str(FIRST_MILESTONE), at=thousandth
    )


def _public_comments(*, campaign: Campaign) -> None:
    if Signature.objects.filter(campaign=campaign, comment_public=True).exists():
        return
    signers = Signature.objects.filter(campaign=campaign, confirmed_at__isnull=False).order_by(
        "-confirmed_at"
    )[: len(COMMENTS)]
    for signature, comment in zip(signers, COMMENTS, strict=False):
        Signature.objects.filter(pk=signature.pk).update(comment=comment, comment_public=True)
