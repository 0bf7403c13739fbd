"""The thank-you after an event: an update to the people who came or had a place, and agreed to
hear from the organization that sends it (events.selectors.attendee_recipients)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from groundswell.accounts.models import Membership, Role
from groundswell.events.models import Rsvp
from groundswell.events.services.rsvps import rsvp_cancel, rsvp_check_in
from groundswell.updates.audiences import EVENT_ATTENDEES
from groundswell.updates.models import UpdateRecipient, UpdateStatus
from groundswell.updates.services import (
    UpdateError,
    update_draft_create,
    update_schedule,
    update_send_now,
)
from tests.events.conftest import make_event, rsvped, ticket_token  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_rate_limit(settings):
    settings.UPDATE_SEND_RATE = 0


def thank_you(event, owner):
    return update_draft_create(
        organization=event.organization,
        event=event,
        subject="Thank you for coming",
        body_markdown="We carried **300,000** signatures to the door.",
        audience=EVENT_ATTENDEES,
        created_by=owner,
    )


def test_the_thank_you_reaches_those_who_came_and_agreed_to_hear_from_us(
    make_event,  # noqa: F811
    rsvped,  # noqa: F811
    owner,
    run_on_commit,
):
    event = make_event()
    host = {event.organization_id}
    came = rsvped(event, email="came@example.org", consent_organization_ids=host)
    rsvp_check_in(event=event, rsvp_id=came.pk)
    placed = rsvped(event, email="placed@example.org", consent_organization_ids=host)
    rsvped(event, email="no-consent@example.org")
    rsvped(event, email="pending@example.org", confirm=False, consent_organization_ids=host)
    update = thank_you(event, owner)

    with run_on_commit():
        update_send_now(update=update, user=owner)

    update.refresh_from_db()
    assert update.status == UpdateStatus.SENT
    sent_to = sorted(message.to[0] for message in mail.outbox if message.subject == update.subject)
    assert sent_to == ["came@example.org", placed.email]


def test_an_update_is_about_one_thing_only(make_event, owner, campaign):  # noqa: F811
    with pytest.raises(UpdateError):
        update_draft_create(
            organization=campaign.organization,
            campaign=campaign,
            event=make_event(),
            subject="Both",
            body_markdown="Both.",
            audience=EVENT_ATTENDEES,
            created_by=owner,
        )


def test_cancelling_an_rsvp_deletes_its_place_in_any_update(make_event, rsvped, owner):  # noqa: F811
    event = make_event()
    rsvp = rsvped(
        event, email="leaving@example.org", consent_organization_ids={event.organization_id}
    )
    update = thank_you(event, owner)
    UpdateRecipient.objects.create(update=update, rsvp=rsvp)

    rsvp_cancel(token=ticket_token(rsvp), slug=event.slug)

    assert not Rsvp.objects.filter(pk=rsvp.pk).exists()
    assert not UpdateRecipient.objects.filter(update=update).exists()


def test_organizers_write_it_from_the_event(make_event, client, owner):  # noqa: F811
    event = make_event()
    client.force_login(owner)

    response = client.post(
        reverse("organizer:event_update_new", kwargs={"slug": event.slug}),
        {"subject": "Thank you", "body_markdown": "Thank you.", "audience": EVENT_ATTENDEES},
    )

    assert response.status_code == 302
    assert event.updates.get().audience == EVENT_ATTENDEES


def test_a_thank_you_scheduled_by_someone_since_removed_is_on_the_event_for_the_others_to_stop(
    make_event,  # noqa: F811
    rsvped,  # noqa: F811
    client,
    owner,
    host,
    make_user,
):
    """The organization, not the person, writes to the people who agreed to hear from it: a
    thank-you scheduled by an organizer removed since is the organization's to send or stop,
    so its other editors must find it where they find the event."""
    event = make_event()
    rsvped(event, consent_organization_ids={event.organization_id})
    organizer = make_user(host, role=Role.ORGANIZER)
    update = thank_you(event, organizer)
    update_schedule(update=update, at=timezone.now() + timedelta(days=1), user=organizer)
    Membership.objects.filter(user=organizer, organization=host).delete()
    client.force_login(owner)

    page = client.get(reverse("organizer:event", kwargs={"slug": event.slug})).content.decode()
    client.post(reverse("organizer:update_cancel", kwargs={"update_id": update.pk}))

    assert reverse("organizer:update", kwargs={"update_id": update.pk}) in page
    assert "Thank you for coming" in page
    update.refresh_from_db()
    assert update.status == UpdateStatus.CANCELLED
