"""A signer's share links carry their own referral code and the partner who brought them; the
people those links bring are counted for them and for organizers."""

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from groundswell.accounts.models import Role
from groundswell.signatures.models import Consent, Signature
from groundswell.signatures.services import confirmation_token_make
from groundswell.signatures.services.erasure import signature_withdraw
from tests.conftest import confirmation_link_from_outbox, sign_data

pytestmark = pytest.mark.django_db


def sign_url(campaign):
    return reverse("signatures:sign", kwargs={"slug": campaign.slug})


def confirm_path(campaign, signature):
    token = confirmation_token_make(public_id=signature.public_id)
    return reverse("signatures:confirm", kwargs={"slug": campaign.slug, "token": token})


def share_field(html: str) -> str:
    match = re.search(
        r'data-testid="share-url"[^>]*|value="([^"]+)"[^>]*data-testid="share-url"', html
    )
    assert match
    value = re.search(r'id="share-url" type="text" readonly value="([^"]+)"', html)
    assert value
    return unescape(value.group(1))


def test_every_new_signature_gets_its_own_short_referral_code(signed):
    first = signed(email="a@example.org")
    second = signed(email="b@example.org")

    assert first.referral_code and second.referral_code
    assert first.referral_code != second.referral_code
    assert len(first.referral_code) <= 16


def test_a_signer_brought_by_a_code_is_credited_to_its_owner(client, campaign, signed):
    sharer = signed(email="sharer@example.org")

    client.post(
        sign_url(campaign), sign_data(email="friend@example.org", referral=sharer.referral_code)
    )

    friend = Signature.objects.get(email="friend@example.org")
    assert friend.referred_by_id == sharer.pk


def test_it_ignores_an_unknown_referral_code(client, campaign):
    response = client.post(sign_url(campaign), sign_data(referral="nobody-has-it"))

    assert response.status_code == 302
    assert Signature.objects.get().referred_by_id is None


def test_it_ignores_a_malformed_referral_code(client, campaign):
    response = client.post(sign_url(campaign), sign_data(referral="<script>x</script>"))

    assert response.status_code == 302
    assert Signature.objects.get().referred_by_id is None


def test_it_ignores_a_code_from_another_campaign(client, campaign, make_campaign, signed):
    other = make_campaign()
    stranger = signed(campaign=other, email="stranger@example.org")

    client.post(sign_url(campaign), sign_data(referral=stranger.referral_code))

    assert Signature.objects.get(campaign=campaign).referred_by_id is None


def test_the_petition_page_carries_the_code_in_a_hidden_field(client, campaign, signed):
    sharer = signed(email="sharer@example.org")

    html = client.get(campaign.get_absolute_url() + f"?r={sharer.referral_code}").content.decode()

    assert f'name="referral" value="{sharer.referral_code}"' in html


def test_a_repeat_submission_never_changes_who_brought_a_signer(client, campaign, signed):
    sharer = signed(email="sharer@example.org")
    signed(email="friend@example.org")

    client.post(
        sign_url(campaign), sign_data(email="friend@example.org", referral=sharer.referral_code)
    )

    assert Signature.objects.get(email="friend@example.org").referred_by_id is None


def test_the_confirmed_page_shares_the_signers_code_and_their_partner(client, campaign, partner):
    client.post(sign_url(campaign), sign_data(partner=partner.slug))
    signature = Signature.objects.get()

    html = client.post(confirmation_link_from_outbox()).content.decode()

    query = parse_qs(urlsplit(share_field(html)).query)
    assert query == {"partner": [partner.slug], "r": [signature.referral_code]}
    assert "https://wa.me/?text=" in html
    assert "https://bsky.app/intent/compose?text=" in html
    assert "https://twitter.com/intent/tweet?" in html
    assert "https://www.facebook.com/sharer/sharer.php?u=" in html
    assert "mailto:?subject=" in html


def test_the_confirmed_page_says_how_many_people_the_link_brought(client, campaign, signed):
    sharer = signed(email="sharer@example.org")
    signed(email="one@example.org", confirm=False)
    Signature.objects.filter(email="one@example.org").update(referred_by=sharer)
    for email in ("two@example.org", "three@example.org"):
        friend = signed(email=email)
        Signature.objects.filter(pk=friend.pk).update(referred_by=sharer)
    Signature.objects.filter(pk=sharer.pk).update(confirmed_at=None)

    html = client.post(confirm_path(campaign, sharer)).content.decode()

    assert "Your link has brought 2 people so far." in html


