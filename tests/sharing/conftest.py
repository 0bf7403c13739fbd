from collections.abc import Callable

import pytest

from groundswell.accounts.models import Organization
from groundswell.campaigns.models import Campaign
from groundswell.coalitions.models import Partner
from tests.events.conftest import make_event  # noqa: F401 (fixture: what-next and directory)


@pytest.fixture
def partner(campaign: Campaign, make_org: Callable[..., Organization]) -> Partner:
    organization = make_org("Migrant Justice Network", slug="migrant-justice-network")
    return Partner.objects.create(campaign=campaign, organization=organization, slug="mjn")
