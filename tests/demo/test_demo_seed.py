"""The demo's seeded signatures read as signatures collected over three weeks would."""

from datetime import timedelta

import pytest
from django.db.models import F, Max, Min
from django.utils import timezone

from groundswell.campaigns.models import TargetResponse
from groundswell.core.models import OutboundEmail
from groundswell.delivery.models import Delivery
from groundswell.demo.events import RALLY_SLUG
from groundswell.demo.seed import demo_seed
from groundswell.events.models import Event
from groundswell.signatures.models import Signature
from groundswell.signatures.services import signatures_unconfirmed_purge
from groundswell.signatures.tallies import counts_reconcile
from groundswell.transparency.models import LogEntry, SignedCheckpoint
from groundswell.transparency.services.receipts import RECEIPT_EMAIL_KIND

pytestmark = pytest.mark.django_db


def test_seeded_signatures_were_signed_before_they_were_confirmed():
    before = timezone.now()
    campaign = demo_seed().campaign

    seeded = Signature.objects.filter(campaign=campaign)
    assert not seeded.filter(created_at__gt=F("confirmed_at")).exists()
    span = seeded.aggregate(first=Min("created_at"), last=Max("created_at"))
    assert span["first"] < before - timedelta(days=14)
    assert span["last"] <= before
    assert not seeded.filter(confirmed_at__gt=timezone.now()).exists()


def test_the_made_up_signers_are_sent_no_receipts():
    """The terminal that runs the demo shows the e-mails of the people who try it, not dozens of
    receipts for the seeded signers confirmed in the last day."""
    campaign = demo_seed().campaign

    assert LogEntry.objects.filter(campaign=campaign, kind="signature").count() > 1000
    assert not OutboundEmail.objects.filter(kind=RECEIPT_EMAIL_KIND).exists()


def test_the_seeded_tallies_and_pending_signatures_agree_with_their_dates():
    campaign = demo_seed().campaign
    pending = Signature.objects.filter(campaign=campaign, confirmed_at__isnull=True).count()

    # The tallies count each signature on the day it was signed; nothing to repair.
    assert counts_reconcile(campaign=campaign) == {}
    # Pending signatures are still within their confirmation window: the hourly purge that
    # the demo runs leaves them.
    assert pending > 0
    assert signatures_unconfirmed_purge() == 0


def test_the_delivery_carries_a_checkpoint_of_the_signatures_confirmed_before_it():
    campaign = demo_seed().campaign

    delivery = Delivery.objects.get(campaign=campaign)
    checkpoint = delivery.checkpoint
    assert checkpoint.timestamp <= delivery.delivered_at
    twin = SignedCheckpoint.objects.get(campaign=campaign, tree_size=checkpoint.tree_size)
    assert twin.timestamp <= delivery.delivered_at
    confirmed_then = Signature.objects.filter(
        campaign=campaign, confirmed_at__lte=checkpoint.timestamp
    )
    assert checkpoint.live_count == confirmed_then.count() > 1000
    assert not LogEntry.objects.filter(
        campaign=campaign, index__lt=checkpoint.tree_size, confirmed_at__gt=checkpoint.timestamp
    ).exists()
    assert TargetResponse.objects.get(campaign=campaign).responded_at > delivery.delivered_at
    # Signatures kept coming after the delivery: the latest checkpoint counts them all.
    campaign.refresh_from_db()
    latest = SignedCheckpoint.objects.filter(campaign=campaign).latest("tree_size")
    assert latest.live_count == campaign.signature_count > checkpoint.live_count


def test_the_delivery_took_place_where_the_rally_goes():
    campaign = demo_seed().campaign

    delivery = Delivery.objects.get(campaign=campaign)
    rally = Event.objects.get(slug=RALLY_SLUG)
    assert rally.place_name in delivery.place
    assert rally.place_address.split(",")[0] in delivery.place


def test_the_story_happens_in_order_launch_signatures_announcement_rsvps_rally():
    from groundswell.campaigns.models import TimelineEntry, TimelineKind
    from groundswell.events.models import Rsvp

    campaign = demo_seed().campaign
    now = timezone.now()

    launched = TimelineEntry.objects.get(campaign=campaign, kind=TimelineKind.LAUNCHED)
    assert campaign.created_at == launched.at < now - timedelta(days=20)
    assert not Signature.objects.filter(campaign=campaign, created_at__lt=launched.at).exists()
    rally = Event.objects.get(slug=RALLY_SLUG)
    rsvps = Rsvp.objects.filter(event=rally)
    assert campaign.created_at < rally.created_at
    assert not rsvps.filter(confirmed_at__lt=rally.created_at).exists()
    # Nobody is at the door of a rally still to come.
    assert rally.starts_at > now
    assert not rsvps.filter(checked_in_at__isnull=False).exists()
