"""The campaign's story: a public timeline on the petition page and in /p/<slug>/timeline.json
(launch, milestones, deliveries, responses, status changes), and the outcome of a won or lost
campaign, which stays listed under it."""

import importlib
from datetime import UTC, datetime

import pytest
from django.apps import apps
from django.urls import reverse

from groundswell.campaigns.models import Campaign, CampaignStatus, ResponseStance, TimelineEntry
from groundswell.campaigns.responses import target_response_record
from groundswell.campaigns.services import (
    CampaignTransitionError,
    campaign_outcome_set,
    campaign_transition,
)
from groundswell.campaigns.timeline import timeline_entry_add
from groundswell.delivery.models import Delivery
from groundswell.delivery.services.deliveries import delivery_record

pytestmark = pytest.mark.django_db


def timeline_url(campaign):
    return reverse("delivery:timeline_json", args=[campaign.slug])


@pytest.fixture
def story(make_campaign, host, owner):
    """A campaign launched, delivered, answered and won."""
    campaign = make_campaign(organization=host, status=CampaignStatus.DRAFT, slug="story")
    campaign_transition(campaign=campaign, action="publish")
    delivery_record(
        campaign=campaign,
        user=owner,
        delivered_at=datetime(2026, 3, 1, 10, 30, tzinfo=UTC),
        place="Northwind Cloud HQ",
        received_by="Head of public affairs",
    )
    target_response_record(
        campaign=campaign,
        responder_name="Dana Whitfield",
        responded_at=datetime(2026, 3, 3, 9, 0, tzinfo=UTC),
        stance=ResponseStance.REFUSED,
        source_url="https://social.example.com/@dana/1",
    )
    return campaign_outcome_set(
        campaign=campaign, outcome=CampaignStatus.WON, note="Northwind <b>cancelled</b> it."
    )


def test_the_timeline_json_tells_the_story_in_order(client, story):
    response = client.get(timeline_url(story))

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    data = response.json()
    assert set(data) == {"slug", "status", "outcome_note", "entries"}
    assert (data["slug"], data["status"]) == ("story", "won")
    assert data["outcome_note"] == "Northwind <b>cancelled</b> it."
    kinds = [entry["kind"] for entry in data["entries"]]
    assert sorted(kinds) == ["delivery", "launched", "response", "status"]
    assert kinds.index("delivery") < kinds.index("response")
    for entry in data["entries"]:
        assert set(entry) == {"kind", "at", "title", "url"}
        assert datetime.fromisoformat(entry["at"])
    delivery = next(entry for entry in data["entries"] if entry["kind"] == "delivery")
    assert delivery["title"] == "Delivered to Head of public affairs, Northwind Cloud HQ"
    assert delivery["url"].startswith("/p/story/deliveries/")
    assert data["entries"][-1]["title"] == "The campaign was won"


def test_drafts_have_no_public_timeline(client, make_campaign):
    draft = make_campaign(status=CampaignStatus.DRAFT)

    assert client.get(timeline_url(draft)).status_code == 404


def test_the_petition_page_shows_the_timeline_and_the_outcome_escaped(client, story):
    page = client.get(story.get_absolute_url()).content.decode()

    timeline = page[page.index('data-testid="timeline"') :]
    assert "The petition was launched" in timeline
    assert "Dana Whitfield responded" in timeline
    outcome = page[page.index('data-testid="outcome"') :]
    assert "We won." in outcome
    assert "Northwind &lt;b&gt;cancelled&lt;/b&gt; it." in outcome
    assert "This campaign was won. It no longer takes signatures." in page


def test_a_won_or_lost_campaign_stays_listed_under_its_outcome(client, story, make_campaign):
    lost = make_campaign(title="The lost one")
    campaign_outcome_set(campaign=lost, outcome=CampaignStatus.LOST, note="They kept it.")

    home = client.get("/").content.decode()

    assert story.title in home[home.index('data-testid="won"') :]
    assert "The lost one" in home[home.index('data-testid="lost"') :]
    assert "They kept it." in home


