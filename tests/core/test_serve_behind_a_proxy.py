"""The signing rate limit through a real `groundswell serve`, as nginx on the same host would
reach it: every request comes from 127.0.0.1 with the client in X-Forwarded-For."""

import time

import pytest
from django.urls import reverse

from tests.conftest import sign_data
from tests.served import groundswell_serve

pytestmark = [pytest.mark.server, pytest.mark.django_db(transaction=True)]


def sign_as(served, campaign, client, number):
    """POST a signature as nginx would pass on one from `client`; the status code."""
    path = reverse("signatures:sign", kwargs={"slug": campaign.slug})
    data = sign_data(email=f"signer{number}@example.org")
    return served.request("POST", path, form=data, headers={"X-Forwarded-For": client}).status


def within_one_window(attempt):
    """Run `attempt(try_number)` until it runs inside one rate-limit minute (the limit's
    window). Each try uses its own client addresses: a try cut by a minute boundary has
    already used the next minute's buckets of its own."""
    for try_number in range(3):
        started = int(time.time()) // 60
        outcome = attempt(try_number)
        if int(time.time()) // 60 == started:
            return outcome
    raise AssertionError("three minute boundaries in a row")


def test_without_trusted_proxies_every_client_behind_the_proxy_shares_one_limit(campaign, tmp_path):
    with groundswell_serve(tmp_path, SIGNING_RATE_LIMIT_PER_MINUTE="1") as served:
        counter = iter(range(100))

        def two_clients(try_number):
            first = sign_as(served, campaign, f"198.51.10{try_number}.1", next(counter))
            second = sign_as(served, campaign, f"198.51.10{try_number}.2", next(counter))
            return first, second

        first, second = within_one_window(two_clients)

    assert first == 302
    assert second == 429


def test_behind_a_trusted_proxy_each_client_has_its_own_limit_and_cannot_spoof_another(
    campaign, tmp_path
):
    environment = {"SIGNING_RATE_LIMIT_PER_MINUTE": "1", "TRUSTED_PROXIES": "127.0.0.1,::1"}
    with groundswell_serve(tmp_path, **environment) as served:
        counter = iter(range(100))

        def clients_and_a_spoofer(try_number):
            one, two = f"198.51.10{try_number}.1", f"198.51.10{try_number}.2"
            return [
                sign_as(served, campaign, one, next(counter)),
                sign_as(served, campaign, two, next(counter)),
                # The first client again, claiming to be someone else by writing the header
                # itself; nginx appends the address it really came from.
                sign_as(served, campaign, f"203.0.113.50, {one}", next(counter)),
                sign_as(served, campaign, two, next(counter)),
            ]

        outcomes = within_one_window(clients_and_a_spoofer)

    assert outcomes == [302, 302, 429, 429]
