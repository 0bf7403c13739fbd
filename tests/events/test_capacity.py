"""Places, the waitlist and its promotion, and the same under concurrent requests."""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection, connections
from django.db.models import F
from django.utils import timezone

from groundswell.core.models import OutboundEmail
from groundswell.events.models import Rsvp, RsvpConsent, RsvpStatus
from groundswell.events.services.rsvps import (
    RsvpError,
    rsvp_cancel,
    rsvp_cancel_by_organizers,
    rsvp_confirm,
    rsvp_create,
    rsvp_walk_in_add,
    rsvps_unconfirmed_purge,
)
from tests.events.conftest import confirmation_token, ticket_token

pytestmark = pytest.mark.django_db


def test_an_rsvp_takes_no_place_until_confirmed_from_the_inbox(event, rsvped):
    rsvp = rsvped(event, confirm=False)

    event.refresh_from_db()
    assert rsvp.status == RsvpStatus.PENDING
    assert event.places_taken == 0
    assert "/confirm/" in mail.outbox[-1].body


def test_guests_count_against_capacity(make_event, rsvped):
    event = make_event(capacity=3)

    first = rsvped(event, guests=2)
    second = rsvped(event, guests=1)

    event.refresh_from_db()
    assert first.status == RsvpStatus.CONFIRMED
    assert second.status == RsvpStatus.WAITLISTED
    assert event.places_taken == 3


def test_beyond_capacity_people_wait_in_the_order_they_confirmed(make_event, rsvped):
    event = make_event(capacity=1)
    rsvped(event)

    waiting = [rsvped(event) for _ in range(3)]

    assert [rsvp.waitlist_position for rsvp in waiting] == [1, 2, 3]
    assert any("waitlist, number 1" in message.body for message in mail.outbox)


def test_cancelling_erases_the_rsvp_and_moves_the_first_waiting_person_up(
    make_event, rsvped, run_on_commit
):
    event = make_event(capacity=1)
    coming = rsvped(
        event, email="coming@example.org", consent_organization_ids={event.organization_id}
    )
    waiting = [rsvped(event) for _ in range(2)]
    mail.outbox.clear()

    with run_on_commit():
        rsvp_cancel(token=ticket_token(coming), slug=event.slug)

    assert not Rsvp.objects.filter(pk=coming.pk).exists()
    assert not RsvpConsent.objects.filter(rsvp_id=coming.pk).exists()
    assert not OutboundEmail.objects.filter(to="coming@example.org").exists()
    statuses = [Rsvp.objects.get(pk=rsvp.pk).status for rsvp in waiting]
    assert statuses == [RsvpStatus.CONFIRMED, RsvpStatus.WAITLISTED]
    assert [message.to for message in mail.outbox] == [[waiting[0].email]]
    assert "A place opened up" in mail.outbox[0].subject
    event.refresh_from_db()
    assert event.places_taken == 1


def test_a_party_too_large_for_the_places_freed_lets_a_smaller_one_behind_it_move_up(
    make_event, rsvped, run_on_commit
):
    event = make_event(capacity=2)
    leaving = rsvped(event)
    rsvped(event)
    large = rsvped(event, guests=2)
    small = rsvped(event)

    with run_on_commit():
        rsvp_cancel(token=ticket_token(leaving), slug=event.slug)

    assert Rsvp.objects.get(pk=large.pk).status == RsvpStatus.WAITLISTED
    assert Rsvp.objects.get(pk=small.pk).status == RsvpStatus.CONFIRMED


def test_confirming_twice_changes_nothing(event, rsvped):
    rsvp = rsvped(event)

    again = rsvp_confirm(token=confirmation_token(rsvp), slug=event.slug)

    event.refresh_from_db()
    assert again.status == RsvpStatus.CONFIRMED
    assert event.places_taken == 1


def test_a_repeat_rsvp_with_the_same_address_changes_nothing(event, rsvped):
    first = rsvped(event, email="Jane.Doe@gmail.com", guests=0)

    again = rsvp_create(
        event=event, name="Someone else", email="janedoe+x@googlemail.com", guests=5
    )

    assert again.pk == first.pk
    assert Rsvp.objects.get(pk=first.pk).guests == 0


