"""The wiring between apps, made visible: every subscriber of every domain event, with its phase.

A change to who reacts to a signature (or a letter's signatory) shows up here in review. Add a
line to SUBSCRIBERS when an app subscribes, in the order its app comes in INSTALLED_APPS.
"""

import pytest
from django.apps import apps
from django.db import transaction

from groundswell.campaigns import events as campaign_events
from groundswell.core.domain_events import (
    DomainEvent,
    DomainEventError,
    Phase,
    Subscription,
    subscriptions,
)
from groundswell.delivery import events as delivery_events
from groundswell.events import domain as event_domain
from groundswell.letters import events as letter_events
from groundswell.signatures import events as signature_events
from groundswell.signatures.models import WITHDRAWAL_REASONS
from groundswell.transparency.commitments import TOMBSTONE_REASONS
from groundswell.transparency.models import TombstoneReason

IN, AFTER = Phase.IN_TRANSACTION, Phase.AFTER_COMMIT

SUBSCRIBERS = [
    Subscription(
        "signature_confirmed",
        AFTER,
        "groundswell.transparency.subscribers.log_extension_after_confirmation",
    ),
    # Webhooks (the api app): queued after commit, each payload built for its receiver.
    Subscription(
        "signature_confirmed", AFTER, "groundswell.api.webhook_events.signature_confirmed_webhooks"
    ),
    # The log's head is locked before the delivery app looks up the leaf, and both before the
    # signature row: the order appends lock them in.
    Subscription(
        "signature_erasing", IN, "groundswell.transparency.subscribers.tombstone_before_erasure"
    ),
    Subscription(
        "signature_erasing", IN, "groundswell.delivery.subscribers.packages_discard_before_erasure"
    ),
    Subscription(
        "signature_withdrawn", AFTER, "groundswell.api.webhook_events.signature_withdrawn_webhooks"
    ),
    Subscription(
        "target_responded", AFTER, "groundswell.api.webhook_events.target_responded_webhooks"
    ),
    Subscription("rsvp_created", AFTER, "groundswell.api.webhook_events.rsvp_created_webhooks"),
    Subscription(
        "delivery_recorded", AFTER, "groundswell.api.webhook_events.delivery_recorded_webhooks"
    ),
]

EVENTS = {
    "signature_confirmed",
    "signature_erasing",
    "signature_withdrawn",
    "signature_invalidated",
    "delivery_recorded",
    "signatory_confirmed",
    "signatory_withdrawn",
    "signatory_rejected",
    "target_responded",
    "rsvp_created",
    "event_finished",
}


@pytest.fixture(autouse=True)
def _test_events_forgotten(monkeypatch):
    """Events made by these tests do not join the application's."""
    monkeypatch.setattr(DomainEvent, "_declared", list(DomainEvent._declared))


def _by_event(listed: list[Subscription]) -> dict[str, list[Subscription]]:
    """Each event's subscriptions in the order they run; the order in which the events
    themselves were declared (their modules' import order) means nothing."""
    by_event: dict[str, list[Subscription]] = {}
    for subscription in listed:
        by_event.setdefault(subscription.event, []).append(subscription)
    return by_event


def test_every_subscriber_of_every_event_is_listed():
    assert _by_event(subscriptions()) == _by_event(SUBSCRIBERS)


def test_the_owning_apps_declare_their_events():
    declared = {
        event.name
        for module in (
            signature_events,
            letter_events,
            campaign_events,
            event_domain,
            delivery_events,
        )
        for event in vars(module).values()
        if isinstance(event, DomainEvent)
    }
    assert declared == EVENTS


def test_withdrawal_reasons_are_the_logs_tombstone_reasons():
    assert WITHDRAWAL_REASONS == TOMBSTONE_REASONS == set(TombstoneReason.values)


def test_subscribing_outside_an_app_config_ready_is_refused():
    event = DomainEvent[int]("test_event")

    with pytest.raises(DomainEventError, match=r"AppConfig\.ready"):
        event.subscribe(print, phase=AFTER)


def test_subscribing_twice_is_refused(monkeypatch):
    event = DomainEvent[int]("test_event")
    monkeypatch.setattr(apps, "ready", False)  # as while AppConfig.ready() methods run
    event.subscribe(print, phase=IN)

    with pytest.raises(DomainEventError, match="already subscribes"):
        event.subscribe(print, phase=AFTER)


def test_publishing_before_the_apps_are_ready_is_refused(monkeypatch):
    event = DomainEvent[int]("test_event")
    monkeypatch.setattr(apps, "ready", False)

    with pytest.raises(DomainEventError, match="before the apps were ready"):
        event.publish(1)


@pytest.mark.django_db
def test_in_transaction_handlers_run_at_once_and_after_commit_ones_on_commit(
    monkeypatch, django_capture_on_commit_callbacks
):
    event = DomainEvent[int]("test_event")
    seen = []
    monkeypatch.setattr(apps, "ready", False)
    event.subscribe(lambda payload: seen.append(("in", payload)), phase=IN)
    event.subscribe(lambda payload: seen.append(("after", payload)), phase=AFTER)
    monkeypatch.setattr(apps, "ready", True)

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        event.publish(7)
        assert seen == [("in", 7)]

    assert seen == [("in", 7), ("after", 7)]
