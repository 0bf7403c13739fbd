"""Organizers' charts by day, partner, source and region (US states from ZIP codes)."""

import pytest
from django.urls import reverse

from groundswell.accounts.models import Role
from groundswell.signatures.models import Signature
from groundswell.signatures.regions import confirmed_by_region, us_state

pytestmark = pytest.mark.django_db


def url(campaign):
    return reverse("organizer:campaign_charts", args=[campaign.slug])


def test_zip_codes_give_us_states():
    assert us_state("10001") == "NY"
    assert us_state("94110-1234") == "CA"
    assert us_state("ABCDE") is None


def test_regions_are_us_states_and_countries(campaign, signed):
    signed(email="a@example.org", country="US", postal_code="10001")
    signed(email="b@example.org", country="US", postal_code="10002")
    signed(email="c@example.org", country="US", postal_code="")
    signed(email="d@example.org", country="DE", postal_code="10115")
    signed(email="e@example.org", country="US", postal_code="94110", confirm=False)

    regions = dict(confirmed_by_region(campaign=campaign))

    assert regions == {
        "New York, United States": 2,
        "United States (no ZIP code)": 1,
        "Germany": 1,
    }


def test_the_host_sees_every_chart(client, campaign, signed, owner, partner):
    signed(email="a@example.org", country="US", postal_code="10001", source="newsletter")
    client.force_login(owner)

    html = client.get(url(campaign)).content.decode()

    for chart in ("by-partner", "by-source", "by-region"):
        assert f'data-testid="{chart}"' in html
    assert "New York, United States" in html
    assert "newsletter" in html
    assert "Migrant Justice Network" in html
    assert 'class="axis"' in html


def test_partner_staff_see_the_sources_and_regions_of_their_own_supporters(
    client, campaign, signed, partner, make_user
):
    staff = make_user(partner.organization, role=Role.VIEWER)
    ours = signed(email="ours@example.org", country="US", postal_code="10001", source="ours")
    Signature.objects.filter(pk=ours.pk).update(partner=partner)
    signed(email="theirs@example.org", country="FR", source="hosts-list")
    client.force_login(staff)

    html = client.get(url(campaign)).content.decode()

    assert "New York, United States" in html and "ours" in html
    assert "France" not in html and "hosts-list" not in html


def test_it_refuses_outsiders(client, campaign, outsider):
    client.force_login(outsider)

    assert client.get(url(campaign)).status_code == 404
