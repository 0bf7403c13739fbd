"""With a broker, the public count still moves during a spike: confirming requests publish it,
once per COUNTS_PUBLISH_SECONDS for the whole installation, whatever the worker's queue holds."""

import logging

import pytest
from django.core.cache import cache

from groundswell.signatures import tallies

pytestmark = pytest.mark.django_db


@pytest.fixture
def with_a_broker(settings, monkeypatch):
    settings.CELERY_TASK_ALWAYS_EAGER = False  # the scheduler's task never runs in these tests
    settings.COUNTS_PUBLISH_SECONDS = 2
    cache.clear()
    clock = [1000.0]
    monkeypatch.setattr(tallies, "_asked_at", {})
    monkeypatch.setattr(tallies.time, "monotonic", lambda: clock[0])
    return clock


def published(campaign) -> int:
    campaign.refresh_from_db()
    return campaign.signature_count


def test_the_first_confirmation_publishes_the_count(with_a_broker, campaign, signed):
    signed(confirm=True, email="a@example.org")

    assert published(campaign) == 1


def test_confirmations_within_the_interval_wait_for_the_next_publication(
    with_a_broker, campaign, signed
):
    clock = with_a_broker
    signed(confirm=True, email="a@example.org")
    signed(confirm=True, email="b@example.org")
    signed(confirm=True, email="c@example.org")

    assert published(campaign) == 1

    clock[0] += 2.5
    cache.clear()  # the shared key expires after COUNTS_PUBLISH_SECONDS
    signed(confirm=True, email="d@example.org")

    assert published(campaign) == 4


def test_another_process_that_just_published_stops_this_one(with_a_broker, campaign, signed):
    cache.add(f"counts-published:{campaign.pk}", 1, timeout=2)

    signed(confirm=True, email="a@example.org")

    assert published(campaign) == 0


def test_a_cache_outage_loses_no_confirmation(with_a_broker, campaign, signed, monkeypatch, caplog):
    def cache_down(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(tallies.cache, "add", cache_down)

    with caplog.at_level(logging.WARNING, logger="groundswell.signatures.tallies"):
        signature = signed(confirm=True, email="a@example.org")

    assert signature.confirmed_at is not None
    assert published(campaign) == 0
    assert "not published now" in caplog.text
    assert "a@example.org" not in caplog.text


def test_a_busy_worker_publishes_between_its_tasks_at_most_once_per_interval(
    with_a_broker, campaign, signed, monkeypatch
):
    from celery.signals import task_postrun

    from groundswell.signatures.tasks import publish_counts_after_every_task

    clock = with_a_broker
    cache.add(f"counts-published:{campaign.pk}", 1, timeout=2)  # requests publish nothing here
    signed(confirm=True, email="a@example.org")
    assert published(campaign) == 0

    task_postrun.send(sender=None, task_id="t1", task=None)
    assert published(campaign) == 1

    signed(confirm=True, email="b@example.org")
    task_postrun.send(sender=None, task_id="t2", task=None)
    assert published(campaign) == 1  # within the interval

    clock[0] += 2.5
    cache.clear()
    task_postrun.send(sender=None, task_id="t3", task=None)
    assert published(campaign) == 2
    assert publish_counts_after_every_task in [ref() for _key, ref in task_postrun.receivers]


def test_a_worker_in_a_long_drain_publishes_between_its_batches(
    with_a_broker, campaign, signed, monkeypatch
):
    """The last confirmations of a spike have no later request to publish them, and the worker
    may be in the middle of a drain of many batches: it publishes between them."""
    from groundswell.core.outbox import outbox_drain

    cache.add(f"counts-published:{campaign.pk}", 1, timeout=2)  # requests publish nothing here
    signed(confirm=False, email="a@example.org")
    signed(confirm=False, email="b@example.org")
    signed(confirm=True, email="c@example.org")
    assert published(campaign) == 0

    # Three e-mails unsent (two confirmations, one receipt or more), two to a batch.
    outbox_drain(batch_size=2)

    assert published(campaign) == 1
