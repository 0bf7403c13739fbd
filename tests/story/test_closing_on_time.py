"""Closing on time: a campaign with a closing date closes by itself (the periodic task, and
at signing time), stops taking signatures with a clear message and is "Closed" everywhere."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from groundswell.campaigns.models import Campaign, CampaignStatus, TimelineEntry
from groundswell.campaigns.services import (
    CampaignTransitionError,
    campaign_transition,
    campaigns_close_due,
)
from groundswell.campaigns.tasks import campaigns_close_due_task
from groundswell.config.settings import CELERY_BEAT_SCHEDULE
from groundswell.signatures.models import Signature
from tests.conftest import sign_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def past_closing(make_campaign):
    return make_campaign(closes_at=timezone.now() - timedelta(minutes=5))


def test_the_periodic_task_closes_campaigns_past_their_closing_time(past_closing, campaign):
    closed = campaigns_close_due_task.delay().get()

    assert closed == 1
    past_closing.refresh_from_db()
    assert past_closing.status == CampaignStatus.CLOSED
    assert Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.OPEN
    entry = TimelineEntry.objects.get(campaign=past_closing, kind="status")
    assert entry.at == past_closing.closes_at
    assert entry.shown_title == "Signing closed"


def test_closing_is_idempotent(past_closing):
    assert campaigns_close_due() == 1
    assert campaigns_close_due() == 0

    assert TimelineEntry.objects.filter(campaign=past_closing, kind="status").count() == 1


def test_a_campaign_closing_later_stays_open(make_campaign):
    later = make_campaign(closes_at=timezone.now() + timedelta(hours=1))

    assert campaigns_close_due() == 0
    later.refresh_from_db()
    assert later.status == CampaignStatus.OPEN


def test_the_scheduler_runs_the_task():
    assert any(
        entry["task"] == "groundswell.campaigns.tasks.campaigns_close_due_task"
        for entry in CELERY_BEAT_SCHEDULE.values()
    )


def test_signing_after_the_closing_time_is_refused_clearly_and_closes_the_campaign(
    client, past_closing
):
    response = client.post(reverse("signatures:sign", args=[past_closing.slug]), sign_data())

    assert response.status_code == 409
    body = response.content.decode()
    assert "Signing closed on" in body
    assert "no longer takes signatures" in body
    assert "Open" not in body.split('id="sign"')[1].split("</aside>")[0]
    assert not Signature.objects.exists()
    past_closing.refresh_from_db()
    assert past_closing.status == CampaignStatus.CLOSED


def test_before_the_task_runs_every_page_already_says_closed(client, past_closing, owner):
    past_closing.organization.memberships.create(user=owner, role="owner")

    page = client.get(past_closing.get_absolute_url()).content.decode()
    data = client.get(reverse("campaigns:petition_json", args=[past_closing.slug])).json()
    home = client.get("/").content.decode()
    client.force_login(owner)
    dashboard = client.get(reverse("organizer:dashboard")).content.decode()

    assert "Signing closed on" in page
    assert "Open and no longer takes signatures" not in page
    assert 'name="email"' not in page
    assert data["status"] == "closed"
    assert past_closing.title not in home
    assert '<span class="status">Closed</span>' in dashboard


def test_a_closed_campaign_says_it_is_closed_not_open(client, make_campaign):
    closed = make_campaign(status=CampaignStatus.CLOSED)

    page = client.get(closed.get_absolute_url()).content.decode()

    assert "Signing is closed. This petition no longer takes signatures." in page
    assert "is Closed and" not in page


def test_publishing_with_a_closing_date_in_the_past_is_refused_and_changes_nothing(
    make_campaign,
):
    draft = make_campaign(status=CampaignStatus.DRAFT, closes_at=timezone.now() - timedelta(days=1))

    with pytest.raises(CampaignTransitionError, match="closing date is in the past"):
        campaign_transition(campaign=draft, action="publish")

    draft.refresh_from_db()
    assert draft.status == CampaignStatus.DRAFT
    assert not TimelineEntry.objects.filter(campaign=draft).exists()


def test_the_organizer_sees_why_publishing_was_refused(client, make_campaign, host, owner):
    draft = make_campaign(
        organization=host,
        status=CampaignStatus.DRAFT,
        closes_at=timezone.now() - timedelta(days=1),
    )
    client.force_login(owner)

    response = client.post(
        reverse("organizer:campaign_action", args=[draft.slug, "publish"]), follow=True
    )

    assert "The closing date is in the past" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == CampaignStatus.DRAFT


def test_publishing_with_a_future_closing_date_launches_the_campaign(make_campaign):
    draft = make_campaign(
        status=CampaignStatus.DRAFT, closes_at=timezone.now() + timedelta(days=30)
    )

    campaign_transition(campaign=draft, action="publish")

    assert draft.status == CampaignStatus.OPEN
    assert TimelineEntry.objects.get(campaign=draft).kind == "launched"
