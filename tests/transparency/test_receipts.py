"""Suzie signs, confirms, and keeps a receipt with which she can later prove she was counted."""

import json
import re

import pytest
from django.core import mail
from django.urls import reverse

from groundswell.signatures.links import receipt_token_make
from groundswell.signatures.services import confirmation_token_make, signature_withdraw
from groundswell.transparency.models import LogEntry
from groundswell.transparency.services.log import transparency_log_extend_all
from groundswell.transparency.services.receipts import RECEIPT_EMAIL_KIND
from groundswell.transparency.services.signed_checkpoints import signed_checkpoint_create
from tests.conftest import confirmation_link_from_outbox, sign_data

pytestmark = pytest.mark.django_db


def receipt_url(campaign, signature) -> str:
    token = receipt_token_make(public_id=signature.public_id)
    return reverse("transparency:receipt", args=[campaign.slug, token])


def receipt_emails() -> list:
    return [message for message in mail.outbox if message.subject.startswith("Your receipt")]


def test_suzie_confirms_and_gets_a_receipt_link_on_the_page_and_by_email(client, campaign):
    client.post(
        reverse("signatures:sign", args=[campaign.slug]),
        sign_data(name="Suzie Q", email="suzie@example.org"),
    )
    confirmed = client.post(confirmation_link_from_outbox()).content.decode()

    link = re.search(r'href="([^"]+)" data-testid="receipt-link"', confirmed).group(1)
    page = client.get(link)
    entry = LogEntry.objects.get(public_id__isnull=False, kind="signature")
    body = page.content.decode()
    assert page.status_code == 200
    assert f"entry {entry.index} of the petition" in body
    assert bytes(entry.salt).hex() in body
    assert "Suzie" not in body
    assert "suzie@example.org" not in body
    assert page["Cache-Control"] == "no-store"
    assert page["Referrer-Policy"] == "no-referrer"

    (email,) = receipt_emails()
    assert email.to == ["suzie@example.org"]
    assert f"https://sign.example.org{link}" in email.body
    assert bytes(entry.salt).hex() in email.body
    assert '"format": "groundswell-receipt/v1"' in email.body


def test_the_receipt_downloads_as_the_json_the_verifier_reads(client, campaign, confirm_many):
    signature = confirm_many(1)[0]
    entry = LogEntry.objects.get(signature=signature)
    token = receipt_token_make(public_id=signature.public_id)

    response = client.get(reverse("transparency:receipt_download", args=[campaign.slug, token]))

    assert response["Content-Disposition"] == (
        f'attachment; filename="receipt-{campaign.slug}-0.json"'
    )
    assert response.json() == {
        "format": "groundswell-receipt/v1",
        "campaign": campaign.slug,
        "leaf_index": 0,
        "public_id": signature.public_id,
        "confirmed_at": entry.confirmed_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "salt": bytes(entry.salt).hex(),
    }


def test_each_signer_gets_one_receipt_email_however_often_they_confirm(
    client, campaign, confirm_many
):
    signature = confirm_many(1)[0]
    token = confirmation_token_make(public_id=signature.public_id)
    mail.outbox.clear()

    client.post(reverse("signatures:confirm", args=[campaign.slug, token]))
    transparency_log_extend_all(campaign_id=campaign.pk, full_scan=True)

    assert receipt_emails() == []
    from groundswell.core.models import OutboundEmail

    assert OutboundEmail.objects.filter(kind=RECEIPT_EMAIL_KIND).count() == 1


def test_before_the_leaf_is_appended_the_page_asks_to_come_back(client, campaign, confirm_many):
    signature = confirm_many(1, append=False)[0]  # the broker is down: nothing appended yet

    response = client.get(receipt_url(campaign, signature))

    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="receipt-pending"' in body
    assert "try again in a minute" in body
    assert 'http-equiv="refresh"' in body

    transparency_log_extend_all(campaign_id=campaign.pk)
    assert (
        'data-testid="receipt-json"'
        in client.get(receipt_url(campaign, signature)).content.decode()
    )


def test_a_receipt_is_counted_once_the_scheduled_checkpoint_includes_it(
    client, campaign, confirm_many
):
    """The log is signed on a schedule (C2SP); the JSON checkpoints only when an organizer or a
    delivery makes one. Either counts the signature."""
    signature = confirm_many(1)[0]
    assert (
        "It will be counted in the next checkpoint"
        in client.get(receipt_url(campaign, signature)).content.decode()
    )

    signed_checkpoint_create(campaign_id=campaign.pk)

    body = client.get(receipt_url(campaign, signature)).content.decode()
    assert "It is counted in the latest checkpoint, of 1 signature." in body
    assert "It will be counted" not in body


def test_the_receipt_tells_how_to_check_it_against_the_whole_log(client, campaign, confirm_many):
    signature = confirm_many(1)[0]
    signed_checkpoint_create(campaign_id=campaign.pk)

    body = client.get(receipt_url(campaign, signature)).content.decode()

    command = re.search(r"groundswell verify receipt --log (\S+) --key KEY --receipt", body)
    log_url = command.group(1).removeprefix("http://testserver")
    checkpoint = client.get(f"{log_url}/checkpoint")
    assert checkpoint.status_code == 200
    assert checkpoint.content.decode().splitlines()[1] == "1"
    keys_url = re.search(r"<a href=\"([^\"]+)\">log's keys</a>", body)
    assert client.get(keys_url.group(1).removeprefix("http://testserver")).status_code == 200


