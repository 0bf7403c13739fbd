"""Each organization (host or co-host) exports only the RSVPs who agreed to hear from it, and
the thank-you audience is the attendees who agreed to hear from the sender."""

import csv
import io

import pytest

from groundswell.accounts.models import Role
from groundswell.coalitions.models import Partner
from groundswell.events.selectors import attendee_recipients

pytestmark = pytest.mark.django_db


def csv_rows(response):
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


@pytest.fixture
def ally(make_org, campaign):
    organization = make_org("Ally")
    Partner.objects.create(campaign=campaign, organization=organization, slug="ally")
    return organization


def test_each_organization_exports_only_its_consenting_rsvps(
    client, owner, make_user, make_event, rsvped, ally
):
    event = make_event(co_hosts=[ally])
    rsvped(event, email="host-fan@example.org", consent_organization_ids={event.organization_id})
    rsvped(event, email="ally-fan@example.org", consent_organization_ids={ally.pk})
    rsvped(event, email="quiet@example.org")
    rsvped(event, email="unconfirmed@example.org", confirm=False,
           consent_organization_ids={event.organization_id})  # fmt: skip
    url = f"/organizer/events/{event.slug}/rsvps.csv"

    client.force_login(owner)
    host_rows = csv_rows(client.get(url))
    client.force_login(make_user(ally, role=Role.ORGANIZER))
    ally_rows = csv_rows(client.get(url))

    assert [row["email"] for row in host_rows] == ["host-fan@example.org"]
    assert [row["email"] for row in ally_rows] == ["ally-fan@example.org"]
    assert list(host_rows[0])[:3] == ["first_name", "last_name", "email"]


def test_viewers_export_nothing(client, viewer, event):
    client.force_login(viewer)

    assert client.get(f"/organizer/events/{event.slug}/rsvps.csv").status_code == 403


def test_the_thank_you_goes_to_attendees_who_agreed(make_event, rsvped, ally):
    event = make_event(co_hosts=[ally])
    agreed = rsvped(event, consent_organization_ids={event.organization_id})
    rsvped(event)
    rsvped(event, confirm=False, consent_organization_ids={event.organization_id})

    assert list(attendee_recipients(event=event)) == [agreed]
    assert list(attendee_recipients(event=event, organization_id=ally.pk)) == []
