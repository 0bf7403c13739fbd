"""At the door: ticking people in by name or code (typed or scanned), walk-ins with consent,
live counts; a code of another event is refused."""

import pytest

from groundswell.events.models import Rsvp, RsvpConsent
from groundswell.events.views import checkin_qr_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def door(client, owner, event):
    client.force_login(owner)
    return f"/organizer/events/{event.slug}/checkin/"


def test_searching_by_name_and_ticking_in(client, door, event, rsvped):
    ada = rsvped(event, name="Ada Lovelace")
    rsvped(event, name="Grace Hopper")

    page = client.get(door, {"q": "love"}).content.decode()
    assert "Ada Lovelace" in page and "Grace Hopper" not in page

    response = client.post(door, {"rsvp": str(ada.pk)}, follow=True)

    ada.refresh_from_db()
    assert ada.checked_in_at is not None
    assert "Ada Lovelace is checked in" in response.content.decode()


def test_a_scanned_code_checks_in_once(client, door, event, rsvped):
    rsvp = rsvped(event)
    scanned = checkin_qr_text(Rsvp.objects.select_related("event").get(pk=rsvp.pk))

    first = client.post(door, {"code": scanned}, headers={"Accept": "application/json"})
    again = client.post(door, {"code": scanned}, headers={"Accept": "application/json"})

    assert first.json()["ok"] is True
    assert "already checked in" in again.json()["message"]


def test_a_typed_code_works_too(client, door, event, rsvped):
    rsvp = rsvped(event)

    client.post(door, {"code": f" {rsvp.checkin_code.lower()} "})

    rsvp.refresh_from_db()
    assert rsvp.checked_in_at is not None


def test_a_code_of_another_event_is_refused_with_a_clear_message(
    client, door, event, make_event, rsvped
):
    elsewhere = rsvped(make_event())
    scanned = checkin_qr_text(Rsvp.objects.select_related("event").get(pk=elsewhere.pk))

    as_scanned = client.post(door, {"code": scanned}, headers={"Accept": "application/json"})
    as_typed = client.post(
        door, {"code": elsewhere.checkin_code}, headers={"Accept": "application/json"}
    )

    assert as_scanned.status_code == as_typed.status_code == 409
    assert "another event" in as_scanned.json()["message"]
    assert "another event" in as_typed.json()["message"]
    elsewhere.refresh_from_db()
    assert elsewhere.checked_in_at is None


def test_someone_on_the_waitlist_is_not_let_in_by_their_code(
    client, door, make_event, rsvped, owner
):
    event = make_event(capacity=1)
    rsvped(event)
    waiting = rsvped(event)

    response = client.post(
        f"/organizer/events/{event.slug}/checkin/",
        {"code": waiting.checkin_code},
        headers={"Accept": "application/json"},
    )

    assert response.status_code == 409
    assert "no confirmed place" in response.json()["message"]


def test_a_walk_in_is_added_checked_in_with_consent(client, door, event):
    response = client.post(
        f"/organizer/events/{event.slug}/checkin/walk-in/",
        {
            "name": "Walk In",
            "email": "walkin@example.org",
            f"consent_{event.organization_id}": "on",
        },
    )

    assert response.status_code == 302
    walk_in = Rsvp.objects.get(walk_in=True)
    assert walk_in.checked_in_at is not None
    assert RsvpConsent.objects.get(rsvp=walk_in).confirmed_at is not None


def test_consent_without_an_address_is_refused(client, door, event):
    client.post(
        f"/organizer/events/{event.slug}/checkin/walk-in/",
        {"name": "Walk In", f"consent_{event.organization_id}": "on"},
    )

    assert not Rsvp.objects.exists()


def test_the_counts_are_live(client, door, event, rsvped):
    rsvp = rsvped(event, guests=2)
    rsvped(event)
    client.post(door, {"rsvp": str(rsvp.pk)})
    client.post(f"/organizer/events/{event.slug}/checkin/walk-in/", {"name": "Walk In"})

    counts = client.get(f"{door}counts.json").json()

    assert counts == {
        "rsvps": 2, "places": 4, "checked_in": 2, "walk_ins": 1, "waitlisted": 0, "warning": ""
    }  # fmt: skip


def test_viewers_cannot_run_the_door(client, viewer, event):
    client.force_login(viewer)

    assert client.get(f"/organizer/events/{event.slug}/checkin/").status_code == 403


def test_the_qr_code_is_a_png_of_the_event_and_code(client, event, rsvped):
    from tests.events.conftest import ticket_token

    rsvp = rsvped(event)

    response = client.get(f"/e/{event.slug}/ticket/{ticket_token(rsvp)}/qr.png")

    assert response["Content-Type"] == "image/png"
    assert response.content.startswith(b"\x89PNG")
