"""Milestones: organizers hear once of each threshold the published count reaches (defaults
1,000 / 10,000 / 100,000 and the goal; configurable), even when two publications race; the
goal may rise by itself when reached (off by default)."""

import threading

import pytest
from django.db import connection, connections
from django.urls import reverse

from groundswell.accounts.models import Role
from groundswell.campaigns.milestones import (
    MILESTONE_EMAIL_KIND,
    milestones_detect,
    next_round_goal,
)
from groundswell.campaigns.models import Campaign, MilestoneReached, TimelineEntry
from groundswell.core.models import OutboundEmail


def milestone_emails():
    return OutboundEmail.objects.filter(kind=MILESTONE_EMAIL_KIND)


@pytest.fixture
def organizers(make_user, host):
    return [
        make_user(host, role=Role.OWNER, email="owner@just-tech.example"),
        make_user(host, role=Role.ORGANIZER, email="organizer@just-tech.example"),
        make_user(host, role=Role.VIEWER, email="viewer@just-tech.example"),
    ]


@pytest.mark.django_db
def test_every_campaign_has_the_default_milestones_and_its_goal(make_campaign):
    assert make_campaign(goal=5000).milestones() == [1000, 5000, 10000, 100000]
    chosen = make_campaign(goal=50)
    Campaign.objects.filter(pk=chosen.pk).update(milestone_thresholds=[10])
    chosen.refresh_from_db()
    assert chosen.milestones() == [10, 50]


@pytest.mark.django_db
def test_reaching_the_goal_mails_the_organizers_once_and_adds_it_to_the_timeline(
    make_campaign, host, organizers, signed
):
    campaign = make_campaign(organization=host, goal=2)
    signed(campaign=campaign, email="a@example.org")
    assert not MilestoneReached.objects.exists()

    signed(campaign=campaign, email="b@example.org")
    signed(campaign=campaign, email="c@example.org")

    reached = MilestoneReached.objects.get()
    assert (reached.threshold, reached.signature_count) == (2, 2)
    assert sorted(milestone_emails().values_list("to", flat=True)) == [
        "organizer@just-tech.example",
        "owner@just-tech.example",
    ]
    assert "reached its goal" in milestone_emails().first().body
    entry = TimelineEntry.objects.get(campaign=campaign, kind="milestone")
    assert entry.shown_title == "2 signatures"


@pytest.mark.django_db
def test_a_threshold_is_notified_once_when_two_publications_see_it(make_campaign, organizers, host):
    campaign = make_campaign(organization=host)

    first = milestones_detect(campaign_id=campaign.pk, was=999, now=1000)
    second = milestones_detect(campaign_id=campaign.pk, was=999, now=1001)

    assert (first, second) == ([1000], [])
    assert milestone_emails().count() == 2  # owner and organizer, once
    assert TimelineEntry.objects.filter(kind="milestone").count() == 1


@pytest.mark.django_db
def test_a_jump_past_several_thresholds_records_each(make_campaign, host, organizers):
    campaign = make_campaign(organization=host, goal=20000)

    assert milestones_detect(campaign_id=campaign.pk, was=900, now=25000) == [1000, 10000, 20000]
    assert milestones_detect(campaign_id=campaign.pk, was=25000, now=24000) == []


@pytest.mark.django_db(transaction=True)
def test_two_racing_publications_notify_once(make_campaign, host, organizers):
    if connection.vendor != "postgresql":
        pytest.skip("a real race needs two connections to one database: PostgreSQL's")
    campaign = make_campaign(organization=host)
    start = threading.Barrier(2)
    results: list[list[int]] = []

    def publish() -> None:
        try:
            start.wait()
            results.append(milestones_detect(campaign_id=campaign.pk, was=999, now=1000))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=publish) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == [[], [1000]]
    assert MilestoneReached.objects.count() == 1
    assert milestone_emails().count() == 2


@pytest.mark.django_db
def test_the_goal_rises_to_the_next_round_figure_only_when_asked(make_campaign, host, signed):
    kept = make_campaign(organization=host, goal=2)
    raised = make_campaign(organization=host, goal=2)
    Campaign.objects.filter(pk=raised.pk).update(goal_auto_raise=True)
    for campaign in (kept, raised):
        signed(campaign=campaign, email="a@example.org")
        signed(campaign=campaign, email="b@example.org")

    assert Campaign.objects.get(pk=kept.pk).goal == 2
    assert Campaign.objects.get(pk=raised.pk).goal == 5


def test_the_next_round_figure():
    assert [next_round_goal(n) for n in (0, 2, 999, 1000, 1500, 2000, 7500, 10000)] == [
        1, 5, 1000, 2000, 2000, 5000, 10000, 20000,
    ]  # fmt: skip


@pytest.mark.django_db
def test_organizers_choose_the_thresholds(client, campaign, owner):
    client.force_login(owner)
    url = reverse("organizer:campaign_milestones", args=[campaign.slug])

    response = client.post(url, {"thresholds": "500, 5_000, 500", "goal_auto_raise": "on"})

    assert response.status_code == 302
    campaign.refresh_from_db()
    assert (campaign.milestone_thresholds, campaign.goal_auto_raise) == ([500, 5000], True)
    assert campaign.milestones() == [100, 500, 5000]


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["many", "-5", "0", "1.5", ",".join(["7"] * 21)])
def test_bad_thresholds_are_refused_and_change_nothing(client, campaign, owner, bad):
    client.force_login(owner)

    response = client.post(
        reverse("organizer:campaign_milestones", args=[campaign.slug]), {"thresholds": bad}
    )

    assert response.status_code == 400
    assert Campaign.objects.get(pk=campaign.pk).milestone_thresholds == []


@pytest.mark.django_db
def test_viewers_and_outsiders_cannot_change_milestones(client, campaign, viewer, outsider):
    url = reverse("organizer:campaign_milestones", args=[campaign.slug])
    answers = []
    for person in (viewer, outsider):
        client.force_login(person)
        answers.append(client.post(url, {"thresholds": "5"}).status_code)

    assert answers == [403, 404]
    assert Campaign.objects.get(pk=campaign.pk).milestone_thresholds == []
