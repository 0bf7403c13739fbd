"""An RSVP never confirmed is erased once its last confirmation link has expired (an hour past
`SIGNATURE_CONFIRMATION_MAX_AGE` after the last e-mail), with its consents and e-mails: the same
rule as unconfirmed signatures."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.db.models import F

from groundswell.core.models import OutboundEmail
from groundswell.events.models import Rsvp, RsvpConsent, RsvpStatus
from groundswell.events.services.rsvps import rsvp_confirm, rsvp_create
from groundswell.events.tasks import rsvps_unconfirmed_purge_task

pytestmark = pytest.mark.django_db


def age(rsvp, **delta) -> None:
    Rsvp.objects.filter(pk=rsvp.pk).update(
        created_at=F("created_at") - timedelta(**delta),
        notified_at=F("notified_at") - timedelta(**delta),
    )


def test_an_expired_pending_rsvp_goes_with_its_consents_and_emails(settings, event, rsvped):
    stale = rsvped(
        event,
        confirm=False,
        email="stale@example.org",
        consent_organization_ids={event.organization_id},
    )
    fresh = rsvped(event, confirm=False, email="fresh@example.org")
    confirmed = rsvped(event, email="confirmed@example.org")
    for rsvp in (stale, confirmed):
        age(rsvp, seconds=settings.SIGNATURE_CONFIRMATION_MAX_AGE, hours=2)
    assert OutboundEmail.objects.filter(rsvp=stale).exists()

    assert rsvps_unconfirmed_purge_task() == 1

    assert set(Rsvp.objects.values_list("pk", flat=True)) == {fresh.pk, confirmed.pk}
    assert not RsvpConsent.objects.filter(rsvp_id=stale.pk).exists()
    assert not OutboundEmail.objects.filter(to="stale@example.org").exists()
    assert rsvps_unconfirmed_purge_task() == 0  # idempotent


def test_the_link_must_have_expired_first(settings, event, rsvped):
    rsvp = rsvped(event, confirm=False)
    age(rsvp, seconds=settings.SIGNATURE_CONFIRMATION_MAX_AGE - 60)

    assert rsvps_unconfirmed_purge_task() == 0
    assert Rsvp.objects.filter(pk=rsvp.pk).exists()


def test_rsvping_again_gives_a_pending_rsvp_a_new_window(settings, event, rsvped, run_on_commit):
    """Her first link has expired, she RSVPs again from the event's page and gets a new one:
    the purge keeps her RSVP until that new link has expired, so the link works as long as
    the others do."""
    rsvp = rsvped(event, confirm=False, email="again@example.org")
    age(rsvp, seconds=settings.SIGNATURE_CONFIRMATION_MAX_AGE, hours=2)
    mail.outbox.clear()

    with run_on_commit():
        rsvp_create(event=event, name="Again", email="again@example.org")
    rsvps_unconfirmed_purge_task()

    assert Rsvp.objects.filter(pk=rsvp.pk, status=RsvpStatus.PENDING).exists()
    token = re.search(r"/confirm/([^/\s]+)/", mail.outbox[-1].body).group(1)
    assert rsvp_confirm(token=token, slug=event.slug).status == RsvpStatus.CONFIRMED
