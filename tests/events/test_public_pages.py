"""The event's public page and JSON, RSVPing through the form, the e-mailed links (confirm,
the RSVP's own page with its QR code and calendar file, cancel), and the petition page."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from groundswell.events.models import EventStatus, Rsvp, RsvpStatus
from tests.campaigns.test_translations import SPANISH, translate
from tests.events.conftest import confirmation_token, rsvp_form, ticket_token

pytestmark = pytest.mark.django_db


def link_in_last_email(word: str) -> str:
    line = next(line for line in mail.outbox[-1].body.splitlines() if f"/{word}/" in line)
    return line.strip().removeprefix("https://sign.example.org")


def test_rosa_rsvps_confirms_and_gets_her_ticket(client, event):
    page = client.get(event.get_absolute_url())
    assert page.status_code == 200
    assert "Delivery rally" in page.content.decode()

    response = client.post(event.get_absolute_url(), rsvp_form(guests="1"))
    assert response.status_code == 302
    assert mail.outbox[-1].to == ["rosa@example.org"]
    confirm = link_in_last_email("confirm")
    assert client.get(confirm).status_code == 200  # a button only: scanners confirm nothing
    assert Rsvp.objects.get().status == RsvpStatus.PENDING

    ticket = client.post(confirm, follow=True)

    rsvp = Rsvp.objects.get()
    assert rsvp.status == RsvpStatus.CONFIRMED
    assert rsvp.guests == 1
    assert rsvp.checkin_code in ticket.content.decode()
    body = mail.outbox[-1].body
    assert "/cancel/" in body and "qr.png" in body and rsvp.checkin_code in body


def test_the_online_link_is_only_for_confirmed_rsvps(client, make_event, rsvped):
    event = make_event(online_url="https://meet.example.org/secret-room", capacity=1)
    coming = rsvped(event)
    waiting = rsvped(event)

    assert "secret-room" not in client.get(event.get_absolute_url()).content.decode()
    assert "secret-room" not in client.get(f"/e/{event.slug}.json").content.decode()
    coming_page = client.get(f"/e/{event.slug}/ticket/{ticket_token(coming)}/")
    waiting_page = client.get(f"/e/{event.slug}/ticket/{ticket_token(waiting)}/")
    assert "secret-room" in coming_page.content.decode()
    assert "secret-room" not in waiting_page.content.decode()
    assert client.get(f"/e/{event.slug}/ticket/{ticket_token(waiting)}/qr.png").status_code == 404


def test_the_json_gives_the_counts(client, make_event, rsvped):
    event = make_event(capacity=2)
    rsvped(event, guests=1)
    rsvped(event, guests=2)

    data = client.get(f"/e/{event.slug}.json").json()

    assert data["rsvp_count"] == 2
    assert data["capacity"] == 2
    assert data["waitlist_count"] == 3
    assert data["status"] == "published"
    assert data["time_zone"] == "Europe/Madrid"
    assert data["campaign"] == event.campaign.slug
    assert data["starts_at"] == event.starts_at.isoformat()


def test_drafts_are_not_found(client, make_event):
    event = make_event(status=EventStatus.DRAFT)

    assert client.get(event.get_absolute_url()).status_code == 404
    assert client.get(f"/e/{event.slug}.json").status_code == 404


@pytest.mark.parametrize("status", [EventStatus.CANCELLED, EventStatus.FINISHED])
def test_it_refuses_rsvps_to_cancelled_or_finished_events_with_a_clear_message(
    client, make_event, status
):
    event = make_event(status=status)

    page = client.get(event.get_absolute_url()).content.decode()
    response = client.post(event.get_absolute_url(), rsvp_form())

    assert 'data-testid="rsvp-refused"' in page
    assert response.status_code == 409
    assert "no more RSVPs" in response.content.decode()
    assert not Rsvp.objects.exists()


def test_it_refuses_rsvps_to_past_events(client, make_event):
    starts_at = timezone.now() - timedelta(hours=5)
    event = make_event(starts_at=starts_at, ends_at=starts_at + timedelta(hours=1))

    response = client.post(event.get_absolute_url(), rsvp_form())

    assert response.status_code == 409
    assert "This event is over" in response.content.decode()


def test_bots_are_answered_like_people_and_nothing_is_kept(client, event):
    response = client.post(event.get_absolute_url(), rsvp_form(website="http://spam.example"))

    assert response.status_code == 302
    assert not Rsvp.objects.exists()
    assert mail.outbox == []


def test_it_refuses_a_name_with_markup(client, event):
    response = client.post(event.get_absolute_url(), rsvp_form(name="<b>Rosa</b>"))

    assert response.status_code == 400
    assert not Rsvp.objects.exists()


def test_it_limits_rsvps_per_network(client, event, settings):
    settings.RSVP_RATE_LIMIT_PER_MINUTE = 1
    client.post(event.get_absolute_url(), rsvp_form(email="one@example.org"))

    response = client.post(event.get_absolute_url(), rsvp_form(email="two@example.org"))

    assert response.status_code == 429
    assert Rsvp.objects.count() == 1


def test_cancelling_from_the_link_erases_the_rsvp(client, event, rsvped):
    rsvp = rsvped(event)
    cancel = f"/e/{event.slug}/cancel/{ticket_token(rsvp)}/"

    assert client.get(cancel).status_code == 200
    response = client.post(cancel)

    assert 'data-testid="rsvp-cancelled"' in response.content.decode()
    assert not Rsvp.objects.exists()
    assert client.post(cancel).status_code == 200  # twice is harmless
    assert client.get(f"/e/{event.slug}/ticket/{ticket_token(rsvp)}/").status_code == 404


def test_a_forged_or_foreign_link_is_refused(client, event, make_event, rsvped):
    rsvp = rsvped(event, confirm=False)
    other = make_event()

    assert client.get(f"/e/{event.slug}/confirm/forged/").status_code == 400
    assert client.get(f"/e/{other.slug}/confirm/{confirmation_token(rsvp)}/").status_code == 400
    assert client.get(f"/e/{event.slug}/ticket/{confirmation_token(rsvp)}/").status_code == 400


def test_the_calendar_files_carry_the_events_time_zone(client, make_event, rsvped):
    event = make_event(online_url="https://meet.example.org/room")
    rsvp = rsvped(event)

    public = client.get(f"/e/{event.slug}.ics")
    personal = client.get(f"/e/{event.slug}/ticket/{ticket_token(rsvp)}/calendar.ics")

    assert public["Content-Type"].startswith("text/calendar")
    text = public.content.decode()
    assert "BEGIN:VTIMEZONE" in text and "TZID:Europe/Madrid" in text
    assert "DTSTART;TZID=Europe/Madrid:" in text
    assert "meet.example.org" not in text
    assert "meet.example.org" in personal.content.decode().replace("\r\n ", "")


def test_the_event_page_links_to_google_and_outlook(client, event):
    page = client.get(event.get_absolute_url()).content.decode()

    assert "https://calendar.google.com/calendar/render?action=TEMPLATE" in page
    assert "ctz=Europe%2FMadrid" in page
    assert "https://outlook.live.com/calendar/0/action/compose?" in page
    assert "https://www.openstreetmap.org/search?query=" in page


def test_the_petition_page_lists_the_campaigns_events(client, event, campaign):
    page = client.get(campaign.get_absolute_url()).content.decode()
    data = client.get(f"/p/{campaign.slug}.json").json()

    assert event.get_absolute_url() in page
    assert data["events"][0]["slug"] == event.slug


def test_the_link_to_the_campaign_reads_in_the_organizers_translation(client, event, campaign):
    translate(campaign)

    page = client.get(event.get_absolute_url(), **SPANISH).content.decode()

    assert f'href="{campaign.get_absolute_url()}">Cancelen el contrato</a>' in page
    assert campaign.title not in page


def test_the_page_does_not_name_a_campaign_still_in_draft(client, host, make_event, make_campaign):
    from groundswell.campaigns.models import CampaignStatus

    draft = make_campaign(
        host, status=CampaignStatus.DRAFT, title="Secret plan", slug="secret-plan"
    )
    event = make_event(campaign=draft)

    page = client.get(event.get_absolute_url()).content.decode()

    assert "Secret plan" not in page
    assert draft.get_absolute_url() not in page


def test_when_the_event_is_full_the_button_says_the_person_will_wait(client, make_event, rsvped):
    event = make_event(capacity=1)
    before = client.get(event.get_absolute_url()).content.decode()
    rsvped(event)

    full = client.get(event.get_absolute_url()).content.decode()
    spanish = client.get(event.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="es").content.decode()

    assert '<button type="submit" class="primary wide">RSVP</button>' in before
    assert '<button type="submit" class="primary wide">Join the waitlist</button>' in full
    assert ">Apuntarse a la lista de espera</button>" in spanish


def test_the_public_pages_take_a_bounded_number_of_queries(
    client, event, rsvped, django_assert_max_num_queries
):
    for _ in range(5):
        rsvped(event)

    for url in (event.get_absolute_url(), f"/e/{event.slug}.json", f"/e/{event.slug}.ics"):
        with django_assert_max_num_queries(6):
            assert client.get(url).status_code == 200


def test_after_cancelling_the_page_leads_back_to_the_event(client, event, rsvped):
    rsvp = rsvped(event)
    cancel = f"/e/{event.slug}/cancel/{ticket_token(rsvp)}/"

    cancelled = client.post(cancel).content.decode()
    opened_again = client.get(cancel).content.decode()

    assert f'href="/e/{event.slug}/"' in cancelled
    assert f'href="/e/{event.slug}/"' in opened_again
