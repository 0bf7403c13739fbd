"""Factories for events: an event of the standing campaign, and RSVPs taken and confirmed
through the services as a person would."""

import itertools
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from groundswell.accounts.models import Organization
from groundswell.campaigns.models import Campaign
from groundswell.events.links import RSVP_CONFIRMATION_LINK, RSVP_TICKET_LINK
from groundswell.events.models import Event, EventStatus, Rsvp
from groundswell.events.services.events import event_create
from groundswell.events.services.rsvps import rsvp_confirm, rsvp_create
from tests.conftest import form_opened

_sequence = itertools.count(1)


@pytest.fixture
def make_event(db: None, host: Organization, campaign: Campaign) -> Callable[..., Event]:
    def make(
        status: str = EventStatus.PUBLISHED,
        co_hosts: list[Organization] | None = None,
        **fields: Any,
    ) -> Event:
        number = next(_sequence)
        starts_at = timezone.now() + timedelta(days=7)
        data: dict[str, Any] = {
            "slug": f"rally-{number}",
            "kind": "rally",
            "title": f"Rally {number}",
            "description_markdown": "Bring **banners**.",
            "starts_at": starts_at,
            "ends_at": starts_at + timedelta(hours=2),
            "time_zone": "Europe/Madrid",
            "place_name": "Plaza Mayor",
            "place_address": "Plaza Mayor 1, Madrid",
            "online_url": "",
            "capacity": 30,
            "campaign": campaign,
        }
        data.update(fields)
        organization = fields.pop("organization", host)
        data.pop("organization", None)
        event = event_create(organization=organization, data=data, co_hosts=co_hosts or [])
        Event.objects.filter(pk=event.pk).update(status=status)
        event.refresh_from_db()
        return event

    return make


@pytest.fixture
def event(make_event: Callable[..., Event]) -> Event:
    return make_event(slug="delivery-rally", title="Delivery rally")


def confirmation_token(rsvp: Rsvp) -> str:
    return RSVP_CONFIRMATION_LINK.make(rsvp.public_id)


def ticket_token(rsvp: Rsvp) -> str:
    return RSVP_TICKET_LINK.make(rsvp.public_id)


@pytest.fixture
def rsvped(run_on_commit: Callable[[], Any]) -> Callable[..., Rsvp]:
    """RSVP (and by default confirm) through the services."""

    def make(event: Event, confirm: bool = True, **fields: Any) -> Rsvp:
        number = next(_sequence)
        values: dict[str, Any] = {"name": f"Person {number}", "email": f"p{number}@example.org"}
        values.update(fields)
        with run_on_commit():
            rsvp = rsvp_create(event=event, **values)
            if confirm:
                rsvp = rsvp_confirm(token=confirmation_token(rsvp), slug=event.slug)
        return rsvp

    return make


def rsvp_form(**overrides: Any) -> dict[str, Any]:
    return {
        "name": "Rosa Parks",
        "email": "rosa@example.org",
        "phone": "",
        "guests": "0",
        **form_opened("event"),
        **overrides,
    }
