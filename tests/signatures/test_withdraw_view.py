"""A signer changes their mind: their own link takes the signature back and erases it."""

import pytest
from django.urls import reverse

from groundswell.campaigns.models import Campaign
from groundswell.core.signed_links import SignedLink
from groundswell.signatures.links import WITHDRAWAL_PURPOSE, withdrawal_url
from groundswell.signatures.models import Signature

pytestmark = pytest.mark.django_db


def link_for(signature) -> str:
    url = withdrawal_url(campaign_slug=signature.campaign.slug, public_id=signature.public_id)
    return url.removeprefix("https://sign.example.org")


def test_opening_the_link_explains_and_withdraws_nothing(client, signed):
    signature = signed(confirm=True)

    response = client.get(link_for(signature))

    assert "Withdraw my signature" in response.content.decode()
    assert Signature.objects.filter(pk=signature.pk).exists()


def test_pressing_the_button_erases_the_signature_and_its_count(client, campaign, signed):
    signature = signed(confirm=True)

    response = client.post(link_for(signature))

    assert "Your signature is withdrawn" in response.content.decode()
    assert not Signature.objects.filter(pk=signature.pk).exists()
    assert Campaign.objects.get(pk=campaign.pk).signature_count == 0
    again = client.post(link_for(signature))
    assert again.status_code == 200


def test_the_confirmation_page_offers_the_link(client, campaign, signed):
    from groundswell.signatures.services import confirmation_token_make

    signature = signed(confirm=False)
    token = confirmation_token_make(public_id=signature.public_id)

    body = client.post(reverse("signatures:confirm", args=[campaign.slug, token])).content.decode()

    assert "/withdraw/" in body


def test_a_confirmation_token_cannot_withdraw(client, campaign, signed):
    signature = signed(confirm=True)
    wrong = SignedLink("groundswell.signatures.confirm").make(signature.public_id)
    assert WITHDRAWAL_PURPOSE != "groundswell.signatures.confirm"

    response = client.post(reverse("signatures:withdraw", args=[campaign.slug, wrong]))

    assert response.status_code == 400
    assert Signature.objects.filter(pk=signature.pk).exists()
