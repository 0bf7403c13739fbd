"""Organizers create, edit, publish, cancel and finish events; the editor refuses impossible
dates, unknown time zones and co-hosts that are not partners; the delivery made is recorded."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from groundswell.coalitions.models import Partner
from groundswell.coalitions.services import partner_remove
from groundswell.delivery.services.deliveries import delivery_record
from groundswell.events import domain
from groundswell.events.models import Event, EventStatus
from groundswell.events.services.events import EventError, event_delivery_link, event_update
from tests.transparency.conftest import _delivery_isolated, checkpoint_key_file  # noqa: F401

pytestmark = pytest.mark.django_db


def editor_data(campaign, **overrides):
    return {
        "organization": str(campaign.organization_id),
        "title": "Delivery rally",
        "slug": "delivery-rally",
        "kind": "rally",
        "description_markdown": "Bring *banners*. <script>x</script>",
        "starts_at": "2031-03-01T18:00",
        "ends_at": "2031-03-01T20:00",
        "time_zone": "Europe/Madrid",
        "place_name": "Plaza Mayor",
        "place_address": "Plaza Mayor 1, Madrid",
        "online_url": "",
        "capacity": "300",
        "campaign": str(campaign.pk),
        **overrides,
    }


def test_an_organizer_creates_an_event_in_the_places_time_zone(client, owner, campaign):
    client.force_login(owner)

    response = client.post("/organizer/events/new/", editor_data(campaign))

    assert response.status_code == 302
    event = Event.objects.get()
    assert event.status == EventStatus.DRAFT
    assert event.starts_at.isoformat() == "2031-03-01T17:00:00+00:00"  # 18:00 in Madrid
    assert "<script>" not in event.description_html
    assert "<em>banners</em>" in event.description_html


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"ends_at": "2031-03-01T17:00"}, "must end after it starts"),
        ({"time_zone": "Mars/Olympus_Mons"}, "Unknown time zone"),
    ],
)
def test_the_editor_refuses_impossible_dates(client, owner, campaign, overrides, message):
    client.force_login(owner)

    response = client.post("/organizer/events/new/", editor_data(campaign, **overrides))

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Event.objects.exists()


def test_the_editor_refuses_a_co_host_that_is_not_a_partner_of_the_campaign(
    client, owner, campaign, make_campaign, make_org
):
    client.force_login(owner)
    ally = make_org("Ally")
    other_campaign = make_campaign(organization=campaign.organization)
    Partner.objects.create(campaign=other_campaign, organization=ally, slug="ally")

    response = client.post("/organizer/events/new/", editor_data(campaign, co_hosts=[str(ally.pk)]))

    assert response.status_code == 400
    assert "Not a partner of this campaign" in response.content.decode()
    assert not Event.objects.exists()


def test_a_partner_of_the_campaign_can_co_host(client, owner, campaign, make_org):
    client.force_login(owner)
    ally = make_org("Ally")
    Partner.objects.create(campaign=campaign, organization=ally, slug="ally")

    client.post("/organizer/events/new/", editor_data(campaign, co_hosts=[str(ally.pk)]))

    assert list(Event.objects.get().co_hosts.all()) == [ally]


def test_publishing_cancelling_and_finishing(client, owner, make_event, rsvped):
    client.force_login(owner)
    event = make_event(status=EventStatus.DRAFT)

    client.post(f"/organizer/events/{event.slug}/publish/")
    event.refresh_from_db()
    assert event.status == EventStatus.PUBLISHED
    rsvped(event)
    mail.outbox.clear()

    client.post(f"/organizer/events/{event.slug}/cancel/")
    event.refresh_from_db()
    assert event.status == EventStatus.CANCELLED
    assert "Cancelled:" in mail.outbox[-1].subject

    response = client.post(f"/organizer/events/{event.slug}/finish/", follow=True)
    assert "Not possible from the event&#x27;s current status (Cancelled): finish." in (
        response.content.decode()
    )


def test_finishing_publishes_event_finished(client, owner, event, monkeypatch):
    seen = []
    monkeypatch.setattr(domain.event_finished, "_in_transaction", [seen.append])
    client.force_login(owner)

    client.post(f"/organizer/events/{event.slug}/finish/")

    assert seen == [domain.EventFinished(event.pk, event.campaign_id, None)]


def test_a_change_of_time_tells_everyone_who_rsvped_once(client, owner, make_event, rsvped):
    event = make_event(capacity=1)
    rsvped(event, email="coming@example.org")
    rsvped(event, email="waiting@example.org")
    mail.outbox.clear()
    client.force_login(owner)
    data = editor_data(
        event.campaign, slug=event.slug, starts_at="2031-04-01T10:00", ends_at="2031-04-01T12:00"
    )
    data.pop("organization")

    response = client.post(f"/organizer/events/{event.slug}/edit/", {**data, "capacity": "1"})

    assert response.status_code == 302
    assert sorted(message.to[0] for message in mail.outbox) == [
        "coming@example.org",
        "waiting@example.org",
    ]
    assert all("Changed:" in message.subject for message in mail.outbox)


def test_more_capacity_moves_the_waitlist_up(owner, make_event, rsvped, run_on_commit):
    from groundswell.events.services.events import event_update

    event = make_event(capacity=1)
    rsvped(event)
    waiting = rsvped(event)

    with run_on_commit():
        event_update(event=event, data={"capacity": 2}, co_hosts=[])

    waiting.refresh_from_db()
    assert waiting.status == "confirmed"


def test_the_delivery_made_is_recorded(client, owner, event, campaign):
    delivery = delivery_record(
        campaign=campaign,
        user=owner,
        delivered_at=timezone.now(),
        place="Northwind Cloud HQ",
        received_by="Head of public affairs",
    )
    client.force_login(owner)

    client.post(f"/organizer/events/{event.slug}/delivery/", {"delivery": str(delivery.pk)})

    event.refresh_from_db()
    assert event.delivery == delivery


def test_a_delivery_of_another_campaign_is_refused(owner, event, make_campaign):
    other = make_campaign(organization=event.organization)
    delivery = delivery_record(
        campaign=other, user=owner, delivered_at=timezone.now(), place="HQ", received_by="CEO"
    )

    with pytest.raises(EventError, match="not one of this event's campaign"):
        event_delivery_link(event=event, delivery=delivery)


def test_viewers_see_no_names_and_outsiders_nothing(client, viewer, outsider, event, rsvped):
    rsvped(event, name="Ada Lovelace")
    client.force_login(viewer)
    page = client.get(f"/organizer/events/{event.slug}/")
    assert page.status_code == 200
    assert "Ada Lovelace" not in page.content.decode()

    client.force_login(outsider)
    assert client.get(f"/organizer/events/{event.slug}/").status_code == 404


def test_the_web_address_is_kept_once_people_rsvped(owner, event, rsvped):
    from groundswell.events.services.events import event_update

    rsvped(event)

    with pytest.raises(EventError, match="cannot change once people have RSVP'd"):
        event_update(event=event, data={"slug": "renamed"}, co_hosts=[])


def test_the_organizer_pages_take_a_bounded_number_of_queries(
    client, owner, event, rsvped, django_assert_max_num_queries
):
    for _ in range(5):
        rsvped(event)
    client.force_login(owner)

    for url in (
        "/organizer/events/",
        f"/organizer/events/{event.slug}/",
        f"/organizer/events/{event.slug}/checkin/",
    ):
        with django_assert_max_num_queries(16):
            assert client.get(url).status_code == 200


def test_the_event_list_gives_the_start_in_the_events_own_time_zone(client, owner, make_event):
    starts_at = datetime(2031, 3, 1, 20, 0, tzinfo=UTC)  # noon in Los Angeles
    make_event(
        title="Rally in LA",
        time_zone="America/Los_Angeles",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
    )
    client.force_login(owner)

    page = client.get("/organizer/events/").content.decode()

    row = next(line for line in page.splitlines() if "March 1, 2031" in line)
    assert "noon" in row and "America/Los_Angeles" in row
    assert "UTC" not in page


@pytest.fixture
def ally(make_org, campaign):
    ally = make_org("Tenants Union", slug="tenants")
    Partner.objects.create(campaign=campaign, organization=ally, slug="tenants")
    return ally


def ticked_co_hosts(page: str) -> list[str]:
    """The co-hosts the editor's page ticks: what the browser sends back when saved as is."""
    boxes = re.findall(r'<input type="checkbox" name="co_hosts"[^>]*>', page)
    return [
        value for box in boxes if " checked" in box for value in re.findall(r'value="(\d+)"', box)
    ]


