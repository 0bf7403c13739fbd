"""QR codes of a petition and of a partner's link, and a poster to print."""

import pytest
from django.urls import reverse

from groundswell.campaigns.models import CampaignStatus
from groundswell.core.qr_codes import qr_svg

pytestmark = pytest.mark.django_db


def test_the_qr_code_is_a_scalable_svg(client, campaign):
    response = client.get(reverse("campaigns:petition_qr", args=[campaign.slug]))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    svg = response.content.decode()
    assert svg.startswith("<svg") and "viewBox" in svg


def test_a_partners_code_encodes_the_partner_link(client, campaign, partner):
    response = client.get(reverse("campaigns:petition_qr", args=[campaign.slug]) + "?partner=mjn")

    expected = qr_svg(
        url=f"https://sign.example.org/p/{campaign.slug}/?partner=mjn", title=campaign.title
    )
    assert response.content == expected
    assert (
        response.content
        != client.get(reverse("campaigns:petition_qr", args=[campaign.slug])).content
    )


def test_it_refuses_an_unknown_partner_rather_than_print_a_link_without_credit(client, campaign):
    response = client.get(reverse("campaigns:petition_qr", args=[campaign.slug]) + "?partner=nope")

    assert response.status_code == 404


def test_the_poster_shows_title_code_and_address(client, campaign, partner):
    response = client.get(
        reverse("campaigns:petition_poster", args=[campaign.slug]) + "?partner=mjn"
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert campaign.title in html
    assert f"/p/{campaign.slug}/qr.svg?partner=mjn" in html
    assert f"https://sign.example.org/p/{campaign.slug}/?partner=mjn" in html


def test_a_draft_has_no_poster(client, make_campaign):
    draft = make_campaign(status=CampaignStatus.DRAFT)

    assert client.get(reverse("campaigns:petition_poster", args=[draft.slug])).status_code == 404
    assert client.get(reverse("campaigns:petition_qr", args=[draft.slug])).status_code == 404
