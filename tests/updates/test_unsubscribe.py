"""The personal unsubscribe link (RFC 8058 one-click): a POST without cookie or CSRF token
unsubscribes from that organization only; a GET never does; forged or other organizations'
tokens are refused and change nothing."""

import pytest
from django.test import Client
from django.urls import reverse

from groundswell.core.signed_links import SignedLink
from groundswell.updates.addresses import address_hash
from groundswell.updates.messages import UNSUBSCRIBE_LINKS, unsubscribe_url
from groundswell.updates.models import Unsubscription


@pytest.fixture
def link(campaign):
    organization = campaign.organization
    return unsubscribe_url(
        organization_id=organization.pk,
        organization_slug=organization.slug,
        address_hash=address_hash("Ada@Example.org"),
    ).removeprefix("https://sign.example.org")


def test_a_one_click_post_without_cookie_or_csrf_token_unsubscribes(link, campaign):
    client = Client(enforce_csrf_checks=True)

    response = client.post(link, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    [unsubscription] = Unsubscription.objects.all()
    assert unsubscription.organization == campaign.organization
    assert unsubscription.address_hash == address_hash("ada@example.org")
    assert unsubscription.created_at is not None
    assert not response.cookies


def test_a_get_only_shows_the_button(link):
    response = Client().get(link)

    assert response.status_code == 200
    assert 'method="post"' in response.content.decode()
    assert not Unsubscription.objects.exists()


def test_unsubscribing_twice_keeps_one_record(link):
    Client().post(link)
    Client().post(link)

    assert Unsubscription.objects.count() == 1


def test_it_refuses_a_forged_token(campaign):
    path = reverse(
        "updates:unsubscribe",
        kwargs={"organization": campaign.organization.slug, "token": f"1:{'a' * 64}:forged"},
    )

    response = Client().post(path)

    assert response.status_code == 400
    assert "not valid" in response.content.decode()
    assert not Unsubscription.objects.exists()


def test_it_refuses_a_token_made_for_another_organization(link, campaign, make_org):
    other = make_org("Other group", slug="other-group")
    token = link.rstrip("/").rsplit("/", 1)[1]
    elsewhere = reverse("updates:unsubscribe", kwargs={"organization": other.slug, "token": token})

    assert Client().post(elsewhere).status_code == 400
    assert Client().get(elsewhere).status_code == 400
    assert not Unsubscription.objects.exists()


def test_it_refuses_a_token_signed_for_another_purpose(campaign):
    value = f"{campaign.organization_id}:{address_hash('ada@example.org')}"
    token = SignedLink(purpose="something-else", timestamped=False).make(value)
    assert UNSUBSCRIBE_LINKS.make(value) != token
    path = reverse(
        "updates:unsubscribe", kwargs={"organization": campaign.organization.slug, "token": token}
    )

    assert Client().post(path).status_code == 400
    assert not Unsubscription.objects.exists()


def test_it_refuses_other_methods(link):
    assert Client().put(link).status_code == 405
    assert not Unsubscription.objects.exists()
