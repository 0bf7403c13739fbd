"""Once anyone has signed, a petition's text changes only openly: a new version with a note."""

import pytest
from django.core import mail
from django.urls import reverse

from groundswell.campaigns.models import Campaign, CampaignVersion
from groundswell.signatures.models import Signature
from tests.conftest import sign_data

pytestmark = pytest.mark.django_db


def edit(client, campaign, **changes):
    data = {
        "title": campaign.title, "slug": campaign.slug, "ask": campaign.ask,
        "background": campaign.background, "target_name": campaign.target_name,
        "target_title": campaign.target_title, "target_organization": campaign.target_organization,
        "goal": campaign.goal, "opens_at": "", "closes_at": "", "change_note": "",
    }  # fmt: skip
    data.update(changes)
    return client.post(reverse("organizer:campaign_edit", args=[campaign.slug]), data)


def test_before_anyone_signs_the_text_is_edited_in_place(client, owner, campaign):
    client.force_login(owner)

    edit(client, campaign, ask="A sharper ask.")

    campaign.refresh_from_db()
    assert campaign.ask == "A sharper ask."
    assert campaign.text_version == 1


def test_after_a_signature_a_change_needs_a_note_and_makes_a_version(
    client, owner, campaign, signed
):
    signed(confirm=True)
    client.force_login(owner)

    refused = edit(client, campaign, ask="A different ask.")
    campaign.refresh_from_db()
    assert "People have already signed this text" in refused.content.decode()
    assert campaign.ask == "Cancel the contract."

    edit(client, campaign, ask="A different ask.", change_note="Named the agency.")

    campaign.refresh_from_db()
    assert campaign.ask == "A different ask."
    assert campaign.text_version == 2
    assert list(CampaignVersion.objects.values_list("number", "change_note")) == [
        (1, ""),
        (2, "Named the agency."),
    ]
    history = client.get(reverse("campaigns:petition_history", args=[campaign.slug]))
    assert "Named the agency." in history.content.decode()


def test_editing_other_fields_needs_no_note_and_never_touches_the_count(
    client, owner, campaign, signed
):
    signed(confirm=True)
    client.force_login(owner)
    stale = Campaign.objects.get(pk=campaign.pk)
    Campaign.objects.filter(pk=campaign.pk).update(signature_count=5)

    edit(client, stale, title="A new title", goal=500)

    campaign.refresh_from_db()
    assert (campaign.title, campaign.goal, campaign.signature_count) == ("A new title", 500, 5)


def test_each_signature_records_the_version_it_signed(client, owner, campaign, signed):
    first = signed(confirm=True, email="first@example.org")
    client.force_login(owner)
    edit(client, campaign, ask="Version two.", change_note="Clearer.")
    client.logout()

    client.post(
        reverse("signatures:sign", args=[campaign.slug]),
        sign_data(email="second@example.org", text_version=2),
    )

    assert first.text_version == 1
    assert Signature.objects.get(email="second@example.org").text_version == 2


def test_a_text_changed_while_someone_read_it_is_caught(client, owner, campaign):
    client.force_login(owner)
    edit(client, campaign, ask="Version one, edited before anyone signed.")
    Campaign.objects.filter(pk=campaign.pk).update(text_version=2)
    client.logout()

    response = client.post(
        reverse("signatures:sign", args=[campaign.slug]), sign_data(text_version=1)
    )

    assert response.status_code == 409
    assert "changed while you were reading" in response.content.decode()
    assert Signature.objects.count() == 0
    assert 'name="text_version" value="2"' in response.content.decode()


def test_signers_of_an_earlier_version_are_told_once(client, owner, campaign, signed):
    signed(confirm=True, email="a@example.org")
    signed(confirm=True, email="b@example.org")
    signed(confirm=False, email="pending@example.org")
    client.force_login(owner)
    edit(client, campaign, ask="Version two.", change_note="We named the agency.")
    mail.outbox.clear()
    page = client.get(reverse("organizer:campaign", args=[campaign.slug])).content.decode()
    assert "Tell 2 signers of earlier versions" in page

    client.post(reverse("organizer:campaign_version_notices", args=[campaign.slug]))
    client.post(reverse("organizer:campaign_version_notices", args=[campaign.slug]))

    assert sorted(message.to[0] for message in mail.outbox) == ["a@example.org", "b@example.org"]
    assert "We named the agency." in mail.outbox[0].body
    assert f"/p/{campaign.slug}/history/" in mail.outbox[0].body


def test_viewers_cannot_send_notices(client, viewer, campaign):
    client.force_login(viewer)

    response = client.post(reverse("organizer:campaign_version_notices", args=[campaign.slug]))

    assert response.status_code == 403