@pytest.mark.parametrize(
    ("status", "message"),
    [("cancelled", "cancelled"), ("finished", "over"), ("draft", "not open")],
)
def test_it_refuses_rsvps_to_events_that_do_not_take_them(make_event, status, message):
    event = make_event(status=status)

    with pytest.raises(RsvpError, match=message):
        rsvp_create(event=event, name="Ada", email="ada@example.org")
    assert not Rsvp.objects.exists()


def test_it_refuses_rsvps_to_past_events(make_event):
    from datetime import timedelta

    from django.utils import timezone

    starts_at = timezone.now() - timedelta(days=1)
    event = make_event(starts_at=starts_at, ends_at=starts_at + timedelta(hours=1))

    with pytest.raises(RsvpError, match="over"):
        rsvp_create(event=event, name="Ada", email="ada@example.org")


def test_an_rsvp_is_linked_to_the_signature_of_the_same_person(event, rsvped, signed):
    signature = signed(email="ada.lovelace@gmail.com")

    rsvp = rsvped(event, email="adalovelace+rally@gmail.com")

    assert rsvp.signature_id == signature.pk


def test_consents_are_confirmed_with_the_rsvp(event, rsvped):
    rsvp = rsvped(event, consent_organization_ids={event.organization_id})

    consent = RsvpConsent.objects.get(rsvp=rsvp)
    assert consent.organization_id == event.organization_id
    assert consent.confirmed_at is not None


@pytest.mark.django_db(transaction=True)
def test_parallel_rsvps_never_overbook_and_wait_in_arrival_order(make_event, settings):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, there is no race to lose")
    settings.CELERY_TASK_ALWAYS_EAGER = False  # no mail sending in the threads
    event = make_event(capacity=30)
    pending = [
        rsvp_create(event=event, name=f"Person {n}", email=f"p{n}@example.org") for n in range(60)
    ]
    barrier = threading.Barrier(len(pending))
    errors: list[BaseException] = []

    def confirm(rsvp: Rsvp) -> None:
        try:
            barrier.wait()
            rsvp_confirm(token=confirmation_token(rsvp), slug=event.slug)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=confirm, args=(rsvp,)) for rsvp in pending]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    event.refresh_from_db()
    confirmed = Rsvp.objects.filter(event=event, status=RsvpStatus.CONFIRMED)
    waiting = list(
        Rsvp.objects.filter(event=event, status=RsvpStatus.WAITLISTED).order_by("confirmed_at")
    )
    assert confirmed.count() == 30 == event.places_taken
    assert [rsvp.waitlist_position for rsvp in waiting] == list(range(1, 31))
    assert max(r.confirmed_at for r in confirmed) <= waiting[0].confirmed_at


def test_erasing_the_signature_keeps_the_rsvp_without_the_link(event, rsvped, signed):
    from groundswell.signatures.services import signature_withdraw

    signature = signed(email="ada@example.org")
    rsvp = rsvped(event, email="ada@example.org")

    signature_withdraw(signature=signature, reason="erased")

    rsvp.refresh_from_db()
    assert rsvp.signature_id is None


def test_nothing_of_a_cancelled_rsvp_is_left_anywhere(event, rsvped, run_on_commit):
    from tests.traces import traces_of

    rsvp = rsvped(
        event,
        name="Zebulon Quetzal",
        email="zebulon.quetzal@example.org",
        phone="+34 600 111 222",
        consent_organization_ids={event.organization_id},
    )
    assert traces_of("Zebulon", "zebulon.quetzal", "600 111 222")

    with run_on_commit():
        rsvp_cancel(token=ticket_token(rsvp), slug=event.slug)

    assert traces_of("Zebulon", "zebulon.quetzal", "600 111 222", rsvp.public_id) == []


def test_organizers_cancelling_an_rsvp_keep_it_listed_and_move_the_waitlist_up(
    make_event, rsvped, run_on_commit
):
    from groundswell.events.services.rsvps import rsvp_cancel_by_organizers

    event = make_event(capacity=1)
    coming = rsvped(event, email="coming@example.org")
    waiting = rsvped(event)
    mail.outbox.clear()

    with run_on_commit():
        rsvp_cancel_by_organizers(event=event, rsvp_id=coming.pk)

    assert Rsvp.objects.get(pk=coming.pk).status == RsvpStatus.CANCELLED
    assert Rsvp.objects.get(pk=waiting.pk).status == RsvpStatus.CONFIRMED
    assert sorted(message.subject.split(":")[0] for message in mail.outbox) == [
        "A place opened up for you",
        "Your RSVP was cancelled",
    ]
    event.refresh_from_db()
    assert event.places_taken == 1


