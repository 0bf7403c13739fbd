"""Suzie signs a petition: the public signing form and what it does and does not change."""

import pytest
from django.core import mail
from django.urls import reverse

from groundswell.campaigns.models import CampaignStatus
from groundswell.core.models import OutboundEmail
from groundswell.signatures.models import Signature
from tests.conftest import sign_data

pytestmark = pytest.mark.django_db


def sign_url(campaign):
    return reverse("signatures:sign", kwargs={"slug": campaign.slug})


def test_a_valid_form_creates_a_pending_signature_and_sends_a_confirmation(client, campaign):
    response = client.post(sign_url(campaign), sign_data(source="newsletter"))

    assert response.status_code == 302
    assert response["Location"] == reverse("signatures:thanks", kwargs={"slug": campaign.slug})
    signature = Signature.objects.get()
    assert signature.confirmed_at is None
    assert signature.email_key == "ada@example.org"
    assert signature.source == "newsletter"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ada@example.org"]
    assert "/confirm/" in mail.outbox[0].body
    campaign.refresh_from_db()
    assert campaign.signature_count == 0


def test_the_page_after_signing_is_the_same_for_a_repeat_signer(client, campaign):
    first = client.post(sign_url(campaign), sign_data(), follow=True)
    again = client.post(sign_url(campaign), sign_data(email="ADA+x@example.org"), follow=True)

    assert first.status_code == again.status_code == 200
    assert first.content == again.content
    assert Signature.objects.count() == 1


def test_double_submits_create_one_signature_and_one_email(client, campaign):
    for _attempt in range(3):
        client.post(sign_url(campaign), sign_data())

    assert Signature.objects.count() == 1
    assert len(mail.outbox) == 1


def test_a_repeat_signer_is_told_by_email_and_offered_the_confirmation_again(
    client, campaign, signed, age_last_notice
):
    signed(confirm=False)
    mail.outbox.clear()
    age_last_notice(11)

    client.post(sign_url(campaign), sign_data())

    assert len(mail.outbox) == 1
    assert "already signed" in mail.outbox[0].body
    assert "/confirm/" in mail.outbox[0].body


def test_a_confirmed_repeat_signer_is_told_there_is_nothing_to_do(
    client, campaign, signed, age_last_notice
):
    signed(confirm=True)
    mail.outbox.clear()
    age_last_notice(11)

    client.post(sign_url(campaign), sign_data())

    assert "nothing more to do" in mail.outbox[0].body.lower()
    assert "/confirm/" not in mail.outbox[0].body


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "This field is required."),
        ("email", "not-an-address", "Enter a valid email address."),
        ("country", "XX", "Select a valid choice."),
        ("country", "", "This field is required."),
        ("name", "x" * 121, "Ensure this value has at most 120 characters"),
        ("comment", "y" * 501, "Ensure this value has at most 500 characters"),
        ("name", "<script>alert(1)</script>", "Please remove HTML tags"),
        ("comment", "Nice <img src=x onerror=alert(1)>", "Please remove HTML tags"),
        ("postal_code", "<b>1</b>", "Please remove HTML tags"),
        ("postal_code", "12;DROP", "A postal code has only letters"),
        ("name", "\u200b\u200d\u200b", "invisible control characters"),
        ("name", "\u200d\u200d", "only invisible characters"),
        ("name", "\u3164", "only invisible characters"),
        ("name", "\u202eecalevoL adA", "change the direction of the text"),
        ("name", "Ada\r\nLovelace", "keep this to one line"),
        ("name", "Ada \ufffd", "could not be read"),
        ("postal_code", "N1\u20289GU", "keep this to one line"),
        ("comment", "Because \u2066reasons\u2069", "change the direction of the text"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_changes_nothing(
    client, campaign, field, value, message
):
    response = client.post(sign_url(campaign), sign_data(**{field: value}))

    assert response.status_code == 400
    assert message in response.content.decode()
    assert Signature.objects.count() == 0
    assert OutboundEmail.objects.count() == 0


def test_a_comment_keeps_its_line_breaks(client, campaign):
    client.post(sign_url(campaign), sign_data(comment="First line.\r\nSecond line."))

    assert Signature.objects.get().comment == "First line.\r\nSecond line."


def test_names_are_stored_in_nfc(client, campaign):
    client.post(sign_url(campaign), sign_data(name="Jose\u0301  Garci\u0301a"))

    assert Signature.objects.get().name == "Jos\u00e9 Garc\u00eda"


def test_typed_values_are_escaped_when_the_form_is_shown_again(client, campaign):
    response = client.post(
        sign_url(campaign), sign_data(name='"><script>alert(1)</script>', email="bad")
    )

    body = response.content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;" in body


@pytest.mark.parametrize("status", [CampaignStatus.CLOSED, CampaignStatus.DELIVERED])
def test_a_closed_campaign_refuses_signatures(client, make_campaign, status):
    closed = make_campaign(status=status)

    response = client.post(sign_url(closed), sign_data())

    assert response.status_code == 409
    assert "no longer takes signatures" in response.content.decode()
    assert Signature.objects.count() == 0


def test_a_draft_campaign_cannot_be_signed_or_seen(client, make_campaign):
    draft = make_campaign(status=CampaignStatus.DRAFT)

    assert client.post(sign_url(draft), sign_data()).status_code == 404
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert Signature.objects.count() == 0


def test_a_campaign_past_its_closing_time_refuses_signatures(client, make_campaign):
    from datetime import timedelta

    from django.utils import timezone

    past = make_campaign(closes_at=timezone.now() - timedelta(minutes=1))

    assert client.post(sign_url(past), sign_data()).status_code == 409


def test_signing_needs_post(client, campaign):
    assert client.get(sign_url(campaign)).status_code == 405


def test_a_malformed_source_code_is_dropped_not_an_error(client, campaign):
    client.post(sign_url(campaign), sign_data(source="<bad source>"))

    assert Signature.objects.get().source == ""


def test_signing_is_rate_limited_per_client_address(client, campaign, settings):
    settings.SIGNING_RATE_LIMIT_PER_MINUTE = 2
    for number in range(2):
        client.post(sign_url(campaign), sign_data(email=f"p{number}@example.org"))

    response = client.post(sign_url(campaign), sign_data(email="p3@example.org"))

    assert response.status_code == 429
    assert Signature.objects.count() == 2


def test_a_broker_outage_does_not_lose_the_signature_or_its_email(client, campaign, monkeypatch):
    from groundswell.core import tasks

    def broker_down(*args, **kwargs):
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(tasks.outbound_email_send_task, "delay", broker_down)

    response = client.post(sign_url(campaign), sign_data())

    assert response.status_code == 302
    assert Signature.objects.count() == 1
    assert OutboundEmail.objects.filter(sent_at__isnull=True).count() == 1
    assert len(mail.outbox) == 0
