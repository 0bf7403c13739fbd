"""The demo seeds the delivery rally once: confirmed RSVPs filling it, some linked to their
signature, and a waitlist; nobody checked in at a rally still to come."""

import pytest
from django.urls import reverse

from groundswell.accounts.models import User
from groundswell.demo.events import RALLY_CAPACITY, RALLY_SLUG, events_demo_seed
from groundswell.demo.seed import PARTNER_USERNAME, demo_seed
from groundswell.events.models import Rsvp, RsvpStatus
from groundswell.events.selectors import door_counts

pytestmark = pytest.mark.django_db


def test_the_demo_rally_is_seeded_once_full_with_a_waitlist(client, campaign, signed):
    signed(email="signer@example.org", name="Sam Signer")
    first = events_demo_seed(campaign=campaign)
    again = events_demo_seed(campaign=campaign)

    assert first == again
    first.refresh_from_db()
    assert first.places_taken <= RALLY_CAPACITY
    counts = door_counts(event=first)
    assert counts.checked_in == 0 and counts.waitlisted > 0
    positions = list(
        Rsvp.objects.filter(event=first, status=RsvpStatus.WAITLISTED)
        .order_by("waitlist_position")
        .values_list("waitlist_position", flat=True)
    )
    assert positions == list(range(1, len(positions) + 1))
    assert Rsvp.objects.filter(event=first, signature__isnull=False).exists()
    assert client.get(first.get_absolute_url()).status_code == 200
    assert first.get_absolute_url() in client.get(campaign.get_absolute_url()).content.decode()


def test_the_demo_partner_login_co_hosts_the_rally_and_runs_its_door(client):
    demo_seed()
    client.force_login(User.objects.get(username=PARTNER_USERNAME))

    door = client.get(reverse("organizer:event_checkin", kwargs={"slug": RALLY_SLUG}))
    editor = client.get(reverse("organizer:event_edit", kwargs={"slug": RALLY_SLUG}))

    assert door.status_code == 200
    assert editor.status_code == 404
