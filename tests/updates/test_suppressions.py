"""Hard bounces and complaints from a provider's tracking webhook (Mailgun's, through
django-anymail) suppress the address for every update; a bad signature records nothing."""

import hashlib
import hmac
import json
import time

import pytest
from django.core import mail
from django.test import Client
from django.urls import NoReverseMatch, reverse

from groundswell.updates.addresses import address_hash
from groundswell.updates.models import Suppression, SuppressionReason, Update, UpdateStatus
from groundswell.updates.services import update_send_now

SIGNING_KEY = "mailgun-webhook-signing-key"
WEBHOOK = "/anymail/mailgun/tracking/"


@pytest.fixture(autouse=True)
def _mailgun(settings):
    settings.ANYMAIL = {"MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY}
    settings.UPDATE_SEND_RATE = 0


def mailgun_event(event: str, recipient: str, *, key: str = SIGNING_KEY, **data) -> str:
    timestamp, token = str(int(time.time())), f"token-{event}-{recipient}"
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()
    return json.dumps(
        {
            "signature": {"timestamp": timestamp, "token": token, "signature": signature},
            "event-data": {
                "event": event,
                "recipient": recipient,
                "timestamp": float(timestamp),
                "id": "event-id",
                **data,
            },
        }
    )


def post(body: str):
    return Client().post(WEBHOOK, body, content_type="application/json")


@pytest.mark.urls("tests.updates.urls_with_webhooks")
def test_a_hard_bounce_suppresses_the_address(db):
    response = post(mailgun_event("failed", "Gone@Example.org", severity="permanent"))

    assert response.status_code == 200
    [suppression] = Suppression.objects.all()
    assert suppression.address_hash == address_hash("gone@example.org")
    assert suppression.reason == SuppressionReason.HARD_BOUNCE
    assert suppression.provider_event_id == "token-failed-Gone@Example.org"


@pytest.mark.urls("tests.updates.urls_with_webhooks")
def test_a_complaint_suppresses_the_address(db):
    post(mailgun_event("complained", "angry@example.org"))

    assert Suppression.objects.get().reason == SuppressionReason.COMPLAINT


@pytest.mark.urls("tests.updates.urls_with_webhooks")
def test_a_temporary_failure_or_a_delivery_suppresses_nothing(db):
    post(mailgun_event("failed", "full@example.org", severity="temporary"))
    post(mailgun_event("delivered", "fine@example.org"))

    assert not Suppression.objects.exists()


@pytest.mark.urls("tests.updates.urls_with_webhooks")
def test_a_repeated_webhook_keeps_one_suppression(db):
    body = mailgun_event("failed", "gone@example.org", severity="permanent")
    post(body)
    post(body)

    assert Suppression.objects.count() == 1


@pytest.mark.urls("tests.updates.urls_with_webhooks")
def test_it_refuses_a_webhook_with_a_bad_signature(db):
    response = post(
        mailgun_event("failed", "victim@example.org", key="not-the-key", severity="permanent")
    )

    assert response.status_code == 400
    assert not Suppression.objects.exists()


@pytest.mark.urls("tests.updates.urls_with_webhooks")
def test_a_bounced_address_is_never_mailed_again(
    make_update, owner, consenting_signers, campaign, run_on_commit
):
    consenting_signers(campaign=campaign, organization=campaign.organization, count=2)
    post(mailgun_event("failed", "signer0@example.org", severity="permanent"))

    with run_on_commit():
        update_send_now(update=make_update(), user=owner)

    assert [message.to for message in mail.outbox] == [["signer1@example.org"]]
    update = Update.objects.get()
    assert (update.status, update.suppressed_count) == (UpdateStatus.SENT, 1)


def test_plain_smtp_mounts_no_webhook(db):
    with pytest.raises(NoReverseMatch):
        reverse("anymail:mailgun_tracking_webhook")
    assert Client().post(WEBHOOK, "{}", content_type="application/json").status_code == 404