def test_someone_cancelled_by_the_organizers_can_rsvp_again(make_event, rsvped, run_on_commit):
    from groundswell.events.services.rsvps import rsvp_cancel_by_organizers

    event = make_event()
    rsvp = rsvped(event, email="back@example.org")
    with run_on_commit():
        rsvp_cancel_by_organizers(event=event, rsvp_id=rsvp.pk)

    again = rsvped(event, email="back@example.org")

    assert again.pk == rsvp.pk
    assert again.status == RsvpStatus.CONFIRMED


def test_a_stranger_typing_the_address_of_someone_cancelled_changes_nothing_of_it(
    make_event, rsvped, run_on_commit
):
    """The organizers' cancellation stands, and the person's record with it, until the owner of
    the address presses the button behind the link e-mailed there: a stranger's submission made
    it pending, for the purge of unconfirmed RSVPs to erase (a month old, it went at once)."""
    event = make_event()
    rsvp = rsvped(event, email="back@example.org", consent_organization_ids={event.organization_id})
    with run_on_commit():
        rsvp_cancel_by_organizers(event=event, rsvp_id=rsvp.pk)
    month = timedelta(days=30)
    Rsvp.objects.update(created_at=F("created_at") - month, notified_at=F("notified_at") - month)
    before = Rsvp.objects.values().get()

    with run_on_commit():
        rsvp_create(event=event, name="Mallory", email="BACK+x@example.org", guests=3)
    rsvps_unconfirmed_purge(now=timezone.now() + timedelta(days=15))  # past the new link

    after = Rsvp.objects.values().get()
    assert {k: v for k, v in after.items() if k != "notified_at"} == {
        k: v for k, v in before.items() if k != "notified_at"
    }
    assert RsvpConsent.objects.get().confirmed_at is not None
    assert mail.outbox[-1].to == ["back@example.org"]
    assert "/confirm/" in mail.outbox[-1].body
    assert "stays cancelled" in mail.outbox[-1].body
    assert "we will delete your details" not in mail.outbox[-1].body


def test_the_owner_of_a_cancelled_address_rsvps_again_from_the_emailed_link(
    client, make_event, rsvped, run_on_commit
):
    event = make_event()
    rsvp = rsvped(event, email="back@example.org")
    with run_on_commit():
        rsvp_cancel_by_organizers(event=event, rsvp_id=rsvp.pk)
    Rsvp.objects.update(notified_at=F("notified_at") - timedelta(minutes=11))
    with run_on_commit():
        rsvp_create(event=event, name="Back Again", email="back@example.org")
    link = next(
        line for line in mail.outbox[-1].body.splitlines() if "/confirm/" in line
    ).removeprefix("https://sign.example.org")

    assert "Confirm my RSVP" in client.get(link).content.decode()
    with run_on_commit():
        client.post(link)

    rsvp.refresh_from_db()
    assert rsvp.status == RsvpStatus.CONFIRMED
    event.refresh_from_db()
    assert event.places_taken == 1


def test_walk_ins_fill_places(client, owner, make_event, rsvped):
    event = make_event(capacity=3)
    rsvped(event)
    client.force_login(owner)

    client.post(f"/organizer/events/{event.slug}/checkin/walk-in/", {"name": "Walk In"})

    event.refresh_from_db()
    assert (event.places_taken, event.walk_in_places, event.places_left) == (1, 1, 1)
    assert "2 of 3 taken" in client.get(event.get_absolute_url()).content.decode()
    data = client.get(f"/e/{event.slug}.json").json()
    assert (data["capacity"], data["rsvp_count"], data["walk_in_count"]) == (3, 1, 1)


def test_an_rsvp_confirmed_after_walk_ins_filled_the_room_waits(make_event, rsvped):
    event = make_event(capacity=2)
    pending = rsvped(event, confirm=False)
    rsvp_walk_in_add(event=event, name="First In")
    rsvp_walk_in_add(event=event, name="Second In")

    rsvp = rsvp_confirm(token=confirmation_token(pending), slug=event.slug)

    assert (rsvp.status, rsvp.waitlist_position) == (RsvpStatus.WAITLISTED, 1)
    event.refresh_from_db()
    assert (event.places_taken, event.walk_in_places, event.places_left) == (0, 2, 0)


