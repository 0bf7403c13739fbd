from collections.abc import Callable
from typing import Any

import pytest

from groundswell.accounts.models import Organization, Role, User
from groundswell.campaigns.models import Campaign
from groundswell.coalitions.models import Partner


@pytest.fixture
def make_partner(make_org: Callable[..., Organization]) -> Callable[..., Partner]:
    def make(campaign: Campaign, name: str, slug: str) -> Partner:
        organization = make_org(name, slug=slug)
        return Partner.objects.create(campaign=campaign, organization=organization, slug=slug)

    return make


@pytest.fixture
def partner_a(campaign: Campaign, make_partner: Callable[..., Partner]) -> Partner:
    return make_partner(campaign, "Migrant Justice Network", "migrant-justice")


@pytest.fixture
def partner_b(campaign: Campaign, make_partner: Callable[..., Partner]) -> Partner:
    return make_partner(campaign, "Digital Rights Collective", "digital-rights")


@pytest.fixture
def staff_of(make_user: Callable[..., User]) -> Callable[..., User]:
    def make(organization: Organization, role: str = Role.ORGANIZER) -> User:
        return make_user(organization, role=role)

    return make


def sign_through(client: Any, campaign: Campaign, partner: str = "", **fields: Any) -> Any:
    from django.urls import reverse

    from tests.conftest import sign_data

    data = sign_data(partner=partner, **fields)
    return client.post(reverse("signatures:sign", kwargs={"slug": campaign.slug}), data)