def test_each_signer_sees_their_own_link_on_the_cached_confirmed_page(
    client, campaign, signed, settings
):
    settings.SIGNING_CAMPAIGN_CACHE_SECONDS = 60
    first = signed(email="first@example.org", confirm=False)
    second = signed(email="second@example.org", confirm=False)

    first_html = client.post(confirm_path(campaign, first)).content.decode()
    second_html = client.post(confirm_path(campaign, second)).content.decode()

    assert f"r={first.referral_code}" in share_field(first_html)
    assert f"r={second.referral_code}" in share_field(second_html)
    assert first.referral_code not in second_html


def test_erasing_a_referrer_keeps_the_people_they_brought(campaign, signed):
    sharer = signed(email="sharer@example.org")
    friend = signed(email="friend@example.org")
    Signature.objects.filter(pk=friend.pk).update(referred_by=sharer)

    signature_withdraw(signature=sharer, reason="withdrawn")

    friend.refresh_from_db()
    assert friend.referred_by_id is None


def test_the_petition_page_passes_on_the_partner_who_brought_the_visitor(client, campaign, partner):
    html = client.get(
        campaign.get_absolute_url() + f"?partner={partner.slug}&r=abcdefgh"
    ).content.decode()

    link = share_field(html)
    assert parse_qs(urlsplit(link).query) == {"partner": [partner.slug]}


class TestTheReferralsPage:
    def url(self, campaign):
        return reverse("organizer:campaign_referrals", kwargs={"slug": campaign.slug})

    def test_it_lists_top_referrers_with_counts(self, client, campaign, signed, owner):
        sharer = signed(email="sharer@example.org", name="Grace Hopper")
        for email in ("a@example.org", "b@example.org"):
            Signature.objects.filter(pk=signed(email=email).pk).update(referred_by=sharer)
        client.force_login(owner)

        html = client.get(self.url(campaign)).content.decode()

        assert sharer.public_id in html
        assert "<td>2</td>" in html
        assert "Grace" not in html  # no consent to the host

    def test_a_first_name_only_for_signers_who_agreed_to_hear_from_the_viewer(
        self, client, campaign, signed, owner, viewer
    ):
        sharer = signed(email="sharer@example.org", name="Grace Hopper")
        Consent.objects.create(
            signature=sharer,
            organization=campaign.organization,
            wording="You may contact me",
            language="en",
            given_at=timezone.now(),
            confirmed_at=timezone.now(),
        )
        Signature.objects.filter(pk=signed(email="a@example.org").pk).update(referred_by=sharer)

        client.force_login(owner)
        assert "Grace ·" in client.get(self.url(campaign)).content.decode()
        client.force_login(viewer)  # a role that sees no personal data
        assert "Grace" not in client.get(self.url(campaign)).content.decode()

    def test_partner_staff_see_only_the_signers_their_partner_brought(
        self, client, campaign, signed, partner, make_user
    ):
        staff = make_user(partner.organization, role=Role.OWNER)
        ours = signed(email="ours@example.org")
        Signature.objects.filter(pk=ours.pk).update(partner=partner)
        theirs = signed(email="theirs@example.org")
        for email, referrer in (("x@example.org", ours), ("y@example.org", theirs)):
            Signature.objects.filter(pk=signed(email=email).pk).update(referred_by=referrer)
        client.force_login(staff)

        html = client.get(self.url(campaign)).content.decode()

        assert ours.public_id in html
        assert theirs.public_id not in html

    def test_it_refuses_outsiders(self, client, campaign, outsider):
        client.force_login(outsider)

        assert client.get(self.url(campaign)).status_code == 404


def test_the_page_after_signing_shares_the_partner_who_brought_the_signer(
    client, campaign, partner
):
    response = client.post(sign_url(campaign), sign_data(partner=partner.slug))

    assert response["Location"].endswith(f"/thanks/?partner={partner.slug}")
    link = share_field(client.get(response["Location"]).content.decode())
    assert parse_qs(urlsplit(link).query) == {"partner": [partner.slug]}


def test_every_share_link_is_served_from_the_one_cached_page(
    client, campaign, signed, settings, django_assert_max_num_queries
):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    first, second = signed(email="one@example.org"), signed(email="two@example.org")
    client.get(campaign.get_absolute_url())

    with django_assert_max_num_queries(0):
        pages = [
            client.get(f"{campaign.get_absolute_url()}?r={s.referral_code}").content.decode()
            for s in (first, second)
        ]

    assert f'name="referral" value="{first.referral_code}"' in pages[0]
    assert f'name="referral" value="{second.referral_code}"' in pages[1]
    assert first.referral_code not in pages[1]


def test_a_malformed_code_in_the_address_is_left_out_of_the_page(client, campaign):
    html = client.get(campaign.get_absolute_url() + '?r="><script>').content.decode()

    assert '<input type="hidden" name="referral" id="id_referral">' in html
    assert '"><script>' not in html