def test_a_withdrawn_signatures_receipt_says_it_no_longer_counts(client, campaign, confirm_many):
    signature = confirm_many(1)[0]
    signature_withdraw(signature=signature, reason="withdrawn")

    response = client.get(receipt_url(campaign, signature))

    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="receipt-withdrawn"' in body
    assert "Withdrawn at the signer&#x27;s request" in body


def test_a_forged_receipt_link_is_refused(client, campaign, confirm_many):
    signature = confirm_many(1)[0]

    response = client.get(
        reverse("transparency:receipt", args=[campaign.slug, f"{signature.public_id}:forged"])
    )

    assert response.status_code == 400
    assert "not valid" in response.content.decode()


def test_a_receipt_link_of_another_campaign_or_an_unconfirmed_signature_finds_nothing(
    client, campaign, make_campaign, signed, confirm_many
):
    other = make_campaign()
    confirmed = confirm_many(1)[0]
    pending = signed(confirm=False, email="pending@example.org")

    for target, signature in ((other, confirmed), (campaign, pending)):
        token = receipt_token_make(public_id=signature.public_id)
        response = client.get(reverse("transparency:receipt", args=[target.slug, token]))
        assert response.status_code == 404
        download = client.get(reverse("transparency:receipt_download", args=[target.slug, token]))
        assert download.status_code == 404
        assert json.loads(download.content)["error"]


def test_the_confirmation_links_token_is_not_a_receipt_token(client, campaign, confirm_many):
    signature = confirm_many(1)[0]
    token = confirmation_token_make(public_id=signature.public_id)

    response = client.get(reverse("transparency:receipt", args=[campaign.slug, token]))

    assert response.status_code == 400


def test_receipt_emails_are_sent_once_even_by_overlapping_tasks(campaign, confirm_many, settings):
    from groundswell.core.models import OutboundEmail
    from groundswell.transparency.tasks import receipt_emails_send_task

    confirm_many(3, append=False)
    transparency_log_extend_all(campaign_id=campaign.pk)  # not committed: nothing sent yet
    ids = sorted(OutboundEmail.objects.filter(kind=RECEIPT_EMAIL_KIND).values_list("pk", flat=True))
    mail.outbox.clear()

    sent = receipt_emails_send_task(ids[0], ids[1]) + receipt_emails_send_task(ids[0], ids[-1])

    assert sent == 3
    assert sorted(message.to[0] for message in receipt_emails()) == [
        "signer0@example.org",
        "signer1@example.org",
        "signer2@example.org",
    ]


def test_a_receipt_task_sends_its_batch_over_one_connection_in_the_same_statements_for_any_size(
    campaign, confirm_many, monkeypatch
):
    """One by one, each receipt cost three statements and an SMTP connection: after a spike the
    receipts held the worker for minutes, and confirmation e-mails queued behind them."""
    from django.core import mail as django_mail
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from groundswell.core import outbox
    from groundswell.core.models import OutboundEmail
    from groundswell.transparency.tasks import receipt_emails_send_task

    opened = []

    def counted_connection(*args, **kwargs):
        opened.append(1)
        return django_mail.get_connection(*args, **kwargs)

    monkeypatch.setattr(outbox, "get_connection", counted_connection)
    confirm_many(10, append=False)
    transparency_log_extend_all(campaign_id=campaign.pk)  # not committed: nothing sent yet
    ids = sorted(OutboundEmail.objects.filter(kind=RECEIPT_EMAIL_KIND).values_list("pk", flat=True))
    mail.outbox.clear()

    with CaptureQueriesContext(connection) as two:
        assert receipt_emails_send_task(ids[0], ids[1]) == 2
    with CaptureQueriesContext(connection) as eight:
        assert receipt_emails_send_task(ids[0], ids[-1]) == 8

    # Find, claim (its transaction), mark sent: the same few statements for 2 as for 8.
    assert len(two.captured_queries) == len(eight.captured_queries) <= 8

    assert opened == [1, 1]
    assert len(receipt_emails()) == 10
    assert not OutboundEmail.objects.filter(kind=RECEIPT_EMAIL_KIND, sent_at__isnull=True).exists()


def test_a_receipt_waiting_to_be_sent_dies_with_its_signature(campaign, confirm_many):
    """The receipt holds a copy of the signer's name and address: erasing the signature before
    the task runs leaves nothing to send, and the task sends the others."""
    from groundswell.core.models import OutboundEmail
    from groundswell.transparency.tasks import receipt_emails_send_task

    kept, erased = confirm_many(2, append=False)
    transparency_log_extend_all(campaign_id=campaign.pk)  # not committed: nothing sent yet
    ids = sorted(OutboundEmail.objects.filter(kind=RECEIPT_EMAIL_KIND).values_list("pk", flat=True))
    signature_withdraw(signature=erased, reason="withdrawn")
    mail.outbox.clear()

    assert receipt_emails_send_task(ids[0], ids[-1]) == 1

    assert [message.to for message in receipt_emails()] == [[kept.email]]
    assert not OutboundEmail.objects.filter(to=erased.email).exists()
