import pytest

from groundswell.campaigns.models import Campaign
from groundswell.signatures.services import signature_count_recount

pytestmark = pytest.mark.django_db


def test_the_recount_repairs_a_drifted_count(campaign, signed):
    signed(confirm=True, email="a@example.org")
    signed(confirm=True, email="b@example.org")
    signed(confirm=False, email="c@example.org")
    Campaign.objects.filter(pk=campaign.pk).update(signature_count=7)

    before, after = signature_count_recount(campaign=campaign)

    assert (before, after) == (7, 2)
    campaign.refresh_from_db()
    assert campaign.signature_count == 2


def test_the_periodic_publish_covers_open_campaigns_and_skips_long_closed_ones(
    campaign, make_campaign, signed, settings
):
    from datetime import timedelta

    from django.core.cache import cache
    from django.utils import timezone

    from groundswell.campaigns.models import CampaignStatus
    from groundswell.signatures.tallies import counts_publish_all, tally_add

    settings.CELERY_TASK_ALWAYS_EAGER = False  # nothing publishes on commit...
    cache.add(f"counts-published:{campaign.pk}", 1, timeout=60)  # ...nor a confirming request
    signed(confirm=True)
    old = make_campaign(status=CampaignStatus.CLOSED)
    tally_add(campaign_id=old.pk, partner_id=None, day=timezone.localdate(), confirmed=3)
    Campaign.objects.filter(pk=old.pk).update(updated_at=timezone.now() - timedelta(days=2))

    assert counts_publish_all() == 1

    campaign.refresh_from_db()
    old.refresh_from_db()
    assert campaign.signature_count == 1
    assert old.signature_count == 0