def test_the_door_still_adds_walk_ins_to_a_full_event_and_warns(client, owner, make_event, rsvped):
    event = make_event(capacity=1)
    rsvped(event)
    client.force_login(owner)
    door = f"/organizer/events/{event.slug}/checkin/"

    assert "checkin-full" in client.get(door).content.decode()
    response = client.post(f"{door}walk-in/", {"name": "Walk In"}, follow=True)

    assert Rsvp.objects.filter(walk_in=True, checked_in_at__isnull=False).count() == 1
    page = response.content.decode()
    assert "Over capacity by 1 place." in page
    assert "2 of 1 places filled: 1 by RSVPs, 1 by walk-ins." in page


def test_the_polled_counts_carry_the_warning_as_the_page_shows_it(
    client, owner, make_event, rsvped
):
    event = make_event(capacity=2)
    client.force_login(owner)
    door = f"/organizer/events/{event.slug}/checkin/"
    rsvped(event)

    assert client.get(f"{door}counts.json").json()["warning"] == ""
    client.post(f"{door}walk-in/", {"name": "First In"})
    full = client.get(f"{door}counts.json").json()["warning"]
    client.post(f"{door}walk-in/", {"name": "Second In"})
    over = client.get(f"{door}counts.json").json()["warning"]

    assert "The event is full." in full and "2 of 2 places filled" in full
    assert "Over capacity by 1 place." in over and "3 of 2 places filled" in over
    assert 'data-testid="checkin-full"' in over


def test_a_walk_in_cancelled_by_the_organizers_gives_their_place_to_the_waitlist(
    make_event, rsvped, run_on_commit
):
    event = make_event(capacity=1)
    walk_in = rsvp_walk_in_add(event=event, name="Walk In").rsvp
    waiting = rsvped(event)

    with run_on_commit():
        rsvp_cancel_by_organizers(event=event, rsvp_id=walk_in.pk)

    waiting.refresh_from_db()
    assert waiting.status == RsvpStatus.CONFIRMED
    event.refresh_from_db()
    assert (event.places_taken, event.walk_in_places) == (1, 0)


def test_a_walk_in_whose_address_waits_on_the_list_is_told_so_not_added(
    client, owner, make_event, rsvped
):
    event = make_event(capacity=1)
    rsvped(event)
    waiting = rsvped(event, email="waiting@example.org")
    client.force_login(owner)

    response = client.post(
        f"/organizer/events/{event.slug}/checkin/walk-in/",
        {"name": "Waiting", "email": "waiting@example.org"},
        follow=True,
    )

    assert "has no confirmed place" in response.content.decode()
    assert not Rsvp.objects.filter(walk_in=True).exists()
    waiting.refresh_from_db()
    assert waiting.checked_in_at is None


def test_a_cancelled_walk_in_who_rsvps_again_takes_an_rsvps_place(
    make_event, rsvped, run_on_commit
):
    event = make_event(capacity=5)
    walk_in = rsvp_walk_in_add(event=event, name="Walk In", email="walkin@example.org").rsvp
    with run_on_commit():
        rsvp_cancel_by_organizers(event=event, rsvp_id=walk_in.pk)

    again = rsvped(event, name="Walk In", email="walkin@example.org")
    event.refresh_from_db()
    assert (again.pk, again.status, again.walk_in) == (walk_in.pk, RsvpStatus.CONFIRMED, False)
    assert (event.places_taken, event.walk_in_places) == (1, 0)

    with run_on_commit():
        rsvp_cancel(token=ticket_token(again), slug=event.slug)
    event.refresh_from_db()
    assert (event.places_taken, event.walk_in_places) == (0, 0)


def test_a_spanish_rsvp_is_addressed_as_usted_in_every_subject(make_event, rsvped, run_on_commit):
    event = make_event(capacity=1, title="Marcha")
    coming = rsvped(event, email="coming@example.org", language="es")
    rsvped(event, email="waiting@example.org", language="es")
    with run_on_commit():
        rsvp_cancel(token=ticket_token(coming), slug=event.slug)

    subjects = list(
        OutboundEmail.objects.filter(to="waiting@example.org")
        .order_by("pk")
        .values_list("subject", flat=True)
    )

    assert subjects == [
        "Confirme su asistencia: Marcha",
        "Está en la lista de espera: Marcha",
        "Se ha liberado una plaza para usted: Marcha",
    ]
    assert "Asistencia confirmada: Marcha" in {message.subject for message in mail.outbox}