def test_the_outcome_note_can_be_corrected_without_a_second_timeline_entry(story):
    campaign_outcome_set(campaign=story, outcome=CampaignStatus.WON, note="Corrected.")

    assert Campaign.objects.get(pk=story.pk).outcome_note == "Corrected."
    assert TimelineEntry.objects.filter(campaign=story, key__startswith="won").count() == 1


def test_an_outcome_the_status_does_not_allow_is_refused_and_changes_nothing(make_campaign):
    draft = make_campaign(status=CampaignStatus.DRAFT)

    with pytest.raises(CampaignTransitionError):
        campaign_outcome_set(campaign=draft, outcome=CampaignStatus.WON, note="Too soon.")
    with pytest.raises(CampaignTransitionError):
        campaign_outcome_set(campaign=draft, outcome=CampaignStatus.CLOSED, note="Not one.")

    draft.refresh_from_db()
    assert (draft.status, draft.outcome_note) == (CampaignStatus.DRAFT, "")


def test_the_organizer_sets_the_outcome(client, campaign, owner):
    client.force_login(owner)
    url = reverse("organizer:campaign_outcome", args=[campaign.slug])

    assert client.post(url, {"outcome": "lost", "note": ""}).status_code == 400
    assert client.post(url, {"outcome": "drawn", "note": "Hm."}).status_code == 400
    assert Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.OPEN
    assert client.post(url, {"outcome": "lost", "note": "They renewed."}).status_code == 302
    campaign.refresh_from_db()
    assert (campaign.status, campaign.outcome_note) == (CampaignStatus.LOST, "They renewed.")


def test_a_status_change_is_added_once_and_reopening_is_a_step_of_its_own(make_campaign):
    campaign = make_campaign(status=CampaignStatus.DRAFT)
    campaign_transition(campaign=campaign, action="publish")
    campaign_transition(campaign=campaign, action="close")
    campaign_transition(campaign=campaign, action="reopen")

    titles = [entry.shown_title for entry in TimelineEntry.objects.filter(campaign=campaign)]
    assert titles == ["The petition was launched", "Signing closed", "Signing reopened"]


def test_adding_the_same_entry_twice_keeps_one(campaign):
    at = datetime(2026, 1, 1, tzinfo=UTC)
    first = timeline_entry_add(campaign=campaign, kind="milestone", key="1000", at=at)
    again = timeline_entry_add(campaign=campaign, kind="milestone", key="1000", at=at.now(UTC))

    assert first.pk == again.pk
    assert TimelineEntry.objects.filter(campaign=campaign).count() == 1


def test_an_unknown_kind_is_refused(campaign):
    with pytest.raises(ValueError, match="unknown timeline kind"):
        timeline_entry_add(campaign=campaign, kind="gossip", at=datetime.now(UTC))


def test_the_backfill_tells_the_story_of_campaigns_from_before_the_timeline(
    make_campaign, owner, host
):
    closed = make_campaign(status=CampaignStatus.CLOSED)
    delivered = make_campaign(organization=host)
    delivery = delivery_record(
        campaign=delivered,
        user=owner,
        delivered_at=datetime(2026, 3, 1, tzinfo=UTC),
        place="HQ",
        received_by="Desk",
    )
    make_campaign(status=CampaignStatus.DRAFT)
    TimelineEntry.objects.all().delete()

    for migration in ("campaigns.migrations.0006_timeline_backfill",
                      "delivery.migrations.0005_timeline_backfill"):  # fmt: skip
        importlib.import_module(f"groundswell.{migration}").backfill(apps, None)

    assert sorted(TimelineEntry.objects.filter(campaign=closed).values_list("kind", flat=True)) == [
        "launched",
        "status",
    ]
    entry = TimelineEntry.objects.get(campaign=delivered, kind="delivery")
    assert (entry.key, entry.url) == (
        str(delivery.pk),
        reverse("delivery:delivery", args=[delivered.slug, delivery.pk]),
    )
    assert TimelineEntry.objects.count() == 4


def test_a_delivery_made_private_leaves_the_timeline(client, story):
    Delivery.objects.update(is_public=False)

    data = client.get(timeline_url(story)).json()
    page = client.get(story.get_absolute_url()).content.decode()

    assert "delivery" not in [entry["kind"] for entry in data["entries"]]
    assert "/deliveries/" not in page
