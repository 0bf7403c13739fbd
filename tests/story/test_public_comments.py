""" "Why I'm signing": comments signers chose to make public, shown on the petition page once
confirmed, paginated and escaped; organizers hide any; erased with the signature."""

import pytest
from django.urls import reverse

from groundswell.accounts.models import Role
from groundswell.coalitions.models import Partner
from groundswell.signatures.comments import COMMENTS_PER_PAGE
from groundswell.signatures.models import Signature
from groundswell.signatures.services import signature_withdraw
from tests.conftest import sign_data

pytestmark = pytest.mark.django_db


def comments_url(campaign, page=None):
    url = reverse("campaigns:petition_comments", args=[campaign.slug])
    return f"{url}?page={page}" if page is not None else url


def test_the_signing_form_offers_the_choice_unticked(client, campaign):
    page = client.get(campaign.get_absolute_url()).content.decode()

    checkbox = page[page.index('name="comment_public"') - 80 :][:200]
    assert 'type="checkbox"' in checkbox
    assert "checked" not in checkbox
    assert "Show my comment publicly" in page


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ({"comment": "For my kids.", "comment_public": "on"}, ("For my kids.", True)),
        ({"comment": "For my kids."}, ("For my kids.", False)),
        ({"comment": "", "comment_public": "on"}, ("", False)),
    ],
)
def test_signing_stores_the_choice(client, campaign, typed, stored):
    client.post(reverse("signatures:sign", args=[campaign.slug]), sign_data(**typed))

    signature = Signature.objects.get()
    assert (signature.comment, signature.comment_public) == stored


def test_only_confirmed_public_unhidden_comments_are_shown_escaped(client, campaign, signed):
    signed(email="a@example.org", comment="<script>alert(1)</script>", comment_public=True)
    signed(email="b@example.org", comment="Private reason.")
    signed(email="c@example.org", comment="Not confirmed yet.", comment_public=True, confirm=False)
    signed(email="d@example.org", name="Dee Named", show_name=True, comment="Named.",
           comment_public=True)  # fmt: skip

    page = client.get(campaign.get_absolute_url()).content.decode()

    comments = page[page.index('data-testid="comments"') :]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in comments
    assert "<script>alert(1)" not in page
    assert "Private reason." not in page
    assert "Not confirmed yet." not in page
    assert "Dee Named" in comments
    assert "Ada Lovelace" not in page  # the first signer did not show their name
    assert "A signer" in comments


def test_comments_are_paginated(client, campaign, signed):
    for number in range(COMMENTS_PER_PAGE + 3):
        signed(email=f"s{number}@example.org", comment=f"Reason {number}.", comment_public=True)

    first = client.get(comments_url(campaign)).content.decode()
    second = client.get(comments_url(campaign, 2)).content.decode()
    junk = client.get(comments_url(campaign, "x")).content.decode()
    petition = client.get(campaign.get_absolute_url()).content.decode()

    assert first.count("<blockquote>") == COMMENTS_PER_PAGE
    assert second.count("<blockquote>") == 3
    assert "Page 2 of 2" in second
    assert junk.count("<blockquote>") == COMMENTS_PER_PAGE
    assert f"Reason {COMMENTS_PER_PAGE + 2}." in junk  # newest first
    assert petition.count("<blockquote>") == 5
    assert comments_url(campaign) in petition


def test_organizers_hide_a_comment_and_show_it_again(client, campaign, signed, owner):
    signature = signed(comment="Rude words.", comment_public=True)
    client.force_login(owner)
    url = reverse("organizer:campaign_comment_moderate", args=[campaign.slug, signature.public_id])

    assert (
        "Rude words."
        in client.get(reverse("organizer:campaign_comments", args=[campaign.slug])).content.decode()
    )
    assert client.post(url, {"hidden": "1"}).status_code == 302
    client.logout()
    assert "Rude words." not in client.get(campaign.get_absolute_url()).content.decode()
    client.force_login(owner)
    client.post(url, {"hidden": "0"})
    client.logout()
    assert "Rude words." in client.get(campaign.get_absolute_url()).content.decode()


def test_others_cannot_hide_comments(
    client, campaign, signed, viewer, outsider, make_org, make_user
):
    signature = signed(comment="Fine words.", comment_public=True)
    partner = Partner.objects.create(campaign=campaign, organization=make_org(), slug="p")
    partner_staff = make_user(partner.organization, role=Role.OWNER)
    url = reverse("organizer:campaign_comment_moderate", args=[campaign.slug, signature.public_id])
    answers = []
    for person in (viewer, outsider, partner_staff):
        client.force_login(person)
        answers.append(client.post(url, {"hidden": "1"}).status_code)

    assert answers == [403, 404, 404]
    assert Signature.objects.get().comment_hidden_at is None


def test_a_signature_of_another_campaign_cannot_be_moderated_from_this_one(
    client, campaign, make_campaign, signed, owner
):
    elsewhere = signed(campaign=make_campaign(), comment="Elsewhere.", comment_public=True)
    client.force_login(owner)

    url = reverse("organizer:campaign_comment_moderate", args=[campaign.slug, elsewhere.public_id])

    assert client.post(url, {"hidden": "1"}).status_code == 404
    assert Signature.objects.get().comment_hidden_at is None


def test_a_withdrawn_signature_takes_its_comment_with_it(client, campaign, signed):
    signature = signed(comment="Gone soon.", comment_public=True)

    signature_withdraw(signature=signature, reason="withdrawn")

    assert not Signature.objects.filter(comment="Gone soon.").exists()
    assert "Gone soon." not in client.get(campaign.get_absolute_url()).content.decode()
    assert "Gone soon." not in client.get(comments_url(campaign)).content.decode()


def test_the_comments_pages_take_a_few_queries(
    client, campaign, signed, owner, django_assert_max_num_queries
):
    for number in range(COMMENTS_PER_PAGE + 3):
        signed(email=f"s{number}@example.org", comment=f"Reason {number}.", comment_public=True)

    # The campaign, the number of comments, one page of them.
    with django_assert_max_num_queries(3):
        client.get(comments_url(campaign, 2))
    client.force_login(owner)
    # The session and user, the campaign and the membership, the count and the page.
    with django_assert_max_num_queries(7):
        client.get(reverse("organizer:campaign_comments", args=[campaign.slug]))
