"""Password-reset requests are limited per client address and per typed address; the page that
answers is the same whether an account exists, and whether a limit was reached."""

import pytest
from django.core import mail
from django.urls import reverse

pytestmark = pytest.mark.django_db

DONE = "password_reset_done"


def request_reset(client, email, address="203.0.113.7"):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=address)


@pytest.fixture
def account(make_user):
    return make_user(username="ada", email="ada@example.org")


def test_three_requests_an_hour_for_one_address(client, account):
    answers = [
        request_reset(client, email, address=f"198.51.100.{number}")
        for number, email in enumerate(
            ["ada@example.org", "ADA@example.org", " ada@example.org", "ada@example.org"]
        )
    ]

    assert len(mail.outbox) == 3
    assert {answer.status_code for answer in answers} == {302}
    assert {answer["Location"] for answer in answers} == {reverse(DONE)}


def test_ten_requests_an_hour_from_one_client(client, account, make_user):
    for number in range(10):
        make_user(email=f"person{number}@example.org")
        request_reset(client, f"person{number}@example.org")

    over = request_reset(client, "ada@example.org")
    elsewhere = request_reset(client, "ada@example.org", address="198.51.100.1")

    assert over["Location"] == reverse(DONE)
    assert len(mail.outbox) == 11
    assert mail.outbox[-1].to == ["ada@example.org"]
    assert elsewhere["Location"] == reverse(DONE)


def test_the_answer_does_not_tell_whether_an_account_exists(client, account):
    known = request_reset(client, "ada@example.org")
    unknown = request_reset(client, "nobody@example.org")

    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert len(mail.outbox) == 1


def test_the_limits_come_from_the_settings(client, account, settings):
    settings.PASSWORD_RESET_ADDRESS_LIMIT_PER_HOUR = 1

    request_reset(client, "ada@example.org")
    request_reset(client, "ada@example.org", address="198.51.100.1")

    assert len(mail.outbox) == 1


def test_the_login_page_offers_the_reset(client):
    assert reverse("password_reset") in client.get(reverse("login")).content.decode()
