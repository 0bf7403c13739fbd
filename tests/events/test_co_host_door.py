"""A co-host's staff run the door of the events their organization co-hosts (the host named it),
and nothing else of the host's; the right ends with the co-host status or the partnership."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from groundswell.accounts.models import Role
from groundswell.coalitions.models import Partner
from groundswell.coalitions.services import partner_remove
from groundswell.events.models import EventStatus, Rsvp, RsvpConsent
from groundswell.updates.models import Update, UpdateStatus
from groundswell.updates.services import update_draft_create, update_schedule, updates_due_start
from tests.events.conftest import rsvp_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def ally(make_org, campaign):
    ally = make_org("Tenants Union", slug="tenants")
    Partner.objects.create(campaign=campaign, organization=ally, slug="tenants")
    return ally


@pytest.fixture
def ally_organizer(make_user, ally):
    return make_user(ally, role=Role.ORGANIZER)


@pytest.fixture
def co_hosted(make_event, ally):
    return make_event(co_hosts=[ally])


def door(event):
    return f"/organizer/events/{event.slug}/checkin/"


def test_a_co_hosts_organizer_checks_people_in_and_adds_walk_ins(
    client, ally_organizer, co_hosted, rsvped
):
    ada = rsvped(co_hosted, name="Ada Lovelace", email="ada@example.org")
    grace = rsvped(co_hosted, name="Grace Hopper")
    client.force_login(ally_organizer)

    page = client.get(door(co_hosted), {"q": "love"})
    client.post(door(co_hosted), {"rsvp": str(ada.pk)})
    client.post(door(co_hosted), {"code": grace.checkin_code})
    client.post(f"{door(co_hosted)}walk-in/", {"name": "Walk In"})
    counts = client.get(f"{door(co_hosted)}counts.json").json()

    assert page.status_code == 200
    assert "Ada Lovelace" in page.content.decode()
    assert "ada@example.org" not in page.content.decode()
    assert Rsvp.objects.filter(checked_in_at__isnull=False).count() == 3
    assert counts["checked_in"] == 3 and counts["walk_ins"] == 1


def test_the_co_hosts_door_is_all_they_get_of_the_hosts(client, ally_organizer, co_hosted, rsvped):
    rsvp = rsvped(co_hosted, name="Ada Lovelace")
    client.force_login(ally_organizer)
    event_url = f"/organizer/events/{co_hosted.slug}/"

    detail = client.get(event_url).content.decode()

    assert door(co_hosted) in detail
    assert "Ada Lovelace" not in detail  # the RSVP list is the host's
    assert f"{event_url}edit/" not in detail
    assert client.get(f"{event_url}edit/").status_code == 404
    assert client.post(f"{event_url}publish/").status_code == 404
    assert client.post(f"{event_url}rsvps/{rsvp.pk}/cancel/").status_code == 404
    rsvp.refresh_from_db()
    assert rsvp.status == "confirmed"


def test_the_door_of_an_event_they_do_not_co_host_is_not_found(
    client, ally_organizer, co_hosted, make_event
):
    not_theirs = make_event()
    client.force_login(ally_organizer)

    assert client.get(door(not_theirs)).status_code == 404
    assert client.post(f"{door(not_theirs)}walk-in/", {"name": "Walk In"}).status_code == 404
    assert not Rsvp.objects.exists()


def test_a_co_host_taken_off_the_event_loses_the_door_at_once(client, ally_organizer, co_hosted):
    client.force_login(ally_organizer)
    assert client.get(door(co_hosted)).status_code == 200

    co_hosted.co_hosts.clear()

    assert client.get(door(co_hosted)).status_code == 404
    assert client.post(f"{door(co_hosted)}walk-in/", {"name": "Walk In"}).status_code == 404
    assert co_hosted.slug not in client.get("/organizer/events/").content.decode()


def test_a_co_host_whose_partnership_ended_loses_the_door(client, ally_organizer, co_hosted, ally):
    client.force_login(ally_organizer)
    assert client.get(door(co_hosted)).status_code == 200

    partner_remove(partner=Partner.objects.get(organization=ally))

    assert client.get(door(co_hosted)).status_code == 404
    page = client.get(f"/organizer/events/{co_hosted.slug}/").content.decode()
    assert door(co_hosted) not in page


def test_a_co_host_whose_partnership_ended_may_no_longer_thank_attendees_in_the_events_name(
    client, ally, ally_organizer, co_hosted, rsvped
):
    """The host named the co-host, so writing to the event's attendees ends with the
    partnership, as a removed partner's updates to its supporters do; the RSVPs who agreed to
    hear from it are the attendees' own word to it, so it keeps them (as a removed partner
    keeps its consenting supporters): its page and export stay."""
    rsvped(co_hosted, email="ada@example.org", consent_organization_ids={ally.pk})
    event_url = f"/organizer/events/{co_hosted.slug}/"

    partner_remove(partner=Partner.objects.get(organization=ally))
    client.force_login(ally_organizer)
    response = client.post(
        f"{event_url}thank-you/",
        {"subject": "Thanks", "body_markdown": "Thank you.", "audience": "event_attendees"},
    )

    assert response.status_code == 400
    assert not Update.objects.exists()
    assert client.get(event_url).status_code == 200
    export = b"".join(client.get(f"{event_url}rsvps.csv").streaming_content).decode()
    assert "ada@example.org" in export


def test_a_thank_you_scheduled_by_a_co_host_is_not_sent_once_its_partnership_ended(
    ally, ally_organizer, co_hosted, rsvped, run_on_commit
):
    rsvped(co_hosted, consent_organization_ids={ally.pk})
    update = update_draft_create(
        organization=ally,
        event=co_hosted,
        subject="Thank you for coming",
        body_markdown="Thank you.",
        audience="event_attendees",
        created_by=ally_organizer,
    )
    update_schedule(update=update, at=timezone.now() + timedelta(hours=1), user=ally_organizer)
    mail.outbox.clear()

    partner_remove(partner=Partner.objects.get(organization=ally))
    with run_on_commit():
        started = updates_due_start(now=timezone.now() + timedelta(hours=2))

    assert started == 0
    assert Update.objects.get().status == UpdateStatus.CANCELLED
    assert not mail.outbox


def test_a_removed_partner_is_no_longer_named_on_the_event_nor_asked_for(client, ally, co_hosted):
    partner_remove(partner=Partner.objects.get(organization=ally))

    page = client.get(co_hosted.get_absolute_url())
    client.post(co_hosted.get_absolute_url(), rsvp_form(**{f"consent_{ally.pk}": "on"}))

    assert "Tenants Union" not in page.content.decode()
    assert Rsvp.objects.count() == 1
    assert not RsvpConsent.objects.filter(organization=ally).exists()


def test_a_co_hosts_viewer_may_not_run_the_door(client, make_user, ally, co_hosted):
    client.force_login(make_user(ally, role=Role.VIEWER))

    assert client.get(door(co_hosted)).status_code == 403


def test_a_draft_is_the_hosts_alone(client, ally_organizer, make_event, ally):
    draft = make_event(status=EventStatus.DRAFT, co_hosts=[ally])
    event_url = f"/organizer/events/{draft.slug}/"
    client.force_login(ally_organizer)

    assert client.get(door(draft)).status_code == 404
    assert client.get(event_url).status_code == 404
    assert client.get(f"{event_url}rsvps.csv").status_code == 404
    assert client.get(f"{event_url}thank-you/").status_code == 404


def test_strangers_get_nothing(client, outsider, co_hosted):
    client.force_login(outsider)

    assert client.get(door(co_hosted)).status_code == 404
    assert client.get(f"{door(co_hosted)}counts.json").status_code == 404
    assert client.post(f"{door(co_hosted)}walk-in/", {"name": "Walk In"}).status_code == 404
    client.logout()
    assert client.get(door(co_hosted)).status_code == 302


def test_the_event_list_links_co_hosted_events_to_their_door(
    client, ally_organizer, co_hosted, make_event, ally
):
    draft = make_event(status=EventStatus.DRAFT, co_hosts=[ally])
    client.force_login(ally_organizer)

    page = client.get("/organizer/events/").content.decode()

    assert "Events you co-host" in page
    assert door(co_hosted) in page
    assert draft.slug not in page


def test_an_organization_that_only_co_hosts_is_not_told_there_are_no_events(
    client, ally_organizer, co_hosted
):
    client.force_login(ally_organizer)

    page = client.get("/organizer/events/").content.decode()

    assert "No events yet." not in page
    assert "Your organizations host no events of their own yet." in page
    assert page.index("host no events of their own") < page.index("Events you co-host")


def test_a_walk_in_typed_with_an_rsvps_address_changes_nothing_that_person_agreed_to(
    client, ally, ally_organizer, co_hosted, rsvped
):
    ada = rsvped(
        co_hosted,
        name="Ada Lovelace",
        email="ada@example.org",
        consent_organization_ids={co_hosted.organization_id},
    )
    agreed = set(RsvpConsent.objects.filter(rsvp=ada).values_list("organization_id", flat=True))
    client.force_login(ally_organizer)

    client.post(
        f"{door(co_hosted)}walk-in/",
        {"name": "Someone Else", "email": "ada@example.org", f"consent_{ally.pk}": "on"},
    )

    ada.refresh_from_db()
    co_hosted.refresh_from_db()
    assert set(RsvpConsent.objects.filter(rsvp=ada).values_list("organization_id", flat=True)) == (
        agreed
    )
    assert (ada.name, ada.walk_in, ada.checked_in_at is not None) == ("Ada Lovelace", False, True)
    assert co_hosted.walk_in_places == 0
    assert Rsvp.objects.count() == 1