def test_saving_the_event_keeps_a_co_host_whose_partnership_ended(
    client, owner, make_user, make_event, ally, rsvped
):
    """It keeps seeing the RSVPs who agreed to hear from it (`event_co_hosts_seeing`) until the
    host takes it off the event, not until someone happens to save the event."""
    event = make_event(co_hosts=[ally])
    rsvped(event, email="ada@example.org", consent_organization_ids={ally.pk})
    partner_remove(partner=Partner.objects.get(organization=ally))
    client.force_login(owner)
    edit = f"/organizer/events/{event.slug}/edit/"

    page = client.get(edit).content.decode()
    response = client.post(
        edit, {**editor_data(event.campaign, slug=event.slug), "co_hosts": ticked_co_hosts(page)}
    )

    assert "Tenants Union (partnership ended)" in page
    assert response.status_code == 302
    assert list(event.co_hosts.all()) == [ally]
    client.force_login(make_user(ally))
    export = client.get(f"/organizer/events/{event.slug}/rsvps.csv")
    assert "ada@example.org" in b"".join(export.streaming_content).decode()


def test_the_host_takes_off_a_co_host_whose_partnership_ended(client, owner, make_event, ally):
    event = make_event(co_hosts=[ally])
    partner_remove(partner=Partner.objects.get(organization=ally))
    client.force_login(owner)

    response = client.post(
        f"/organizer/events/{event.slug}/edit/", editor_data(event.campaign, slug=event.slug)
    )

    assert response.status_code == 302
    assert not event.co_hosts.exists()


def test_a_removed_partner_is_not_named_a_co_host_anew(client, owner, make_event, ally):
    event = make_event()
    partner_remove(partner=Partner.objects.get(organization=ally))
    client.force_login(owner)
    edit = f"/organizer/events/{event.slug}/edit/"

    page = client.get(edit).content.decode()
    response = client.post(
        edit, editor_data(event.campaign, slug=event.slug, co_hosts=[str(ally.pk)])
    )

    assert "Tenants Union" not in page
    assert response.status_code == 400
    assert not event.co_hosts.exists()
    with pytest.raises(EventError, match="Not a partner of this campaign"):
        event_update(event=event, data={}, co_hosts=[ally])


def test_a_co_host_whose_partnership_ended_does_not_follow_the_event_to_another_campaign(
    owner, make_event, make_campaign, ally
):
    event = make_event(co_hosts=[ally])
    partner_remove(partner=Partner.objects.get(organization=ally))
    other_campaign = make_campaign(organization=event.organization)

    with pytest.raises(EventError, match="Not a partner of this campaign"):
        event_update(event=event, data={"campaign": other_campaign}, co_hosts=[ally])
    assert list(event.co_hosts.all()) == [ally]
