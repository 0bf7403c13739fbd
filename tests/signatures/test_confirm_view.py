"""Following the e-mailed link: one press of a button confirms, and only then does it count."""

import pytest
from django.core import signing
from django.urls import reverse

from groundswell.campaigns.models import Campaign, CampaignStatus
from groundswell.signatures.links import CONFIRMATION_SALT, receipt_path
from groundswell.signatures.models import Signature
from groundswell.signatures.services import (
    confirmation_token_make,
    withdrawal_url,
)
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


def test_the_page_shows_what_pressing_the_button_would_publish(client, campaign):
    """Anyone may type anyone's address: its owner sees, before confirming, the name and the
    comment that were typed with it, and whether they would be shown, escaped."""
    client.post(
        reverse("signatures:sign", kwargs={"slug": campaign.slug}),
        sign_data(
            name="Ada & Lovelace", show_name="on", comment="I never wrote this <3",
            comment_public="on",
        ),
    )  # fmt: skip

    page = client.get(confirmation_link_from_outbox()).content.decode()

    assert "Ada &amp; Lovelace" in page
    assert "I never wrote this &lt;3" in page
    assert "shown on the list of signers" in page
    assert "shown publicly on the petition page" in page


def test_the_page_says_when_nothing_typed_would_be_shown(client, campaign):
    client.post(reverse("signatures:sign", kwargs={"slug": campaign.slug}), sign_data(comment=""))

    page = client.get(confirmation_link_from_outbox()).content.decode()

    assert "not shown publicly" in page
    assert "Your comment" not in page


def test_a_browser_that_keeps_no_cookies_can_still_confirm(client, campaign):
    """The link's signed token is the authority; a mail app's browser without cookies works."""
    browser = client
    browser.handler.enforce_csrf_checks = True
    browser.post(reverse("signatures:sign", kwargs={"slug": campaign.slug}), sign_data())
    link = confirmation_link_from_outbox()

    page = browser.get(link)
    browser.cookies.clear()
    response = browser.post(link)

    assert "csrftoken" not in page.cookies
    assert response.status_code == 200
    assert Signature.objects.get().confirmed_at is not None
    assert count(campaign) == 1


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

    page = response.content.decode()
    assert "already confirmed" in page
    assert f"<title>Signature already confirmed · {campaign.title}</title>" in page


def sharing_and_next_steps(page: str) -> str:
    """From the share buttons to the end of the "what to do next" list."""
    start = page.index('<section class="share"')
    return page[start : page.index("</section>", page.index('data-testid="what-next"'))]


def test_a_confirmed_link_opened_again_offers_the_same_sharing_and_next_steps(client, campaign):
    client.post(reverse("signatures:sign", kwargs={"slug": campaign.slug}), sign_data())
    link = confirmation_link_from_outbox()
    first = client.post(link).content.decode()
    confirmed_at = Signature.objects.get().confirmed_at

    again = client.get(link)

    page = again.content.decode()
    assert again.status_code == 200
    assert "Your signature is already confirmed" in page
    assert "Thank you — your signature is confirmed" not in page
    assert "Confirm my signature" not in page
    assert 'data-testid="share-url"' in page and 'data-testid="next-share"' in page
    assert sharing_and_next_steps(page) == sharing_and_next_steps(first)
    assert Signature.objects.get().confirmed_at == confirmed_at
    assert count(campaign) == 1


def test_an_expired_link_of_a_confirmed_signature_stays_refused(client, campaign, signed, settings):
    signature = signed(confirm=True)
    token = confirmation_token_make(public_id=signature.public_id)
    settings.SIGNATURE_CONFIRMATION_MAX_AGE = -1

    response = client.get(reverse("signatures:confirm", args=[campaign.slug, token]))

    page = response.content.decode()
    assert response.status_code == 400
    assert "expired" in page
    assert 'data-testid="share-url"' not in page


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


def withdrawal_link_start(campaign, signature):
    """A withdrawal link up to its token's timestamp, which is the second it was made in."""
    link = withdrawal_url(campaign_slug=campaign.slug, public_id=signature.public_id)
    return link.rsplit(":", 2)[0] + ":"


def test_each_signer_sees_their_own_links_on_the_page_kept_for_everyone(
    client, campaign, signed, settings, owner
):
    """The page after confirming is rendered once per campaign and language and kept; only the
    signer's own receipt and withdrawal links (and the share link) are put into each copy."""
    settings.SIGNING_CAMPAIGN_CACHE_SECONDS = 60
    campaign.title = 'Stop "the <contract>"'
    campaign.save()
    pages = {}
    for name in ("first", "second"):
        signature = signed(confirm=False, email=f"{name}@example.org")
        token = confirmation_token_make(public_id=signature.public_id)
        response = client.post(reverse("signatures:confirm", args=[campaign.slug, token]))
        assert response.status_code == 200
        pages[name] = (signature, response.content.decode())

    for name, (signature, page) in pages.items():
        other_signature = pages["second" if name == "first" else "first"][0]
        own_links = (
            withdrawal_link_start(campaign, signature),
            receipt_path(campaign_slug=campaign.slug, public_id=signature.public_id),
        )
        other_links = (
            withdrawal_link_start(campaign, other_signature),
            receipt_path(campaign_slug=campaign.slug, public_id=other_signature.public_id),
        )
        assert all(link in page for link in own_links)
        assert not any(link in page for link in other_links)
        assert "Stop &quot;the &lt;contract&gt;&quot;" in page
        assert "hole" not in page
        # The share link carries the signer's own referral code (tests/sharing).
        share = f"http://testserver{campaign.get_absolute_url()}?r={signature.referral_code}"
        assert f'value="{share}"' in page

    # An organizer who is logged in gets the page rendered for them, with their own menu.
    client.force_login(owner)
    third = signed(confirm=False, email="third@example.org")
    token = confirmation_token_make(public_id=third.public_id)
    page = client.post(reverse("signatures:confirm", args=[campaign.slug, token])).content.decode()
    assert "Log out" in page
    assert withdrawal_link_start(campaign, third) in page
