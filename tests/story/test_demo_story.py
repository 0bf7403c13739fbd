"""The demo seeds a delivered campaign: a delivery, the target's public answer, a milestone,
an update sent to signers and a timeline, visible on the demo page; seeding again changes
nothing."""

import pytest
from django.urls import reverse

from groundswell.campaigns.models import MilestoneReached, TargetResponse, TimelineEntry
from groundswell.delivery.models import Delivery
from groundswell.demo.seed import DEMO_SLUG, demo_seed
from groundswell.updates.models import Update, UpdateStatus

pytestmark = pytest.mark.django_db


def test_the_demo_campaign_is_delivered_and_answered_once(client):
    campaign = demo_seed().campaign
    demo_seed()

    assert Delivery.objects.filter(campaign=campaign).count() == 1
    response = TargetResponse.objects.get(campaign=campaign)
    assert (response.stance, response.responder_name) == ("refused", "Dana Whitfield")
    assert "cruel and abusive" in response.quote
    assert MilestoneReached.objects.get(campaign=campaign).threshold == 1000
    kinds = list(TimelineEntry.objects.filter(campaign=campaign).values_list("kind", flat=True))
    assert kinds == ["launched", "milestone", "delivery", "response", "update"]
    update = Update.objects.get(campaign=campaign)
    assert update.status == UpdateStatus.SENT
    assert update.sent_count == update.recipient_count > 0

    page = client.get(f"/p/{DEMO_SLUG}/").content.decode()
    assert "Refused" in page
    assert "cruel and abusive" in page
    assert "1,000 signatures" in page
    assert "Why people are signing" in page
    assert "We delivered your signatures, and Northwind" in page
    data = client.get(reverse("campaigns:petition_json", args=[DEMO_SLUG])).json()
    assert data["target_response"]["stance"] == "refused"
