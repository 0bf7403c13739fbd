"""Guessing passwords: a username is locked out from one client address after 5 failures for
15 minutes, on the organizer login and the Django admin's, with a clear page; axes keeps as
little as it can and logs neither who nor from where."""

import logging
from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.urls import reverse
from django.utils import timezone

from groundswell.accounts.models import User

pytestmark = pytest.mark.django_db

ADDRESS = "203.0.113.7"
LOGIN = "login"
ADMIN_LOGIN = "admin:login"


def attempt(client, password, *, username="owner", address=ADDRESS, page=LOGIN):
    return client.post(
        reverse(page), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def fail(client, times, **where):
    return [attempt(client, f"wrong-{number}", **where) for number in range(times)]


@pytest.mark.parametrize("page", [LOGIN, ADMIN_LOGIN])
def test_a_username_is_locked_out_from_an_address_after_five_failures(client, owner, page):
    User.objects.filter(pk=owner.pk).update(is_staff=True, is_superuser=True)

    answers = fail(client, 5, page=page)
    right_password = attempt(client, "pw", page=page)

    assert [answer.status_code for answer in answers[:4]] == [200] * 4
    for answer in (answers[4], right_password):
        assert answer.status_code == 429
        body = answer.content.decode()
        assert "Too many attempts" in body
        assert "Try again in 15 minutes" in body
    assert "_auth_user_id" not in client.session


def test_four_failures_do_not_lock_and_a_success_starts_the_count_again(client, owner):
    fail(client, 4)
    assert attempt(client, "pw").status_code == 302
    client.logout()

    fail(client, 4)

    assert attempt(client, "pw").status_code == 302


def test_the_lock_holds_one_username_from_one_address_only(client, owner, viewer):
    fail(client, 5)

    assert attempt(client, "pw", address="198.51.100.9").status_code == 302
    client.logout()
    assert attempt(client, "pw", username="viewer").status_code == 302


def test_the_lock_ends_after_the_cool_off(client, owner, settings):
    fail(client, 5)
    assert attempt(client, "pw").status_code == 429

    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))

    assert attempt(client, "pw").status_code == 302


def test_the_limit_and_the_wait_come_from_the_settings(client, owner, settings):
    settings.AXES_FAILURE_LIMIT = 2
    settings.LOGIN_LOCKOUT_MINUTES = 1
    settings.AXES_COOLOFF_TIME = timedelta(minutes=1)

    answers = fail(client, 2)

    assert answers[1].status_code == 429
    assert "Try again in 1 minute;" in answers[1].content.decode()


def test_the_client_address_is_the_one_every_other_limit_uses(client, owner, monkeypatch):
    """Behind a trusted proxy, client_address() tells clients apart; axes must follow it."""
    monkeypatch.setattr(
        "groundswell.accounts.throttling.client_address",
        lambda request: request.META.get("HTTP_X_TEST_CLIENT", ""),
    )
    for _ in range(5):
        client.post(
            reverse(LOGIN),
            {"username": "owner", "password": "wrong"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_TEST_CLIENT="192.0.2.1",
        )

    other = client.post(
        reverse(LOGIN),
        {"username": "owner", "password": "pw"},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_TEST_CLIENT="192.0.2.2",
    )

    assert other.status_code == 302
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"192.0.2.1"}


def test_axes_stores_no_password_no_successful_login_and_no_failure_history(client, owner):
    fail(client, 3)
    attempt(client, "pw", address="198.51.100.9")

    stored = AccessAttempt.objects.get()
    assert "wrong-" not in stored.post_data
    assert "owner" not in stored.post_data
    assert stored.failures_since_start == 3
    assert AccessLog.objects.count() == 0
    assert AccessFailureLog.objects.count() == 0


def test_axes_logs_neither_the_username_nor_the_address(client, owner, caplog):
    with caplog.at_level(logging.DEBUG, logger="axes"):
        fail(client, 5)
        attempt(client, "pw", address="198.51.100.9")

    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "Locking out" in logged
    for private in ("owner", ADDRESS, "198.51.100.9"):
        assert private not in logged
