"""A published campaign keeps its web address: every e-mailed link uses it."""

import pytest
from django.urls import reverse

from groundswell.campaigns.models import Campaign, CampaignStatus
from tests.organizer.test_campaign_pages import new_campaign_data

pytestmark = pytest.mark.django_db

LOCKED = "cannot change once"


def campaign_edit(client, campaign, **changes):
    data = new_campaign_data(campaign.organization, slug=campaign.slug, title="New title")
    data.pop("organization")
    data.update(changes)
    return client.post(reverse("organizer:campaign_edit", args=[campaign.slug]), data)


@pytest.mark.parametrize(
    "status", [CampaignStatus.OPEN, CampaignStatus.CLOSED, CampaignStatus.DELIVERED]
)
def test_a_published_campaigns_address_is_refused_and_nothing_changes(
    client, owner, campaign, status
):
    Campaign.objects.filter(pk=campaign.pk).update(status=status)
    client.force_login(owner)

    response = campaign_edit(client, campaign, slug="renamed")

    assert response.status_code == 200
    assert LOCKED in response.content.decode()
    stored = Campaign.objects.get(pk=campaign.pk)
    assert (stored.slug, stored.title) == ("cancel-the-contract", "Cancel the contract")


def test_a_published_campaigns_edit_form_shows_the_address_read_only(client, owner, campaign):
    client.force_login(owner)

    body = client.get(reverse("organizer:campaign_edit", args=[campaign.slug])).content.decode()

    assert 'name="slug" value="cancel-the-contract"' in body
    assert "readonly" in body.split('name="slug"')[1].split(">")[0]
    assert "Fixed since the campaign was published" in body


def test_a_published_campaign_is_still_edited_with_its_address_unchanged(client, owner, campaign):
    client.force_login(owner)

    response = campaign_edit(client, campaign)

    assert response.status_code == 302
    stored = Campaign.objects.get(pk=campaign.pk)
    assert (stored.slug, stored.title) == ("cancel-the-contract", "New title")


def test_a_drafts_address_may_still_change(client, owner, make_campaign, host):
    draft = make_campaign(organization=host, status=CampaignStatus.DRAFT, slug="draft-slug")
    client.force_login(owner)

    campaign_edit(client, draft, slug="better-slug")

    assert Campaign.objects.get(pk=draft.pk).slug == "better-slug"


def test_the_service_refuses_it_too(campaign):
    from django.core.exceptions import ValidationError

    from groundswell.signatures.services import petition_update

    with pytest.raises(ValidationError):
        petition_update(campaign=campaign, data={"slug": "renamed", "title": "Other"})

    stored = Campaign.objects.get(pk=campaign.pk)
    assert (stored.slug, stored.title) == ("cancel-the-contract", "Cancel the contract")
