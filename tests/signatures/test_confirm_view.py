"""Following the e-mailed link: one press of a button confirms, and only then does it count."""

import pytest
from django.core import signing
from django.urls import reverse

from groundswell.campaigns.models import Campaign, CampaignStatus
from groundswell.signatures.models import Signature
from groundswell.signatures.services import CONFIRMATION_SALT, confirmation_token_make
from tests.conftest import confirmation_link_from_outbox, sign_data

pytestmark = pytest.mark.django_db


def count(campaign: Campaign) -> int:
    campaign.refresh_from_db()
    return campaign.signature_count


def test_opening_the_link_shows_a_button_and_confirms_nothing(client, campaign):
    client.post(reverse("signatures:sign", kwargs={"slug": campaign.slug}), sign_data())
    link = confirmation_link_from_outbox()

    response = client.get(link)

    assert response.status_code == 200
    assert "Confirm my signature" in response.content.decode()
    assert Signature.objects.get().confirmed_at is None
    assert count(campaign) == 0


def test_pressing_the_button_confirms_and_counts_exactly_once(client, campaign):
    client.post(reverse("signatures:sign", kwargs={"slug": campaign.slug}), sign_data())
    link = confirmation_link_from_outbox()

    first = client.post(link)
    second = client.post(link)

    assert first.status_code == second.status_code == 200
    assert Signature.objects.get().confirmed_at is not None
    assert count(campaign) == 1


def test_a_confirmed_link_opened_again_says_so(client, campaign, signed):
    signature = signed(confirm=True)
    token = confirmation_token_make(public_id=signature.public_id)

    response = client.get(reverse("signatures:confirm", args=[campaign.slug, token]))

    assert "already confirmed" in response.content.decode()


def test_a_forged_link_is_refused(client, campaign, signed):
    signature = signed(confirm=False)
    forged = f"{signature.public_id}:1abcde:not-a-real-signature"

    for method in (client.get, client.post):
        response = method(reverse("signatures:confirm", args=[campaign.slug, forged]))
        assert response.status_code == 400
        assert "not valid" in response.content.decode()
    assert count(campaign) == 0


def test_an_expired_link_is_refused_with_a_way_forward(client, campaign, signed, settings):
    signature = signed(confirm=False)
    token = confirmation_token_make(public_id=signature.public_id)
    settings.SIGNATURE_CONFIRMATION_MAX_AGE = -1

    response = client.post(reverse("signatures:confirm", args=[campaign.slug, token]))

    assert response.status_code == 400
    assert "expired" in response.content.decode()
    assert count(campaign) == 0


def test_a_link_for_another_campaign_confirms_nothing(client, campaign, signed, make_campaign):
    signature = signed(confirm=False)
    other = make_campaign()
    token = confirmation_token_make(public_id=signature.public_id)

    response = client.post(reverse("signatures:confirm", args=[other.slug, token]))

    assert response.status_code == 400
    assert Signature.objects.get().confirmed_at is None


def test_a_token_signed_for_another_purpose_is_refused(client, campaign, signed):
    signature = signed(confirm=False)
    token = signing.TimestampSigner(salt="something-else").sign(signature.public_id)
    assert CONFIRMATION_SALT != "something-else"

    response = client.post(reverse("signatures:confirm", args=[campaign.slug, token]))

    assert response.status_code == 400


def test_confirming_after_the_campaign_closed_is_refused(client, campaign, signed):
    signature = signed(confirm=False)
    token = confirmation_token_make(public_id=signature.public_id)
    Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.CLOSED)

    response = client.post(reverse("signatures:confirm", args=[campaign.slug, token]))

    assert response.status_code == 400
    assert "closed before your signature was confirmed" in response.content.decode()
    assert count(campaign) == 0
