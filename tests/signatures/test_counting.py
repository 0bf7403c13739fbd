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
