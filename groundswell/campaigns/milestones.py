"""Milestones: organizers hear once of each threshold their campaign's count reaches.

`milestones_detect` runs where the public count is published (signatures.tallies.counts_publish),
with the count before and after. Each threshold crossed is inserted as a `MilestoneReached`
row: the unique (campaign, threshold) constraint lets only one of two racing publications
insert it, and only that one mails the organizers (through the outbox, in the same
transaction) and adds the timeline entry.
"""

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from groundswell.accounts.models import EDITING_ROLES, User
from groundswell.campaigns.models import Campaign, MilestoneReached, TimelineKind
from groundswell.campaigns.timeline import timeline_entry_add
from groundswell.core.http import path_for
from groundswell.core.outbox import outbound_email_queue

logger = logging.getLogger(__name__)

MILESTONE_EMAIL_KIND = "campaign-milestone"
MAX_THRESHOLDS = 20


def next_round_goal(count: int) -> int:
    """The next round figure above `count`: 1, 2, 5 times a power of ten (1,000 → 2,000)."""
    power = 1
    while True:
        for step in (1, 2, 5):
            if step * power > count:
                return step * power
        power *= 10


def milestones_detect(*, campaign_id: int, was: int, now: int) -> list[int]:
    """Record (and notify) every threshold the count crossed going from `was` to `now`; returns
    the thresholds this call was the first to record."""
    if now <= was:
        return []
    campaign = Campaign.objects.get(pk=campaign_id)
    crossed = [threshold for threshold in campaign.milestones() if was < threshold <= now]
    return [
        threshold
        for threshold in crossed
        if _milestone_record(campaign=campaign, threshold=threshold, count=now)
    ]


def _milestone_record(*, campaign: Campaign, threshold: int, count: int) -> bool:
    reached_at = timezone.now()
    try:
        with transaction.atomic():
            MilestoneReached.objects.create(
                campaign=campaign, threshold=threshold, signature_count=count, reached_at=reached_at
            )
            timeline_entry_add(
                campaign=campaign, kind=TimelineKind.MILESTONE, key=str(threshold), at=reached_at
            )
            _organizers_notify(campaign=campaign, threshold=threshold, count=count)
            if threshold == campaign.goal and campaign.goal_auto_raise:
                new_goal = next_round_goal(max(count, campaign.goal))
                Campaign.objects.filter(pk=campaign.pk, goal=campaign.goal).update(goal=new_goal)
    except IntegrityError:  # another publication recorded it first
        return False
    return True


def _organizers_notify(*, campaign: Campaign, threshold: int, count: int) -> None:
    recipients = (
        User.objects.filter(
            memberships__organization_id=campaign.organization_id,
            memberships__role__in=EDITING_ROLES,
            is_active=True,
        )
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )
    context = {
        "campaign": campaign,
        "threshold": threshold,
        "count": count,
        "is_goal": threshold == campaign.goal,
        "campaign_url": f"{settings.GROUNDSWELL_BASE_URL}"
        f"{path_for('organizer:campaign', slug=campaign.slug)}",
    }
    body = render_to_string("campaigns/email/milestone.txt", context)
    subject = _("%(title)s reached %(count)s signatures") % {
        "title": campaign.title,
        "count": f"{threshold:,}",
    }
    for address in recipients:
        outbound_email_queue(
            to=address,
            subject=subject,
            body=body,
            kind=MILESTONE_EMAIL_KIND,
            campaign_id=campaign.pk,
        )


def milestones_configure(
    *, campaign: Campaign, thresholds: list[int], goal_auto_raise: bool
) -> Campaign:
    """Set the thresholds that notify organizers (empty: the defaults); ValidationError on
    a threshold that is not a positive whole number, nothing changed."""
    if len(thresholds) > MAX_THRESHOLDS or any(
        not isinstance(n, int) or isinstance(n, bool) or n <= 0 for n in thresholds
    ):
        raise ValidationError(
            _("Give up to %(max)s positive whole numbers.") % {"max": MAX_THRESHOLDS}
        )
    Campaign.objects.filter(pk=campaign.pk).update(
        milestone_thresholds=sorted(set(thresholds)),
        goal_auto_raise=goal_auto_raise,
        updated_at=timezone.now(),
    )
    campaign.refresh_from_db()
    return campaign


def milestones_reached(*, campaign: Campaign) -> list[MilestoneReached]:
    return list(MilestoneReached.objects.filter(campaign=campaign).order_by("threshold"))
